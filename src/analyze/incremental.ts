/**
 * Detection state kept between analyses of the same series (a watch analysed after every ingest, the
 * daemon's analyses computed again after an ingest of a test's runs): when a
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

/** The series of one column of one test, in one detection mode. */
export interface SeriesKey {
  test: string;
  column: string;
  mode: DetectMode;
}

/** Change points of one column of one test; `uuids[i]` is the run of `values[i]`. */
export type SeriesDetector = (key: SeriesKey, uuids: readonly string[], values: readonly (number | null)[]) => AnalysisResult;

/** The default detector: a full analysis every time. */
export const fullAnalysis: SeriesDetector = (key, _uuids, values) => analyzeSeries(values, { mode: key.mode });

/**
 * What a kept series holds, estimated from measurements of 200–1 000-point series (heap after GC): ~100
 * bytes a point (its value, its run id and their arrays) and ~200 bytes a window or segment comparison
 * detection cached ({@link IncrementalSeries.cachedEntries}).
 */
const BYTES_PER_POINT = 100;
const BYTES_PER_CACHED = 200;
/**
 * Every append caches again the windows its points touch (~1.2 KB a single-point append on a 200-point
 * series) and the stale ones stay: a series kept past this multiple of what it held after its last full
 * analysis starts afresh at its next analysis (a full one every ~100 single-run appends of a 200-point
 * series, which then holds at most ~5× what it held fresh).
 */
const REBUILD_GROWTH = 4;

export interface SeriesMemoryOptions {
  /**
   * Bound on the estimated bytes of all kept series (default: none — a watch keeps the series of its one
   * config). Past it the least recently used series are dropped (their next analysis is a full one).
   */
  maxBytes?: number;
}

interface Kept {
  uuids: string[];
  values: (number | null)[];
  series: IncrementalSeries;
  bytes: number;
  /** `bytes` right after the last full analysis. */
  freshBytes: number;
}

/**
 * Incremental series by (scope, test, column, mode), least recently used first, within
 * `options.maxBytes`. Each call of a detector is synchronous, so analyses running concurrently (the
 * daemon's) never see a kept series half-updated; whichever analysis comes second either extends what the
 * first left or starts the series afresh — its answer is a full analysis' either way.
 */
export class SeriesMemory {
  private readonly kept = new Map<string, Kept>();
  private keptBytes = 0;
  private readonly maxBytes: number;
  readonly stats: SeriesMemoryStats = { appended: 0, full: 0 };

  constructor(options: SeriesMemoryOptions = {}) {
    this.maxBytes = options.maxBytes ?? Infinity;
    if (!(this.maxBytes > 0)) throw new RangeError('series memory: maxBytes must be positive');
  }

  /** The detector to hand to an analysis (`AnalysisDeps.detectSeries`). */
  readonly detect: SeriesDetector = (key, uuids, values) => this.detectIn('', key, uuids, values);

  /**
   * A detector whose series are kept apart from other scopes' (the daemon scopes them by config and
   * options, so two configs or option sets with a test of the same name do not start each other's series
   * afresh in turn).
   */
  scoped(scope: string): SeriesDetector {
    return (key, uuids, values) => this.detectIn(scope, key, uuids, values);
  }

  private detectIn(scope: string, key: SeriesKey, uuids: readonly string[], values: readonly (number | null)[]): AnalysisResult {
    const id = JSON.stringify([scope, key.test, key.column, key.mode]);
    const before = this.kept.get(id);
    if (before) {
      this.kept.delete(id);
      this.keptBytes -= before.bytes;
    }
    let kept: Kept;
    // A state grown well past a fresh one of its length (stale windows) is not extended: it starts afresh.
    if (before && before.bytes <= REBUILD_GROWTH * before.freshBytes && extends_(before, uuids, values)) {
      kept = before;
      const added = values.slice(kept.values.length);
      if (added.length) {
        kept.series.append(added);
        kept.uuids.push(...uuids.slice(kept.uuids.length));
        kept.values.push(...added);
        this.stats.appended++;
      }
    } else {
      kept = { uuids: [...uuids], values: [...values], series: new IncrementalSeries({ mode: key.mode }).append(values), bytes: 0, freshBytes: 0 };
      this.stats.full++;
    }
    const result = kept.series.result();
    kept.bytes = sizeOf(kept);
    if (kept.freshBytes === 0) kept.freshBytes = kept.bytes;
    this.kept.set(id, kept);
    this.keptBytes += kept.bytes;
    for (const [oldest, entry] of this.kept) {
      if (this.keptBytes <= this.maxBytes) break;
      this.kept.delete(oldest);
      this.keptBytes -= entry.bytes;
    }
    return result;
  }

  /** Series kept (for tests and figures). */
  get size(): number {
    return this.kept.size;
  }

  /** Estimated bytes of the series kept. */
  get bytes(): number {
    return this.keptBytes;
  }
}

function sizeOf(kept: Kept): number {
  return BYTES_PER_POINT * kept.values.length + BYTES_PER_CACHED * kept.series.cachedEntries();
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
