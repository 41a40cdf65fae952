/**
 * One validated Orion metric block → an {@link AnalysisMetric}: document filters (every non-reserved key),
 * analysis settings with their defaults, and the series (output columns) it produces, named as Orion
 * names them (`orion/utils.py`): `<name>_<moi>`, `<name>_<agg_type>`, `<name>_percentiles_<p>`.
 */
import type { FieldValue, MetricAgg, MetricSelector } from '../sources/types.js';
import type { Place } from '../util/errors.js';
import { pythonFloatStr } from '../util/python-str.js';
import { RESERVED_METRIC_KEYS, type RawMetric, type RawRunThreshold } from './schema.js';
import type { AnalysisMetric, AnalysisSeries, Direction, RunThreshold } from './types.js';

/** Test-level values a metric falls back to. */
export interface MetricDefaults {
  threshold: number;
  runThreshold?: RunThreshold;
  direction: Direction;
  timestampField: string;
}

/** Orion's default `context` for `correlation`. */
export const DEFAULT_CORRELATION_CONTEXT = 5;

export function normalizeMetric(
  raw: Record<string, unknown>,
  metric: RawMetric,
  defaults: MetricDefaults,
  place: Place,
): AnalysisMetric {
  const filters: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(metric)) {
    if (!RESERVED_METRIC_KEYS.has(key)) filters[key] = value as FieldValue;
  }
  const not: Record<string, FieldValue[]> = {};
  for (const [key, value] of Object.entries(metric.not ?? {})) not[key] = Array.isArray(value) ? value : [value];

  const base: Omit<MetricSelector, 'name'> = {
    filters,
    not,
    metricOfInterest: metric.metric_of_interest,
    timestampField: metric.timestamp ?? defaults.timestampField,
  };
  const correlation = metric.correlation ? metric.correlation : undefined;
  return {
    name: metric.name,
    kind: metric.agg ? 'aggregated' : 'standard',
    filters,
    not,
    metricOfInterest: metric.metric_of_interest,
    series: metric.group_by === undefined ? seriesOf(metric, base) : [],
    direction: metric.direction ?? defaults.direction,
    threshold: typeof metric.threshold === 'number' ? metric.threshold : defaults.threshold,
    ...runThresholdOf(metric.threshold, defaults.runThreshold),
    labels: metric.labels ?? [],
    correlation,
    context: metric.context ?? DEFAULT_CORRELATION_CONTEXT,
    isMetadata: metric.type === 'metadata',
    groupBy: metric.group_by,
    raw,
    place,
  };
}

function seriesOf(metric: RawMetric, base: Omit<MetricSelector, 'name'>): AnalysisSeries[] {
  const agg = metric.agg;
  if (!agg) {
    const column = `${metric.name}_${metric.metric_of_interest}`;
    return [{ column, selector: { name: column, ...base } }];
  }
  if (agg.agg_type !== 'percentiles') {
    const column = `${metric.name}_${agg.agg_type}`;
    return [{ column, selector: { name: column, ...base, agg: { type: agg.agg_type } } }];
  }
  const percents = agg.percents ?? [];
  const targets = agg.target_percentile !== undefined ? [agg.target_percentile] : percents;
  return targets.map((percentile) => {
    const column = `${metric.name}_percentiles_${pythonFloatStr(percentile)}`;
    const percentileAgg: MetricAgg = { type: 'percentiles', percents: [...percents], targetPercentile: percentile };
    return { column, percentile, selector: { name: column, ...base, agg: percentileAgg } };
  });
}

/** A `threshold` mapping as the analysis uses it; a number (or nothing) leaves the default. */
export function runThresholdOf(raw: number | RawRunThreshold | undefined, fallback?: RunThreshold): { runThreshold?: RunThreshold } {
  if (raw === undefined || typeof raw === 'number') return fallback ? { runThreshold: fallback } : {};
  const t: RunThreshold = { test: raw.test };
  if (raw.window !== undefined) t.window = raw.window;
  if (raw.lower_boundary !== undefined) t.lower = raw.lower_boundary;
  if (raw.upper_boundary !== undefined) t.upper = raw.upper_boundary;
  if (raw.min_sample_size !== undefined) t.minSampleSize = raw.min_sample_size;
  return { runThreshold: t };
}
