/**
 * Run metadata as stored in `run_metadata`: nested objects flattened to dotted keys, every value as a
 * string (the first 512 characters; the whole value stays in `runs.metadata`).
 *
 * @example
 * flattenMetadata({ platform: 'GCP', jobConfig: { qps: 20 } }) // → { platform: 'GCP', 'jobConfig.qps': '20' }
 */
export const METADATA_VALUE_LIMIT = 512;

export function flattenMetadata(metadata: Record<string, unknown>): Record<string, string> {
  // No prototype: a key named __proto__ is indexed like any other.
  const out = Object.create(null) as Record<string, string>;
  const walk = (prefix: string, value: unknown): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(prefix ? `${prefix}.${k}` : k, v);
      return;
    }
    out[prefix] = metadataString(value);
  };
  walk('', metadata);
  return out;
}

/** The string form a metadata value is indexed and compared by. */
export function metadataString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function indexedValue(value: string): string {
  return value.length > METADATA_VALUE_LIMIT ? value.slice(0, METADATA_VALUE_LIMIT) : value;
}

/** Reads a dotted path through nested objects (`labels.namespace`). */
export function getPath(obj: unknown, path: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const record = obj as Record<string, unknown>;
  if (path in record) return record[path];
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}
