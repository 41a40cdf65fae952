/**
 * Narrowing candidates before the full filter test: documents bucketed by the exact string form of one
 * field's values. A `.keyword` match (`String(value) === query`) and Orion's client-side routing
 * (`value === query`) can only hold for a document in the bucket of the query string, so the full test
 * (match.ts, routing.ts) needs to run on that bucket only — a test of 20 metrics reads each document
 * for one metric instead of twenty, and 50 tests read each run's metadata once instead of fifty times.
 *
 * Text `match` (analysed tokens) and non-string query values are not narrowed: `exactFilterField` says
 * which field, if any, may be used.
 *
 * @example
 * const index = new ExactIndex(docs, (d) => d.doc.body);
 * index.candidates('metricName', 'podReadyLatency'); // the documents whose metricName is that string
 */
import { getNested } from '../opensearch/fields.js';
import { fieldValues } from './field-values.js';
import type { FieldValue } from '../types.js';
import { KEYWORD_IGNORE_ABOVE, stripKeyword } from './match.js';

export class ExactIndex<T> {
  private readonly byField = new Map<string, Map<string, T[]>>();

  constructor(
    private readonly items: readonly T[],
    private readonly bodyOf: (item: T) => Record<string, unknown>,
  ) {}

  /** The items whose `field` (`.keyword` suffix ignored) has `value` among its scalar values, in input order. */
  candidates(field: string, value: string): readonly T[] {
    return this.candidatesAt(stripKeyword(field), value);
  }

  /** {@link candidates} by the field's path (no `.keyword` suffix). */
  candidatesAt(path: string, value: string): readonly T[] {
    let buckets = this.byField.get(path);
    if (!buckets) {
      buckets = this.bucket(path);
      this.byField.set(path, buckets);
    }
    return buckets.get(value) ?? [];
  }

  private bucket(path: string): Map<string, T[]> {
    const buckets = new Map<string, T[]>();
    for (const item of this.items) {
      const body = this.bodyOf(item);
      const raw = getNested(body, path);
      if (raw === null) continue;
      // A scalar (nearly every document) goes straight to its bucket: no list of keys per document.
      if (raw !== undefined && !Array.isArray(raw)) {
        if (isScalar(raw)) addTo(buckets, String(raw), item);
        continue;
      }
      // Arrays (nested ones flattened), and paths through arrays of objects, as MatchableDocument reads them.
      for (const key of new Set(fieldValues(body, path).filter(isScalar).map(String))) addTo(buckets, key, item);
    }
    return buckets;
  }
}

function addTo<T>(buckets: Map<string, T[]>, key: string, item: T): void {
  const list = buckets.get(key);
  if (list) list.push(item);
  else buckets.set(key, [item]);
}

function isScalar(v: unknown): boolean {
  return v !== null && v !== undefined && typeof v !== 'object';
}

/**
 * The first filter that narrows exactly: a string value on a `.keyword` field (OpenSearch `match` on a
 * keyword), or — with `routing`, whose equality is exact on every field — a string value on any field.
 */
export function exactFilterField(filters: Record<string, FieldValue>, routing: boolean): { field: string; value: string } | undefined {
  for (const [field, value] of Object.entries(filters)) {
    // A `.keyword` match of a value longer than ignore_above selects nothing: the full test says so.
    if (typeof value === 'string' && (routing || (field.endsWith('.keyword') && value.length <= KEYWORD_IGNORE_ABOVE))) return { field, value };
  }
  return undefined;
}
