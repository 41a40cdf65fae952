/**
 * Aggregations: `terms`, `filter`, `avg`, `sum`, `min`, `max`, `value_count`, `percentiles`, nested through
 * `aggs`. Results have OpenSearch's shapes; numeric values from every element of multi-valued fields
 * contribute; date fields add `value_as_string` (`YYYY-MM-DDTHH:mm:ss.SSSZ`). Anything else is refused with
 * a `parsing_exception` rather than answered approximately.
 */
import { illegalArgument, parsingError } from './errors.js';
import { FieldReader, rejectText, type Hit } from './hit.js';
import type { IndexState } from './index-state.js';
import { formatDate } from './mapping.js';
import { percentile, percentKey } from './percentiles.js';
import { asObject, compileQuery, type BoundQuery, type Query } from './query.js';

export type AggResult = Record<string, unknown>;

interface CompiledAgg {
  run(hits: readonly Hit[]): AggResult;
}

export type CompiledAggs = Map<string, CompiledAgg>;

const METRIC_TYPES = ['avg', 'sum', 'min', 'max', 'value_count', 'percentiles'] as const;
type MetricType = (typeof METRIC_TYPES)[number];

export function compileAggs(spec: unknown): CompiledAggs {
  const out: CompiledAggs = new Map();
  for (const [name, def] of Object.entries(asObject(spec, 'aggs'))) {
    const body = asObject(def, name);
    const subSpec = body.aggs ?? body.aggregations;
    const types = Object.keys(body).filter((k) => k !== 'aggs' && k !== 'aggregations' && k !== 'meta');
    if (types.length !== 1) {
      throw parsingError(`Expected one aggregation type in [${name}] but found [${types.join(', ')}]`);
    }
    const type = types[0];
    const sub = subSpec === undefined ? new Map() : compileAggs(subSpec);
    if (type === 'terms') out.set(name, termsAgg(name, body.terms, sub));
    else if (type === 'filter') out.set(name, filterAgg(body.filter, sub));
    else if ((METRIC_TYPES as readonly string[]).includes(type)) {
      if (sub.size) throw parsingError(`Aggregator [${name}] of type [${type}] cannot accept sub-aggregations`);
      out.set(name, metricAgg(name, type as MetricType, body[type]));
    } else {
      throw parsingError(`Unknown aggregation type [${type}] did you mean [terms]? (test server supports terms, filter, ${METRIC_TYPES.join(', ')})`);
    }
  }
  return out;
}

export function runAggs(aggs: CompiledAggs, hits: readonly Hit[]): AggResult {
  const out: AggResult = {};
  for (const [name, agg] of aggs) out[name] = agg.run(hits);
  return out;
}

function termsAgg(name: string, spec: unknown, sub: CompiledAggs): CompiledAgg {
  const opts = asObject(spec, `${name}.terms`);
  allowOnly(opts, ['field', 'size', 'shard_size', 'order', 'min_doc_count'], name, 'terms');
  const field = requireField(opts, name, 'terms');
  const size = opts.size === undefined ? 10 : Number(opts.size);
  if (!Number.isInteger(size) || size <= 0) throw parsingError(`[size] must be greater than 0. Found [${String(opts.size)}] in [${name}]`);
  const minDocCount = opts.min_doc_count === undefined ? 1 : Number(opts.min_doc_count);
  const order = parseTermsOrder(opts.order, name);
  const reader = new FieldReader(field, (r) => rejectText(r, field));
  return {
    run(hits) {
      const buckets = new Map<string | number, Hit[]>();
      for (const hit of hits) {
        for (const key of new Set(reader.values(hit))) {
          const list = buckets.get(key);
          if (list) list.push(hit);
          else buckets.set(key, [hit]);
        }
      }
      const type = reader.typeIn(hits);
      const sorted = [...buckets.entries()].filter(([, list]) => list.length >= minDocCount).sort(order);
      const kept = sorted.slice(0, size);
      const other = sorted.slice(size).reduce((n, [, list]) => n + list.length, 0);
      return {
        doc_count_error_upper_bound: 0,
        sum_other_doc_count: other,
        buckets: kept.map(([key, list]) => ({
          key,
          ...(type === 'date' ? { key_as_string: formatDate(Number(key)) } : {}),
          ...(type === 'boolean' ? { key_as_string: key === 1 ? 'true' : 'false' } : {}),
          doc_count: list.length,
          ...runAggs(sub, list),
        })),
      };
    },
  };
}

type BucketEntry = [string | number, Hit[]];

function parseTermsOrder(order: unknown, name: string): (a: BucketEntry, b: BucketEntry) => number {
  const byKey = (a: BucketEntry, b: BucketEntry) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  const byCount = (a: BucketEntry, b: BucketEntry) => a[1].length - b[1].length;
  if (order === undefined) return (a, b) => -byCount(a, b) || byKey(a, b);
  const spec = asObject(order, `${name}.terms.order`);
  const [key, dir] = Object.entries(spec)[0] ?? [];
  const sign = dir === 'asc' ? 1 : dir === 'desc' ? -1 : 0;
  if (Object.keys(spec).length !== 1 || sign === 0 || (key !== '_count' && key !== '_key')) {
    throw parsingError(`[${name}] terms order ${JSON.stringify(order)} is not supported by the test server`);
  }
  return key === '_count' ? (a, b) => sign * byCount(a, b) || byKey(a, b) : (a, b) => sign * byKey(a, b);
}

function filterAgg(spec: unknown, sub: CompiledAggs): CompiledAgg {
  const query: Query = compileQuery(spec);
  // Bound once per index for the whole search (aggregations are compiled per request), not per bucket.
  const bound = new Map<IndexState, BoundQuery>();
  return {
    run(hits) {
      const matching = hits.filter((hit) => {
        let q = bound.get(hit.index);
        if (!q) bound.set(hit.index, (q = query(hit.index)));
        return q.test(hit.doc);
      });
      return { doc_count: matching.length, ...runAggs(sub, matching) };
    },
  };
}

function metricAgg(name: string, type: MetricType, spec: unknown): CompiledAgg {
  const opts = asObject(spec, `${name}.${type}`);
  allowOnly(opts, type === 'percentiles' ? ['field', 'percents', 'keyed'] : ['field'], name, type);
  const field = requireField(opts, name, type);
  const reader = new FieldReader(field, (r) => {
    rejectText(r, field);
    if (r.type === 'keyword' && type !== 'value_count') {
      throw illegalArgument(`Field [${field}] of type [keyword] is not supported for aggregation [${type}]`);
    }
  });
  const percents = type === 'percentiles' ? parsePercents(opts.percents, name) : [];
  const keyed = opts.keyed !== false;
  return {
    run(hits) {
      const values: number[] = [];
      let count = 0;
      for (const hit of hits) {
        for (const v of reader.values(hit)) {
          count++;
          if (typeof v === 'number') values.push(v);
        }
      }
      const isDate = reader.typeIn(hits) === 'date';
      const withString = (value: number | null): AggResult =>
        isDate && value !== null ? { value, value_as_string: formatDate(value) } : { value };
      switch (type) {
        case 'value_count':
          return { value: count };
        case 'sum':
          return withString(kahanSum(values));
        case 'avg':
          return withString(values.length ? kahanSum(values) / values.length : null);
        case 'min':
          return withString(values.length ? values.reduce((a, b) => (b < a ? b : a)) : null);
        case 'max':
          return withString(values.length ? values.reduce((a, b) => (b > a ? b : a)) : null);
        case 'percentiles': {
          const sorted = [...values].sort((a, b) => a - b);
          const entries = percents.map((p) => [p, percentile(sorted, p)] as const);
          if (!keyed) {
            return { values: entries.map(([p, v]) => ({ key: p, value: v, ...(isDate && v !== null ? { value_as_string: formatDate(v) } : {}) })) };
          }
          const out: Record<string, number | string | null> = {};
          for (const [p, v] of entries) {
            out[percentKey(p)] = v;
            if (isDate && v !== null) out[`${percentKey(p)}_as_string`] = formatDate(v);
          }
          return { values: out };
        }
      }
    },
  };
}

/** Compensated summation, as OpenSearch's sum/avg aggregators do. */
function kahanSum(values: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const v of values) {
    const y = v - compensation;
    const t = sum + y;
    compensation = t - sum - y;
    sum = t;
  }
  return sum;
}

function parsePercents(value: unknown, name: string): number[] {
  if (value === undefined) return [1, 5, 25, 50, 75, 95, 99];
  if (!Array.isArray(value) || value.length === 0 || !value.every((p) => typeof p === 'number' && p >= 0 && p <= 100)) {
    throw parsingError(`[percents] must be a non-empty array of numbers in [0, 100] in [${name}]`);
  }
  return value as number[];
}

function requireField(opts: Record<string, unknown>, name: string, type: string): string {
  if (typeof opts.field !== 'string') {
    throw parsingError(`[${name}] ${type} aggregation needs a [field] (scripts are not supported by the test server)`);
  }
  return opts.field;
}

function allowOnly(opts: Record<string, unknown>, allowed: string[], name: string, type: string): void {
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) throw parsingError(`[${type}] aggregation [${name}] does not support [${key}] in the test server`);
  }
}
