/**
 * Detection state kept between analyses of the same series (a watch analysed after every ingest): when a
 * series' runs are the runs of the last analysis plus new ones at the end — same run ids, same values —
 * the new points are appended to detection's {@link IncrementalSeries}, which answers exactly what a full
 * analysis answers while recomputing only the windows the new points touch. Anything else (a run inserted
 * in the past, a value rewritten, old runs leaving a `--lookback` window, the mode changing because a gap
 * appeared) starts the series afresh: a full analysis, kept as the new state.
 */
import { analyzeSeries, IncrementalSeries } from '../detect/analyze.js';
import type { AnalysisResult, DetectMode } from '../detect/types.js';

/** What a {@link SeriesMemory} did: points appended to kept state, or series analysed in full. */
export interface SeriesMemoryStats {
  appended: number;
  full: number;
}

/** Change points of one column of one test; `uuids[i]` is the run of `values[i]`. */
export type SeriesDetector = (key: { test: string; column: string; mode: DetectMode }, uuids: readonly string[], values: readonly (number | null)[]) => AnalysisResult;

/** The default detector: a full analysis every time. */
export const fullAnalysis: SeriesDetector = (key, _uuids, values) => analyzeSeries(values, { mode: key.mode });

interface Kept {
  uuids: string[];
  values: (number | null)[];
  series: IncrementalSeries;
}

export class SeriesMemory {
  private readonly kept = new Map<string, Kept>();
  readonly stats: SeriesMemoryStats = { appended: 0, full: 0 };

  /** The detector to hand to an analysis (`AnalysisDeps.detectSeries`). */
  readonly detect: SeriesDetector = (key, uuids, values) => {
    const id = JSON.stringify([key.test, key.column, key.mode]);
    const before = this.kept.get(id);
    if (before && extends_(before, uuids, values)) {
      const added = values.slice(before.values.length);
      if (added.length) {
        before.series.append(added);
        before.uuids.push(...uuids.slice(before.uuids.length));
        before.values.push(...added);
        this.stats.appended++;
      }
      return before.series.result();
    }
    const series = new IncrementalSeries({ mode: key.mode }).append(values);
    this.kept.set(id, { uuids: [...uuids], values: [...values], series });
    this.stats.full++;
    return series.result();
  };

  /** Series kept (for tests and figures). */
  get size(): number {
    return this.kept.size;
  }
}

/** The new series is the kept one with points added at its end (nothing before them changed). */
function extends_(kept: Kept, uuids: readonly string[], values: readonly (number | null)[]): boolean {
  const n = kept.uuids.length;
  if (uuids.length < n || values.length !== uuids.length) return false;
  for (let i = n - 1; i >= 0; i--) {
    // Object.is: a NaN equals the NaN kept (a run without a value stays the same run).
    if (kept.uuids[i] !== uuids[i] || !Object.is(kept.values[i], values[i])) return false;
  }
  return true;
}
