/**
 * Reading fields out of OpenSearch `_source` documents: dotted paths traverse objects (and also match keys
 * that themselves contain dots, which OpenSearch treats the same way), timestamps in any form OpenSearch
 * accepts become epoch milliseconds.
 */
import { epochToMs, parseDateTime } from '../../util/time.js';

export function getNested(doc: unknown, path: string): unknown {
  if (doc === null || typeof doc !== 'object') return undefined;
  const obj = doc as Record<string, unknown>;
  if (path in obj) return obj[path];
  const parts = path.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const head = parts.slice(0, i).join('.');
    if (head in obj) {
      const found = getNested(obj[head], parts.slice(i).join('.'));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Epoch ms of a document timestamp: ISO-8601 (no zone = UTC, as OpenSearch reads it), epoch seconds or
 * epoch ms numbers (or numeric strings; Orion's `standardize_timestamp` treats ints as seconds). NaN when
 * absent or unreadable.
 */
export function toEpochMs(value: unknown): number {
  if (typeof value === 'number') return epochToMs(value);
  if (typeof value !== 'string' || value.trim() === '') return Number.NaN;
  if (/^-?\d+(\.\d+)?$/.test(value)) return epochToMs(Number(value));
  return parseDateTime(value) ?? Number.NaN;
}

/** A metric value as a number: numbers as is, numeric strings parsed, anything else null. */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

/** `str(float(p))` in Python: the key OpenSearch and Orion give a percent (`99` → `"99.0"`). */
export function percentKey(percent: number): string {
  return Number.isInteger(percent) ? `${percent}.0` : String(percent);
}
