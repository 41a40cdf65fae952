/**
 * `_search` over resolved indices: query, sort (+ `search_after`), `from`/`size` (default 10, window
 * checked against `index.max_result_window`), `_source` filtering, `track_total_hits`, aggregations.
 * Response shape as OpenSearch 2.x.
 */
import { compileAggs, runAggs } from './aggregations.js';
import { illegalArgument, parsingError } from './errors.js';
import type { Hit } from './hit.js';
import type { IndexState } from './index-state.js';
import { compileQuery } from './query.js';
import { compareSortValues, parseSearchAfter, parseSort, sortValues, type SortValue } from './sort.js';

const BODY_KEYS = new Set(['query', 'size', 'from', 'sort', 'search_after', 'aggs', 'aggregations', '_source', 'track_total_hits', 'timeout', 'version', 'seq_no_primary_term']);

export function search(indices: readonly IndexState[], body: Record<string, unknown>, params: URLSearchParams): Record<string, unknown> {
  for (const key of Object.keys(body)) {
    if (!BODY_KEYS.has(key)) throw parsingError(`Unknown key for a START_OBJECT in [${key}].`);
  }
  const size = intParam(body.size ?? params.get('size') ?? 10, 'size');
  const from = intParam(body.from ?? params.get('from') ?? 0, 'from');
  const query = compileQuery(body.query ?? { match_all: {} });
  const aggs = body.aggs ?? body.aggregations;
  const compiledAggs = aggs === undefined ? undefined : compileAggs(aggs);
  const specs = body.sort === undefined ? [] : parseSort(body.sort);
  const after = body.search_after === undefined ? undefined : parseSearchAfter(body.search_after, specs);
  if (after && from > 0) throw illegalArgument('`from` parameter must be set to 0 when `search_after` is used.');
  const window = Math.min(...indices.map((i) => i.maxResultWindow), 10_000);
  if (from + size > window) {
    throw illegalArgument(
      `Result window is too large, from + size must be less than or equal to: [${window}] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`,
    );
  }

  const hits: Hit[] = [];
  for (const index of indices) {
    const bound = query(index);
    for (const doc of bound.candidates ?? index.orderedDocs()) if (bound.test(doc)) hits.push({ index, doc });
  }

  let ordered: { hit: Hit; sort?: SortValue[] }[] = hits.map((hit) => ({ hit }));
  if (specs.length) {
    // With size 0 nothing is returned, so only the sort's validity matters (its errors still apply).
    const values = sortValues(specs, size === 0 ? [] : hits, indices);
    ordered = size === 0 ? [] : hits.map((hit, i) => ({ hit, sort: values[i] }));
    ordered.sort((a, b) => compareSortValues(specs, a.sort ?? [], b.sort ?? []));
    if (after) ordered = ordered.filter((h) => compareSortValues(specs, h.sort ?? [], after) > 0);
  }
  const page = ordered.slice(from, from + size);
  const source = sourceFilter(body._source);
  const response: Record<string, unknown> = {
    took: 1,
    timed_out: false,
    _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 },
    hits: {
      ...totalHits(hits.length, body.track_total_hits),
      max_score: specs.length || page.length === 0 ? null : 1,
      hits: page.map(({ hit, sort }) => ({
        _index: hit.index.name,
        _id: hit.doc.id,
        _score: specs.length ? null : 1,
        ...(source ? { _source: source(hit.doc.source) } : {}),
        ...(sort ? { sort } : {}),
      })),
    },
  };
  if (compiledAggs) response.aggregations = runAggs(compiledAggs, hits);
  return response;
}

function totalHits(count: number, track: unknown): Record<string, unknown> {
  if (track === false) return {};
  const limit = track === true ? Infinity : typeof track === 'number' ? track : 10_000;
  return { total: count > limit ? { value: limit, relation: 'gte' } : { value: count, relation: 'eq' } };
}

function intParam(value: unknown, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw illegalArgument(`[${name}] parameter cannot be negative or fractional, found [${String(value)}]`, false);
  return n;
}

type SourceFilter = (source: Record<string, unknown>) => Record<string, unknown>;

function sourceFilter(spec: unknown): SourceFilter | undefined {
  if (spec === undefined || spec === true) return (s) => s;
  if (spec === false) return undefined;
  const includes = typeof spec === 'string' ? [spec] : Array.isArray(spec) ? spec : undefined;
  if (!includes || !includes.every((p) => typeof p === 'string' && !p.includes('*'))) {
    throw parsingError('[_source] the test server supports true, false or a list of field paths');
  }
  return (source) => {
    const out: Record<string, unknown> = {};
    for (const path of includes as string[]) copyPath(source, out, path.split('.'));
    return out;
  };
}

function copyPath(from: Record<string, unknown>, to: Record<string, unknown>, parts: string[]): void {
  const [head, ...rest] = parts;
  if (!(head in from)) return;
  const value = from[head];
  if (rest.length === 0) {
    to[head] = value;
  } else if (value && typeof value === 'object' && !Array.isArray(value)) {
    const child = (to[head] ??= {}) as Record<string, unknown>;
    copyPath(value as Record<string, unknown>, child, rest);
  }
}
