/**
 * Reading OpenSearch responses the way Orion does (reference/orion.md §2.4) minus its crashes: the `time`
 * aggregation works on numeric epoch fields too (no `value_as_string` needed), a filter bucket with
 * `doc_count` 0 is "no value for that run" (a null row, so the pipeline can warn), missing aggregations
 * are null rather than exceptions.
 */
import type { MetricAgg, MetricRow, MetricSelector } from '../types.js';
import { DEFAULT_PERCENTS } from './bodies.js';
import { percentKey, toEpochMs, toNumber } from './fields.js';

export interface SearchHit {
  _index: string;
  _id: string;
  _source?: Record<string, unknown>;
  sort?: unknown[];
}

export interface SearchResponse {
  hits?: { hits?: SearchHit[] };
  aggregations?: Record<string, unknown>;
}

interface Bucket extends Record<string, unknown> {
  key: string | number;
  doc_count: number;
}

export function uuidBuckets(response: SearchResponse): Bucket[] {
  const uuid = response.aggregations?.uuid as { buckets?: Bucket[] } | undefined;
  return uuid?.buckets ?? [];
}

/** The run time of a bucket: `time.value_as_string` when the field is a date, else the epoch number. */
export function bucketTime(bucket: Bucket): number {
  const time = bucket.time as { value?: number | null; value_as_string?: string } | undefined;
  if (time?.value_as_string) return Date.parse(time.value_as_string);
  return time?.value === null || time?.value === undefined ? Number.NaN : toEpochMs(time.value);
}

/** D: rows of each metric of a batch (filter agg named by the metric, value agg by `metric_of_interest`). */
export function parseAggBatch(response: SearchResponse, metrics: readonly MetricSelector[]): Map<string, MetricRow[]> {
  const out = new Map<string, MetricRow[]>(metrics.map((m) => [m.name, []]));
  for (const bucket of uuidBuckets(response)) {
    const timestampMs = bucketTime(bucket);
    for (const metric of metrics) {
      const filtered = bucket[metric.name] as ({ doc_count?: number } & Record<string, unknown>) | undefined;
      const has = filtered !== undefined && (filtered.doc_count ?? 0) > 0;
      const row = has ? aggRow(filtered[metric.metricOfInterest], metric.agg) : { value: null };
      out.get(metric.name)?.push({ uuid: String(bucket.key), timestampMs, ...row });
    }
  }
  return out;
}

/** E: rows of a single aggregated metric (value agg directly under the run bucket). */
export function parseAggSingle(response: SearchResponse, metric: MetricSelector): MetricRow[] {
  return uuidBuckets(response).map((bucket) => ({
    uuid: String(bucket.key),
    timestampMs: bucketTime(bucket),
    ...aggRow(bucket[metric.metricOfInterest], metric.agg),
  }));
}

function aggRow(result: unknown, agg: MetricAgg | undefined): Pick<MetricRow, 'value' | 'percentiles'> {
  const inner = (result ?? {}) as { value?: unknown; values?: Record<string, unknown> | null };
  if (agg?.type !== 'percentiles') return { value: toNumber(inner.value) };
  const percents = agg.percents ?? DEFAULT_PERCENTS;
  const percentiles: Record<string, number | null> = {};
  for (const p of percents) percentiles[percentKey(p)] = toNumber(inner.values?.[percentKey(p)]);
  const target = percentKey(agg.targetPercentile ?? percents[0]);
  return { value: percentiles[target] ?? toNumber(inner.values?.[target]), percentiles };
}

/** I: the distinct keys of `group_values`, sorted. */
export function parseGroupValues(response: SearchResponse): string[] {
  const agg = response.aggregations?.group_values as { buckets?: Bucket[] } | undefined;
  return (agg?.buckets ?? []).map((b) => String(b.key)).sort();
}
