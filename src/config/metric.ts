/**
 * One validated Orion metric block → an {@link AnalysisMetric}: document filters (every non-reserved key),
 * analysis settings with their defaults, and the series (output columns) it produces, named as Orion
 * names them (`orion/utils.py`): `<name>_<moi>`, `<name>_<agg_type>`, `<name>_percentiles_<p>`.
 */
import type { FieldValue, MetricAgg, MetricSelector } from '../sources/types.js';
import type { Place } from '../util/errors.js';
import { pythonFloatStr } from '../util/python-str.js';
import { RESERVED_METRIC_KEYS, type RawMetric } from './schema.js';
import type { AnalysisMetric, AnalysisSeries, Direction } from './types.js';

/** Test-level values a metric falls back to. */
export interface MetricDefaults {
  threshold: number;
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
    threshold: metric.threshold ?? defaults.threshold,
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
