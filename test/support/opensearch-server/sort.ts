/**
 * `sort` and `search_after`. Each hit gets `sort: [values…]`: epoch ms for dates, numbers for numeric
 * fields (booleans 1/0), strings for keyword fields; multi-valued fields use their max when descending and
 * min when ascending; documents without the field sort last, reported like OpenSearch does (±2⁶³ for
 * numbers, null for strings). `search_after` keeps only hits strictly after the given values — like
 * OpenSearch, hits tying with them are skipped.
 */
import { illegalArgument, OpenSearchError, parsingError } from './errors.js';
import { FieldReader, rejectText, type Hit } from './hit.js';
import type { IndexState } from './index-state.js';

export type SortValue = string | number | null;

export interface SortSpec {
  field: string;
  order: 'asc' | 'desc';
}

const LONG_MIN = -(2 ** 63);
const LONG_MAX = 2 ** 63;

export function parseSort(value: unknown): SortSpec[] {
  const entries = Array.isArray(value) ? value : [value];
  return entries.map((entry): SortSpec => {
    if (typeof entry === 'string') return { field: entry, order: entry === '_score' ? 'desc' : 'asc' };
    if (entry === null || typeof entry !== 'object') throw parsingError(`[sort] unexpected value ${JSON.stringify(entry)}`);
    const keys = Object.keys(entry);
    if (keys.length !== 1) throw parsingError(`[sort] expected one field per sort object, found [${keys.join(', ')}]`);
    const field = keys[0];
    const spec = (entry as Record<string, unknown>)[field];
    const order = typeof spec === 'string' ? spec : (spec as { order?: unknown } | null)?.order ?? 'asc';
    if (spec !== null && typeof spec === 'object') {
      for (const key of Object.keys(spec)) {
        if (key !== 'order') throw parsingError(`[sort] option [${key}] of [${field}] is not supported by the test server`);
      }
    }
    if (order !== 'asc' && order !== 'desc') throw parsingError(`[sort] unknown order [${String(order)}] for [${field}]`);
    return { field, order };
  });
}

/** Computes each hit's sort values; throws when no target index maps a sort field, as OpenSearch does. */
export function sortValues(specs: SortSpec[], hits: readonly Hit[], indices: readonly IndexState[]): SortValue[][] {
  const readers = specs.map((spec) => {
    if (spec.field === '_doc' || spec.field === '_score') return undefined;
    const reader = new FieldReader(spec.field, (r) => rejectText(r, spec.field));
    if (indices.length && !indices.some((index) => reader.resolve(index))) {
      throw new OpenSearchError(400, 'query_shard_exception', `No mapping found for [${spec.field}] in order to sort on`, 'search_phase_execution_exception');
    }
    return reader;
  });
  return hits.map((hit) =>
    specs.map((spec, i): SortValue => {
      const reader = readers[i];
      if (spec.field === '_doc') return hit.doc.seq;
      if (!reader) return 1;
      const values = reader.values(hit);
      const type = reader.resolve(hit.index)?.type;
      if (values.length === 0) {
        if (type === 'keyword') return null;
        return spec.order === 'desc' ? LONG_MIN : LONG_MAX;
      }
      return values.reduce((a, b) => ((spec.order === 'desc' ? b > a : b < a) ? b : a));
    }),
  );
}

export function compareSortValues(specs: SortSpec[], a: readonly SortValue[], b: readonly SortValue[]): number {
  for (let i = 0; i < specs.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    const c = x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return specs[i].order === 'desc' ? -c : c;
  }
  return 0;
}

export function parseSearchAfter(value: unknown, specs: SortSpec[]): SortValue[] {
  if (!Array.isArray(value)) throw parsingError('[search_after] must be an array');
  if (specs.length === 0) throw illegalArgument('Sort must contain at least one field.');
  if (value.length !== specs.length) {
    throw illegalArgument(`search_after has ${value.length} value(s) but sort has ${specs.length}.`);
  }
  return value.map((v) => {
    if (v === null || typeof v === 'string' || typeof v === 'number') return v;
    throw parsingError(`[search_after] values must be strings, numbers or null, got ${JSON.stringify(v)}`);
  });
}
