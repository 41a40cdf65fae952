/**
 * A query's matrix reduced to numbers per group, as the report keeps them (the DAG kept the average and
 * the maximum of each series over the run's window; reference/report-dag.md §1).
 *
 * Series are grouped by the values of the query's `group_by` labels (`all` when it has none; a missing
 * label reads as `""`). Within a group:
 * - `avg` is the mean over the group's series of each series' mean — the DAG's masterCPU rule, and the
 *   plain mean when the group is one series;
 * - `max`/`min` are over every value, `last` is the mean of the series' last values;
 * - `p50`/`p95`/`p99` are nearest-rank percentiles (`sorted[ceil(n·q) − 1]`, kube-burner's rule) over
 *   every value of the group.
 * NaN and ±Inf samples are left out (and counted, so the caller can warn); a group left with no finite
 * value is dropped.
 *
 * @example
 * aggregateMatrix([{ metric: { namespace: 'a' }, values: [[0, 1], [10, 3]] }], ['namespace'], ['avg', 'max']);
 * // { groups: { a: { avg: 2, max: 3 } }, nonFinite: 0 }
 */
import type { Aggregation } from './config.js';
import type { Series } from './prometheus.js';

export const NO_GROUP = 'all';

export interface Aggregated {
  /** group → aggregation → value */
  groups: Record<string, Partial<Record<Aggregation, number>>>;
  /** Samples left out for being NaN or ±Inf. */
  nonFinite: number;
}

export function groupKey(metric: Record<string, string>, groupBy: readonly string[]): string {
  if (groupBy.length === 0) return NO_GROUP;
  return groupBy.map((label) => metric[label] ?? '').join(',');
}

export function aggregateMatrix(series: readonly Series[], groupBy: readonly string[], aggregations: readonly Aggregation[]): Aggregated {
  const byGroup = new Map<string, number[][]>();
  let nonFinite = 0;
  for (const s of series) {
    const finite: number[] = [];
    for (const [, v] of s.values) {
      if (Number.isFinite(v)) finite.push(v);
      else nonFinite++;
    }
    if (finite.length === 0) continue;
    const key = groupKey(s.metric, groupBy);
    const list = byGroup.get(key);
    if (list) list.push(finite);
    else byGroup.set(key, [finite]);
  }
  const groups: Aggregated['groups'] = {};
  for (const [key, lists] of [...byGroup].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const out: Partial<Record<Aggregation, number>> = {};
    let pooled: number[] | undefined;
    const all = () => (pooled ??= lists.flat().sort((a, b) => a - b));
    for (const agg of aggregations) out[agg] = reduce(agg, lists, all);
    groups[key] = out;
  }
  return { groups, nonFinite };
}

function reduce(agg: Aggregation, lists: number[][], sortedAll: () => number[]): number {
  switch (agg) {
    case 'avg':
      return mean(lists.map(mean));
    case 'max':
      return Math.max(...lists.map((l) => l.reduce((m, v) => (v > m ? v : m), -Infinity)));
    case 'min':
      return Math.min(...lists.map((l) => l.reduce((m, v) => (v < m ? v : m), Infinity)));
    case 'last':
      return mean(lists.map((l) => l[l.length - 1]!));
    case 'p50':
      return nearestRank(sortedAll(), 0.5);
    case 'p95':
      return nearestRank(sortedAll(), 0.95);
    case 'p99':
      return nearestRank(sortedAll(), 0.99);
  }
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** `sorted[ceil(n·q) − 1]` (at least the first). */
export function nearestRank(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.ceil(sorted.length * q) - 1)]!;
}
