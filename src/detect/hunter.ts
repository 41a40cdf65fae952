import { DivergenceCalculator } from './divergence.js';
import { compareSegments, toChangePoint } from './ttest.js';
import type { ChangePoint, MergeTrace, SegmentComparison, WindowTrace } from './types.js';
import { detectInWindow } from './window.js';

export interface HunterOptions {
  windowLen: number;
  maxPvalue: number;
  minMagnitude: number;
}

/** How much of the last run was computed rather than taken from the caches. */
export interface RunCost {
  windowsComputed: number;
  windowsReused: number;
}

export interface HunterResult {
  weak: ChangePoint[];
  final: ChangePoint[];
  windows: WindowTrace[];
  merges: MergeTrace[];
  firstPassPvalue: number;
}

/** Otava's relaxed threshold of the split step: 10·p, 2·p or p. */
export function firstPassPvalue(maxPvalue: number): number {
  return maxPvalue < 0.05 ? maxPvalue * 10 : maxPvalue < 0.5 ? maxPvalue * 2 : maxPvalue;
}

/**
 * Otava 0.8's `compute_change_points` (split + merge, quirks included) over a float64 series.
 *
 * The engine keeps caches that stay valid while the series only grows at its end: window results keyed
 * by (start, end) and segment comparisons keyed by their bounds. Running it again on a longer series
 * therefore recomputes only the windows and segments that touch the new points — and gives exactly what
 * a fresh engine gives, because every cached value is a pure function of data that did not change.
 */
/**
 * Cache keys pack two indexes into one number (no string building on the hot path): exact for series
 * shorter than 2^26 points, far beyond what a window-based analysis is used for.
 */
const KEY_RADIX = 2 ** 26;

function pairKey(a: number, b: number): number {
  return a * KEY_RADIX + b;
}

/**
 * Squared deviations of the segment being compared: used within one `compareSegments` call only, and the
 * engine is synchronous, so every engine shares it (grown to the longest series seen).
 */
let deviations = new Float64Array(0);

function deviationScratch(n: number): Float64Array {
  if (deviations.length < n) deviations = new Float64Array(Math.max(n, 2 * deviations.length));
  return deviations;
}

export class HunterEngine {
  /** keyed by pairKey(start, end) */
  private readonly windowCache = new Map<number, WindowTrace>();
  /** keyed by pairKey(a, b), then c */
  private readonly segmentCache = new Map<number, Map<number, SegmentComparison>>();
  private readonly calc: DivergenceCalculator;
  private series: Float64Array = new Float64Array(0);
  private nonFiniteBefore = new Int32Array(1);
  /** Counters of the last `run`. */
  readonly lastRunCost: RunCost = { windowsComputed: 0, windowsReused: 0 };

  constructor(private readonly options: HunterOptions) {
    if (!Number.isInteger(options.windowLen) || options.windowLen < 2) {
      throw new RangeError(`window length must be an integer ≥ 2, got ${options.windowLen}`);
    }
    this.calc = new DivergenceCalculator(options.windowLen);
  }

  /** Forgets every cached window and segment (needed when already analysed values change). */
  clearCaches(): void {
    this.windowCache.clear();
    this.segmentCache.clear();
  }

  /** Windows and segment comparisons cached (what an engine kept between runs holds in memory). */
  cachedEntries(): number {
    let entries = this.windowCache.size;
    for (const byEnd of this.segmentCache.values()) entries += byEnd.size;
    return entries;
  }

  run(series: Float64Array): HunterResult {
    const { weak, windows, firstPassPvalue } = this.runSplit(series);
    const { final, merges } = this.merge(weak.slice(), this.options.maxPvalue, this.options.minMagnitude);
    return { weak, final, windows, merges, firstPassPvalue };
  }

  /** The split step only: weak change points (with Otava's neighbour statistics) and the windows. */
  runSplit(series: Float64Array): Omit<HunterResult, 'final' | 'merges'> {
    this.prepare(series);
    const firstPass = firstPassPvalue(this.options.maxPvalue);
    const { weak: weakCandidates, windows } = this.split(firstPass);
    return { weak: this.withNeighbourStats(weakCandidates), windows, firstPassPvalue: firstPass };
  }

  private prepare(series: Float64Array): void {
    if (series.length >= KEY_RADIX) throw new RangeError(`series of ${series.length} points: at most ${KEY_RADIX - 1} are supported`);
    this.series = series;
    this.lastRunCost.windowsComputed = 0;
    this.lastRunCost.windowsReused = 0;
    const counts = new Int32Array(series.length + 1);
    for (let i = 0; i < series.length; i++) counts[i + 1] = counts[i] + (Number.isFinite(series[i]) ? 0 : 1);
    this.nonFiniteBefore = counts;
  }

  private test = (a: number, b: number, c: number): SegmentComparison => {
    const key = pairKey(a, b);
    let byEnd = this.segmentCache.get(key);
    if (byEnd === undefined) {
      byEnd = new Map();
      this.segmentCache.set(key, byEnd);
    }
    let hit = byEnd.get(c);
    if (hit === undefined) {
      hit = compareSegments(this.series, a, b, c, deviationScratch(c - a));
      byEnd.set(c, hit);
    }
    return hit;
  };

  /** Otava's `split`: sliding windows, jump to the last change point found, de-duplicate by index. */
  private split(threshold: number): { weak: { index: number; qhat: number }[]; windows: WindowTrace[] } {
    const n = this.series.length;
    const windowLen = this.options.windowLen;
    const step = Math.floor(windowLen / 2);
    const windows: WindowTrace[] = [];
    const weak: { index: number; qhat: number }[] = [];
    const seen = new Set<number>();
    let start = 0;
    while (start < n) {
      const end = Math.min(start + windowLen, n);
      const key = pairKey(start, end);
      let trace = this.windowCache.get(key);
      if (trace === undefined) {
        const nonFinite = this.nonFiniteBefore[end] !== this.nonFiniteBefore[start];
        trace = detectInWindow(this.series, start, end, threshold, nonFinite, this.calc, this.test);
        this.windowCache.set(key, trace);
        this.lastRunCost.windowsComputed++;
      } else {
        this.lastRunCost.windowsReused++;
      }
      windows.push(trace);
      const last = trace.found.length ? trace.found[trace.found.length - 1].index : 0;
      start = Math.max(last, start + step);
      for (const cp of trace.found) {
        if (!seen.has(cp.index)) {
          seen.add(cp.index);
          weak.push({ index: cp.index, qhat: cp.qhat });
        }
      }
    }
    weak.sort((a, b) => a.index - b.index);
    return { weak, windows };
  }

  /** Statistics of every change point against its neighbours in `cps` over the whole series. */
  private withNeighbourStats(cps: { index: number; qhat: number }[]): ChangePoint[] {
    const n = this.series.length;
    return cps.map((cp, k) =>
      toChangePoint(cp.index, cp.qhat, this.test(k === 0 ? 0 : cps[k - 1].index, cp.index, k + 1 < cps.length ? cps[k + 1].index : n)),
    );
  }

  /**
   * Otava's `merge`, including its strict comparisons and the stale left neighbour: after removing
   * cps[k], only the new cps[k] and cps[k+1] are recomputed — not cps[k−1], whose right segment changed.
   */
  private merge(cps: ChangePoint[], maxPvalue: number, minMagnitude: number): { final: ChangePoint[]; merges: MergeTrace[] } {
    const merges: MergeTrace[] = [];
    const n = this.series.length;
    while (cps.length) {
      // Python's max/min keep the first element and replace it only on a strict > / <.
      let weakest = cps[0];
      for (const cp of cps) if (cp.pvalue > weakest.pvalue) weakest = cp;
      let reason: MergeTrace['reason'] = 'pvalue >= max_pvalue';
      if (weakest.pvalue < maxPvalue) {
        weakest = cps[0];
        for (const cp of cps) if (cp.magnitude < weakest.magnitude) weakest = cp;
        if (weakest.magnitude > minMagnitude) break;
        reason = 'magnitude <= min_magnitude';
      }
      const k = cps.findIndex((cp) => cp.index === weakest.index);
      merges.push({ removedIndex: weakest.index, pvalue: weakest.pvalue, magnitude: weakest.magnitude, reason });
      cps.splice(k, 1);
      for (const at of [k, k + 1]) {
        if (at >= cps.length) continue;
        const cp = cps[at];
        const stats = this.test(at === 0 ? 0 : cps[at - 1].index, cp.index, at + 1 < cps.length ? cps[at + 1].index : n);
        cps[at] = toChangePoint(cp.index, cp.qhat, stats);
      }
    }
    return { final: cps, merges };
  }
}
