/**
 * Orion's exact OpenSearch request bodies (reference/orion.md §2.3 A–I, captured from Orion's serializer in
 * reference/orion-request-bodies.txt). Pure functions: same inputs, same JSON as Orion — perfhound pointed
 * at an Orion team's indices asks the same questions. Empty clause lists are omitted, as opensearch-dsl does
 * (a bool with nothing in it serialises as `{"bool":{}}`).
 *
 * Deliberate differences, each because Orion's form breaks:
 * - metadata match values are stringified like Python's `str()` except booleans, which become
 *   `"true"`/`"false"` (Python's `"True"` fails on boolean-mapped fields; text fields analyse both alike);
 * - `RunQuery.uuids` (not an Orion input) adds a `terms` filter to run discovery.
 */
import type { FieldValue, MetricAgg, MetricSelector, RunQuery } from '../types.js';

export type Body = Record<string, unknown>;
type Clause = Record<string, unknown>;

/** Orion's page size and the OpenSearch default `max_result_window`. */
export const MAX_PAGE_SIZE = 10_000;

export const keywordOf = (field: string): string => `${field}.keyword`;

const match = (field: string, value: unknown): Clause => ({ match: { [field]: value } });
const termsOfUuids = (uuidField: string, uuids: string[]): Clause => ({ terms: { [keywordOf(uuidField)]: uuids } });
const sortDesc = (timestampField: string) => [{ [timestampField]: { order: 'desc' } }];

/** `{"bool":{…}}` without the empty clause lists. */
function bool(parts: { must?: Clause[]; must_not?: Clause[]; filter?: Clause[]; should?: Clause[]; minimum_should_match?: number }): Clause {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parts)) {
    if (Array.isArray(value) ? value.length > 0 : value !== undefined) out[key] = value;
  }
  return { bool: out };
}

/** Python's `str(value)` for metadata values, booleans lower-cased (see module comment). */
function metadataString(value: FieldValue): string {
  return String(value);
}

/** `%Y-%m-%dT%H:%M:%SZ`, the form Orion formats its range bounds in. */
export function orionDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The metric's own filters: one `match` per filter, then one bool of `must_not` matches for `not`. */
function metricClauses(filters: Record<string, FieldValue>, not: Record<string, FieldValue[]>): Clause[] {
  const clauses = Object.entries(filters).map(([field, value]) => match(field, value));
  const negated = Object.entries(not).flatMap(([field, values]) => values.map((v) => match(field, v)));
  if (negated.length) clauses.push(bool({ must_not: negated }));
  return clauses;
}

/** A. Run discovery on the metadata index (`get_uuid_by_metadata`), one page. */
export function runDiscoveryBody(query: RunQuery, size: number): Body {
  const { selector, timestampField } = query;
  const must = Object.entries(selector.match).map(([field, value]) => match(field, metadataString(value)));
  const mustNot = Object.entries(selector.not).flatMap(([field, values]) => values.map((v) => match(field, metadataString(v))));
  const filter: Clause[] = Object.entries(selector.wildcard).map(([field, pattern]) => ({ wildcard: { [field]: { value: pattern } } }));
  if (query.uuids) filter.push(termsOfUuids(query.uuidField, query.uuids));
  if (query.after || query.before) {
    const range: Record<string, string> = {};
    if (query.after) range.gt = orionDate(query.after);
    if (query.before) range.lt = orionDate(query.before);
    filter.push({ range: { [timestampField]: range } });
  }
  return { query: bool({ must, must_not: mustNot, filter }), sort: sortDesc(timestampField), size };
}

/**
 * B and G. `get_results`: documents of the runs matching the metric filters (G) or having the `exists`
 * fields (B, the version lookup).
 */
export function resultsBody(args: {
  uuidField: string;
  uuids: string[];
  timestampField: string;
  filters?: Record<string, FieldValue>;
  not?: Record<string, FieldValue[]>;
  exists?: string[];
  size: number;
}): Body {
  const exists = (args.exists ?? []).map((field) => ({ exists: { field } }));
  return {
    query: bool({
      must: [termsOfUuids(args.uuidField, args.uuids), bool({ must: metricClauses(args.filters ?? {}, args.not ?? {}) }), bool({ must: exists })],
    }),
    sort: sortDesc(args.timestampField),
    size: args.size,
  };
}

/** C. Documents by filter (`match_kube_burner`: jobSummary documents of the runs). */
export function documentsBody(args: {
  uuidField: string;
  uuids: string[];
  timestampField: string;
  filters: Record<string, FieldValue>;
  not: Record<string, FieldValue[]>;
  size: number;
}): Body {
  return {
    query: bool({ filter: [termsOfUuids(args.uuidField, args.uuids), ...metricClauses(args.filters, args.not)] }),
    sort: sortDesc(args.timestampField),
    size: args.size,
  };
}

/** The inner value aggregation of an aggregated metric, named by Orion after `metric_of_interest`. */
function valueAgg(metricOfInterest: string, agg: MetricAgg): Clause {
  if (agg.type === 'count') return { value_count: { field: metricOfInterest } };
  if (agg.type === 'percentiles') {
    return { percentiles: { field: metricOfInterest, percents: agg.percents ?? DEFAULT_PERCENTS } };
  }
  return { [agg.type]: { field: metricOfInterest } };
}

export const DEFAULT_PERCENTS = [50, 95, 99];

function uuidTermsAgg(uuidField: string, uuids: string[], aggs: Record<string, unknown>): Clause {
  return { uuid: { terms: { field: keywordOf(uuidField), size: uuids.length }, aggs } };
}

/** D. Aggregated metrics, batched (`get_agg_metrics_batch`): one filter agg per metric under each run. */
export function aggBatchBody(args: { uuidField: string; uuids: string[]; timestampField: string; metrics: MetricSelector[] }): Body {
  const aggs: Record<string, unknown> = { time: { avg: { field: args.timestampField } } };
  for (const metric of args.metrics) {
    aggs[metric.name] = {
      filter: bool({ must: metricClauses(metric.filters, metric.not) }),
      aggs: { [metric.metricOfInterest]: valueAgg(metric.metricOfInterest, requireAgg(metric)) },
    };
  }
  return {
    query: bool({ must: [termsOfUuids(args.uuidField, args.uuids)] }),
    aggs: uuidTermsAgg(args.uuidField, args.uuids, aggs),
    sort: sortDesc(args.timestampField),
    size: 0,
  };
}

/** E. One aggregated metric (`get_agg_metric_query`), the fallback when a batch fails. */
export function aggSingleBody(args: { uuidField: string; uuids: string[]; timestampField: string; metric: MetricSelector }): Body {
  const { metric } = args;
  return {
    query: bool({ must: [termsOfUuids(args.uuidField, args.uuids), bool({ must: metricClauses(metric.filters, metric.not) })] }),
    aggs: uuidTermsAgg(args.uuidField, args.uuids, {
      time: { avg: { field: args.timestampField } },
      [metric.metricOfInterest]: valueAgg(metric.metricOfInterest, requireAgg(metric)),
    }),
    sort: sortDesc(args.timestampField),
    size: 0,
  };
}

/** F. Standard metrics, batched (`get_results_batch`): an OR of the metrics' filters, one page. */
export function standardBatchBody(args: { uuidField: string; uuids: string[]; timestampField: string; metrics: MetricSelector[]; size: number }): Body {
  return {
    query: bool({
      must: [termsOfUuids(args.uuidField, args.uuids)],
      should: args.metrics.map((m) => bool({ must: metricClauses(m.filters, m.not) })),
      minimum_should_match: 1,
    }),
    sort: sortDesc(args.timestampField),
    size: args.size,
  };
}

/** H. A run's metadata document by id (`get_metadata_by_uuid`). */
export function metadataByUuidBody(uuidField: string, uuid: string): Body {
  return { query: match(uuidField, uuid) };
}

/** I. Distinct values of a field among the runs' matching documents (`discover_field_values`). */
export function groupValuesBody(args: {
  uuidField: string;
  uuids: string[];
  field: string;
  filters: Record<string, FieldValue>;
  not: Record<string, FieldValue[]>;
}): Body {
  const negated = Object.entries(args.not).flatMap(([field, values]) => values.map((v) => match(field, v)));
  return {
    query: bool({
      must: [termsOfUuids(args.uuidField, args.uuids), ...Object.entries(args.filters).map(([f, v]) => match(f, v))],
      must_not: negated,
    }),
    aggs: { group_values: { terms: { field: args.field, size: 1000 } } },
    size: 0,
  };
}

function requireAgg(metric: MetricSelector): MetricAgg {
  if (!metric.agg) throw new Error(`metric ${metric.name} has no aggregation`);
  return metric.agg;
}
