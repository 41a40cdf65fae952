/**
 * What the first pass of `ingest bulk` learns from one document line (the line after an action line):
 * a pure function of the line's text and its action's collection, so it runs the same in the calling
 * thread and in a parse thread (bulk-parse-threads.ts).
 */
import { getPath, metadataString } from '../store/metadata.js';
import { beyondDouble, mayExceedDouble, nonFiniteField, parseJsonExactly } from './json-scanner.js';
import { matchesPattern } from './patterns.js';
import { salvageUuid } from './run-groups.js';
import type { TimestampCache } from './timestamps.js';

/** The options of `ingest bulk` a document line is read with. */
export interface BulkDocumentOptions {
  /** Run id fields tried in order; `*` patterns match top-level field names (`*_uuid`). */
  uuidFields: string[];
  timestampField: string;
  versionField: string;
}

/** A document line as the first pass sees it. */
export type DocumentVerdict =
  /** A measurement of run `uuid`, noted by its place. */
  | { kind: 'document'; uuid: string; timestampMs: number | null; metricName: string | null }
  /** Run `uuid`'s metadata document; `byContent`: its collection matched no pattern, its fields told. */
  | { kind: 'metadata'; uuid: string; timestampMs: number; byContent: boolean }
  /**
   * A line that refuses its run (`uuid`) or, when its run cannot be told, is an orphan error. `context`:
   * the document's text, which the action line is put before, searched for run ids (orphans only).
   * `checked`: the document was an object with a run id (refused for what its fields hold).
   */
  | { kind: 'refused'; uuid?: string; message: string; field?: string; byContent: boolean; context?: string; checked: boolean };

/**
 * Reads one document line. `invalidUtf8`: the file offset of its first byte that is not UTF-8, if any;
 * `metadataCollection`: whether its action's collection matched the run metadata patterns.
 */
export function readBulkDocument(
  text: string,
  invalidUtf8: number | undefined,
  metadataCollection: boolean,
  options: BulkDocumentOptions,
  timestamps: TimestampCache,
): DocumentVerdict {
  let doc: unknown;
  try {
    doc = parseJsonExactly({ text, invalidUtf8 });
  } catch (err) {
    return { kind: 'refused', uuid: salvageUuid(text, options.uuidFields[0]), message: `malformed JSON document: ${(err as Error).message}`, byContent: false, context: text, checked: false };
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    return { kind: 'refused', message: 'the document is not a JSON object', byContent: false, context: text, checked: false };
  }
  const record = doc as Record<string, unknown>;
  const uuid = findRunId(record, options.uuidFields);
  if (uuid === undefined) {
    const message = `the document has no run id (tried fields ${options.uuidFields.join(', ')})`;
    return { kind: 'refused', message, field: options.uuidFields[0], byContent: false, context: text, checked: false };
  }
  const rawTs = getPath(record, options.timestampField);
  const timestampMs = timestamps.parse(rawTs);
  const byContent = !metadataCollection && looksLikeRunMetadata(record, options.versionField);
  if (!metadataCollection && !byContent) {
    return { kind: 'document', uuid, timestampMs, metricName: typeof record.metricName === 'string' ? record.metricName : null };
  }
  // Run metadata is written back as JSON (a document keeps its own text): 1e400 would become null.
  const beyond = mayExceedDouble(text) ? nonFiniteField(record) : undefined;
  if (beyond !== undefined) return { kind: 'refused', uuid, message: beyondDouble(beyond), byContent, checked: true };
  if (timestampMs === null) {
    const message = `run ${uuid} has no valid timestamp (got ${JSON.stringify(rawTs) ?? 'nothing'})`;
    return { kind: 'refused', uuid, message, field: options.timestampField, byContent, checked: true };
  }
  return { kind: 'metadata', uuid, timestampMs, byContent };
}

/** A run's metadata rather than a measurement: no `metricName`, and a version or build field. */
function looksLikeRunMetadata(record: Record<string, unknown>, versionField: string): boolean {
  if (record.metricName !== undefined) return false;
  return [versionField, 'ocpVersion', 'buildUrl', 'build_url'].some((f) => getPath(record, f) !== undefined);
}

/** The first usable run id among the fields (patterns match top-level field names). */
export function findRunId(doc: Record<string, unknown>, fields: string[]): string | undefined {
  for (const field of fields) {
    const candidates = field.includes('*') ? Object.keys(doc).filter((k) => matchesPattern(k, field)) : [field];
    for (const key of candidates) {
      const value = getPath(doc, key);
      if (typeof value === 'string' ? value !== '' : typeof value === 'number') return metadataString(value);
    }
  }
  return undefined;
}
