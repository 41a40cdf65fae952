/**
 * Change points of every metric of an Otava series, grouped by time as Otava's `change_points_by_time`:
 * each metric analysed on its own (missing values forward-filled — Otava's `fill_missing`), with the
 * exact Otava 0.8 algorithm of src/detect in `otava` mode.
 */
import { analyzeSeries } from '../detect/analyze.js';
import type { ChangePoint } from '../detect/types.js';
import type { ChangePointGroup } from './report.js';
import type { OtavaSeries } from './series.js';

export interface OtavaAnalysisOptions {
  windowLen: number;
  maxPvalue: number;
  minMagnitude: number;
}

export function changePointGroups(series: OtavaSeries, options: OtavaAnalysisOptions): ChangePointGroup[] {
  const perMetric = new Map<string, ChangePoint[]>();
  for (const [metric, values] of series.data) perMetric.set(metric, analyzeSeries(values, { ...options, mode: 'otava' }).changePoints);
  return groupByTime(series, perMetric);
}

/** Change points of several metrics as Otava's groups: one per time, times ascending, metrics in series order. */
export function groupByTime(series: Pick<OtavaSeries, 'time' | 'attributes' | 'data'>, perMetric: Map<string, ChangePoint[]>): ChangePointGroup[] {
  const byTime = new Map<number, ChangePointGroup>();
  for (const metric of series.data.keys()) {
    for (const cp of perMetric.get(metric) ?? []) {
      const time = series.time[cp.index];
      let group = byTime.get(time);
      if (!group) {
        const attributes = new Map([...series.attributes].map(([name, column]) => [name, column[cp.index]] as const));
        group = { index: cp.index, time, attributes, changes: new Map() };
        byTime.set(time, group);
      }
      group.changes.set(metric, cp);
    }
  }
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}
