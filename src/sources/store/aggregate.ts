/**
 * The per-run aggregations of Orion's metric queries (reference/orion.md §2.3 D/E, §2.6 point 6), computed
 * over the run's documents the way the OpenSearch test server computes them: numeric values of the field
 * (array elements each count), `avg`/`sum`/`min`/`max` null when there is none, `count` = OpenSearch
 * `value_count`, `percentiles` by linear interpolation between closest ranks (what TDigest returns while
 * every centroid holds one value — the small per-run samples Orion aggregates).
 */
import { percentKey } from '../opensearch/fields.js';
import type { MetricAgg } from '../types.js';

export interface AggregateResult {
  value: number | null;
  percentiles?: Record<string, number | null>;
}

/** Numbers among the field values (numeric strings too: OpenSearch coerces them on numeric fields). */
export function numericValues(values: readonly unknown[]): number[] {
  const out: number[] = [];
  for (const v of values) appendNumeric(out, v);
  return out;
}

/** Appends the value's numeric reading, if it has one (see {@link numericValues}). */
export function appendNumeric(out: number[], v: unknown): void {
  if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
  else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) out.push(Number(v));
}

export function aggregate(values: readonly number[], agg: MetricAgg): AggregateResult {
  switch (agg.type) {
    case 'count':
      return { value: values.length };
    case 'sum':
      return { value: values.length ? values.reduce((a, b) => a + b, 0) : null };
    case 'avg':
      return { value: values.length ? values.reduce((a, b) => a + b, 0) / values.length : null };
    case 'min':
      return { value: values.length ? values.reduce((a, b) => Math.min(a, b)) : null };
    case 'max':
      return { value: values.length ? values.reduce((a, b) => Math.max(a, b)) : null };
    case 'percentiles': {
      const sorted = [...values].sort((a, b) => a - b);
      const percents = agg.percents?.length ? agg.percents : [50, 95, 99];
      const percentiles: Record<string, number | null> = {};
      for (const p of percents) percentiles[percentKey(p)] = percentile(sorted, p);
      const target = agg.targetPercentile ?? percents[0];
      return { value: percentiles[percentKey(target)] ?? percentile(sorted, target), percentiles };
    }
  }
}

/** Linear interpolation between closest ranks (values at ranks i − ½), clamped at the ends. */
export function percentile(sorted: readonly number[], percent: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  if (n === 1) return sorted[0];
  const rank = (percent / 100) * n - 0.5;
  if (rank <= 0) return sorted[0];
  if (rank >= n - 1) return sorted[n - 1];
  const lower = Math.floor(rank);
  return sorted[lower] + (rank - lower) * (sorted[lower + 1] - sorted[lower]);
}
