/**
 * perfhound's merge step (the default `perfhound` mode): which of the split step's weak change points
 * are reported. Otava keeps a weak change point when a pooled t-test between its neighbouring segments
 * gives p < max_pvalue. On pure noise that rule reports false changes (the candidate was *chosen* as the
 * best of many splits, so its p-value is far too small), one outlier can become a change, and a trend
 * becomes a staircase. Here a change point is kept only when all of these hold (docs/detection-quality.md
 * shows what each buys on the labelled corpus):
 *
 * 1. both segments have at least `minSegment` points (one or two extreme points are outliers, not a regime);
 * 2. **robust significance, corrected for the splits it was chosen from**: values winsorised at their
 *    running median ± 3σ (σ from first differences), a pooled two-sided t-test between the segments,
 *    the p-value multiplied by 2n/min(n₁, n₂) (≈ the number of distinct splits of that balance) and kept
 *    below max_pvalue; when both sides have ≥ 10 points a Mann–Whitney rank-sum test must agree
 *    (distribution-free: a bimodal or skewed noise cannot fake significance);
 * 3. **effect against the series' own noise**: |Δ winsorised means| ≥ `minEffect`·σ;
 * 4. Otava's relative magnitude rule (`min_magnitude`, default 0);
 * 5. **a step, not a trend**: two flat segments fit the (winsorised) data better than one straight line,
 *    and a run of same-direction steps that one line fits as well (BIC) is reported once, at its first;
 * 6. **a short bump is one finding**: two neighbouring change points at most a window apart that go up and
 *    back (or down and back) are kept only when the bump's inside differs from the rest of its segment
 *    with a t-test corrected for every interval that short there (a burst of extremes is not two changes).
 *
 * Survivors are moved to their best split between their neighbours, and the best split of each segment
 * between survivors joins them when it passes every rule (corrected for all positions of the segment), and
 * so does the segment's best bump, which the split step misses (its first test in a window compares whole
 * halves, one of which holds both the step and its reversal).
 * Failing change points are removed one at a time, weakest (largest corrected p) first, and both
 * neighbours are re-evaluated (Otava recomputes only one of them, leaving stale statistics).
 */
import { numpyMean, numpyStd } from './numpy-sum.js';
import { medianInPlace, medianOf, SortedSegments } from './order-stats.js';
import { studentTwoSidedPValue } from './student-t.js';
import { changeMagnitude, pooledTTestPValue, toChangePoint } from './ttest.js';
import type { ChangePoint, ChangePointExplanation } from './types.js';

export interface RobustOptions {
  maxPvalue: number;
  minMagnitude: number;
  /** minimum |Δ| in units of the robust noise σ */
  minEffect: number;
  /** minimum points on each side */
  minSegment: number;
  /** longest bump (a step and its reversal) searched between change points; 0: none */
  maxBump: number;
}

/** Shorter sides than this are not rank-tested (with 8 points even a perfect separation gives p ≈ 1e-5). */
const RANK_MIN_SEGMENT = 10;
/** Winsorising bound, in robust σ around the local median. */
const CLIP = 3;
/** Width of the running median the values are winsorised around (ignores up to 4 extreme points in a row). */
const LOCAL = 9;
/** σ of a normal distribution = 1.4826 · MAD. */
const MAD_TO_SIGMA = 1.482602218505602;
/** σ of a normal distribution = 1.2533 · mean absolute deviation (fallback when the MAD is 0, e.g. integers). */
const MEAN_AD_TO_SIGMA = 1.2533141373155001;

export interface RobustComparison {
  n1: number;
  n2: number;
  /** robust σ of the series' noise */
  noise: number;
  /** winsorised means */
  robustMean1: number;
  robustMean2: number;
  pvalue: number;
  tests: number;
  adjustedPvalue: number;
  /** |Δ winsorised means| / noise (Infinity when the noise is 0 and the means differ) */
  effect: number;
  /** relative change of the winsorised means, as Otava's magnitude: max(|after/before − 1|, |before/after − 1|) */
  magnitude: number;
  stepRss: number;
  lineRss: number;
}

/**
 * Typed buffers of the RobustSeries being used: one at a time (the merge is synchronous), so they are
 * shared and grown, never shrunk — an analysis allocates no typed arrays of the series' length.
 */
let pool = new Float64Array(0);

function pooled(size: number): Float64Array {
  if (pool.length < size) pool = new Float64Array(Math.max(size, 2 * pool.length));
  return pool;
}

/**
 * t²·n/(n − 2) of the interval `[start, end)` against the rest of a segment of `n` points whose sum and sum of
 * squares are `total`, `totalSq` (`S`: prefix sums; `inverse[k]` = 1/k).
 */
function intervalScore(S: Float64Array, start: number, end: number, n: number, total: number, totalSq: number, inverse: Float64Array): number {
  const inner = end - start;
  const outer = n - inner;
  const sumIn = S[end] - S[start];
  const sumOut = total - sumIn;
  const diff = sumIn * outer - sumOut * inner; // (mean in − mean out)·inner·outer
  const rss = totalSq - sumIn * sumIn * inverse[inner] - sumOut * sumOut * inverse[outer];
  return rss > 0 ? (diff * diff) / (inner * outer * rss) : diff !== 0 ? Infinity : 0;
}

/** 1/k for k < n + 1, shared and grown (as the pool). */
let inverses = new Float64Array(0);

function reciprocals(n: number): Float64Array {
  if (inverses.length <= n) {
    inverses = new Float64Array(Math.max(n + 1, 2 * inverses.length));
    for (let k = 1; k < inverses.length; k++) inverses[k] = 1 / k;
  }
  return inverses;
}

/** σ from first differences (steps barely move it): 1.4826·MAD(Δx)/√2, mean |Δx| when most Δx are 0. */
export function differenceNoise(x: ArrayLike<number>, diffs: Float64Array = new Float64Array(Math.max(0, x.length - 1))): number {
  const n = x.length;
  if (n < 2) return 0;
  let sum = 0;
  for (let i = 1; i < n; i++) {
    diffs[i - 1] = Math.abs(x[i] - x[i - 1]);
    sum += diffs[i - 1];
  }
  const mad = medianInPlace(diffs, n - 1);
  return (mad > 0 ? MAD_TO_SIGMA * mad : (MEAN_AD_TO_SIGMA * sum) / (n - 1)) / Math.SQRT2;
}

/** Running median of width LOCAL (truncated at the ends) into `out`: a sorted window, one value out and one in per step. */
function runningMedian(x: ArrayLike<number>, out: Float64Array): Float64Array {
  const n = x.length;
  const half = LOCAL >> 1;
  const window = new Float64Array(LOCAL);
  let k = 0;
  // insertion and removal written out (not as closures): this loop runs once per point of the series
  for (let i = -half; i < n; i++) {
    if (i - half - 1 >= 0) {
      const v = x[i - half - 1];
      let at = 0;
      while (window[at] !== v) at++;
      for (k--; at < k; at++) window[at] = window[at + 1];
    }
    if (i + half < n) {
      const v = x[i + half];
      let at = k++;
      while (at > 0 && window[at - 1] > v) {
        window[at] = window[at - 1];
        at--;
      }
      window[at] = v;
    }
    if (i >= 0) out[i] = k % 2 ? window[k >> 1] : (window[(k >> 1) - 1] + window[k >> 1]) / 2;
  }
  return out;
}

/**
 * A series prepared for robust comparisons of any two adjacent segments in O(1): the values winsorised
 * at their running median ± 3σ (σ from first differences), and prefix sums of them.
 */
export class RobustSeries {
  readonly noise: number;
  private readonly origin: number;
  private readonly s1: Float64Array;
  private readonly s2: Float64Array;
  private readonly si: Float64Array;

  constructor(readonly x: ArrayLike<number>) {
    const n = x.length;
    const buffer = pooled(4 * (n + 1));
    this.noise = differenceNoise(x, buffer.subarray(0, Math.max(0, n - 1)));
    const local = runningMedian(x, buffer.subarray(0, n));
    const bound = this.noise > 0 ? CLIP * this.noise : Infinity;
    // Sums of values centred on the first one keep the squares small (no cancellation).
    this.origin = n ? x[0] : 0;
    this.s1 = buffer.subarray(n + 1, 2 * (n + 1)).fill(0, 0, 1);
    this.s2 = buffer.subarray(2 * (n + 1), 3 * (n + 1)).fill(0, 0, 1);
    this.si = buffer.subarray(3 * (n + 1), 4 * (n + 1)).fill(0, 0, 1);
    for (let i = 0; i < n; i++) {
      const y = local[i] + Math.max(-bound, Math.min(bound, x[i] - local[i])) - this.origin;
      this.s1[i + 1] = this.s1[i] + y;
      this.s2[i + 1] = this.s2[i] + y * y;
      this.si[i + 1] = this.si[i] + i * y;
    }
  }

  /**
   * The split of `[a, c)` with at least `minSegment` points on each side whose winsorised means differ
   * most in t-statistic terms (the pooled t of the comparison), or `b` when none beats it.
   */
  bestSplit(a: number, b: number, c: number, minSegment: number): number {
    const { s1: S, s2: Q } = this;
    const n = c - a;
    const total = S[c] - S[a];
    const totalSq = Q[c] - Q[a];
    let best = b;
    let bestScore = -1;
    for (let t = a + minSegment; t <= c - minSegment; t++) {
      const n1 = t - a;
      const n2 = c - t;
      const sum1 = S[t] - S[a];
      const sum2 = total - sum1;
      const diff = sum2 / n2 - sum1 / n1;
      const rss = totalSq - (sum1 * sum1) / n1 - (sum2 * sum2) / n2;
      // t² ∝ diff² · n1·n2/n / (rss / (n − 2)); compare without the square roots
      const score = rss > 0 ? (diff * diff * n1 * n2) / n / rss : diff !== 0 ? Infinity : 0;
      if (score > bestScore || (score === bestScore && t === b)) {
        bestScore = score;
        best = t;
      }
    }
    return best;
  }

  /** t² / (n − 2) of `x[s:e)` against the rest of `[a, c)` (pooled, winsorised values): the bump's score. */
  private bumpScore(a: number, s: number, e: number, c: number): number {
    const { s1: S, s2: Q } = this;
    const n = c - a;
    const inner = e - s;
    const outer = n - inner;
    const sumIn = S[e] - S[s];
    const sumOut = S[c] - S[a] - sumIn;
    const diff = sumIn / inner - sumOut / outer;
    const rss = Q[c] - Q[a] - (sumIn * sumIn) / inner - (sumOut * sumOut) / outer;
    return rss > 0 ? (diff * diff * inner * outer) / n / rss : diff !== 0 ? Infinity : 0;
  }

  private scoreToPvalue(score: number, n: number): number {
    const t = Math.sqrt(score * (n - 2));
    return Number.isFinite(t) ? studentTwoSidedPValue(t, n - 2) : 0;
  }

  /**
   * The bump of `[a, c)`: the interval `[s, e)` of at most `maxLength` points, with at least `minSegment`
   * points inside and on either side of it, whose winsorised mean differs most from the rest's; with the
   * t-test p-value of inside vs rest and the number of intervals it was chosen from.
   */
  bestBump(a: number, c: number, maxLength: number, minSegment: number): { start: number; end: number; pvalue: number; tests: number } | null {
    const { s1: S, s2: Q } = this;
    const n = c - a;
    const total = S[c] - S[a];
    const totalSq = Q[c] - Q[a];
    // The hot loop of the merge (segments × maxLength intervals), so: a grid of every other start and end
    // first, then every interval within one point of the grid's best (a bump strong enough to matter
    // scores nearly as well one point off, so the grid finds its neighbourhood).
    const inverse = reciprocals(n);
    const firstStart = a + minSegment;
    const lastEnd = c - minSegment;
    let bestStart = -1;
    let bestEnd = -1;
    let bestScore = -1;
    let tests = 0;
    for (let start = firstStart; start + minSegment <= lastEnd; start++) tests += Math.min(lastEnd, start + maxLength) - start - minSegment + 1;
    for (let start = firstStart; start + minSegment <= lastEnd; start += 2) {
      const last = Math.min(lastEnd, start + maxLength);
      for (let end = start + minSegment; end <= last; end += 2) {
        const score = intervalScore(S, start, end, n, total, totalSq, inverse);
        if (score > bestScore) [bestScore, bestStart, bestEnd] = [score, start, end];
      }
    }
    const [gridStart, gridEnd] = [bestStart, bestEnd];
    for (let start = Math.max(firstStart, gridStart - 1); gridStart >= 0 && start <= gridStart + 1; start++) {
      for (let end = Math.max(start + minSegment, gridEnd - 1); end <= Math.min(lastEnd, gridEnd + 1, start + maxLength); end++) {
        const score = intervalScore(S, start, end, n, total, totalSq, inverse);
        if (score > bestScore) [bestScore, bestStart, bestEnd] = [score, start, end];
      }
    }
    if (bestStart < 0) return null;
    return { start: bestStart, end: bestEnd, pvalue: this.scoreToPvalue(this.bumpScore(a, bestStart, bestEnd, c), n), tests };
  }

  /** The t-test p-value of `x[s:e)` against the rest of `[a, c)`, or null when `[s, e)` is not above or below both sides. */
  bumpPvalue(a: number, s: number, e: number, c: number): number | null {
    const { s1: S } = this;
    const before = (S[s] - S[a]) / (s - a);
    const inside = (S[e] - S[s]) / (e - s);
    const after = (S[c] - S[e]) / (c - e);
    if ((inside - before) * (inside - after) <= 0) return null;
    return this.scoreToPvalue(this.bumpScore(a, s, e, c), c - a);
  }

  /** Residual sums of squares over `[bounds[0], bounds.at(-1))`: of the segments' means, and of one straight line. */
  staircaseVsLine(bounds: readonly number[]): { stairRss: number; lineRss: number } {
    const { s1: S, s2: Q, si: I } = this;
    let stairRss = 0;
    for (let k = 1; k < bounds.length; k++) {
      const sum = S[bounds[k]] - S[bounds[k - 1]];
      stairRss += Math.max(0, Q[bounds[k]] - Q[bounds[k - 1]] - (sum * sum) / (bounds[k] - bounds[k - 1]));
    }
    const a = bounds[0];
    const c = bounds[bounds.length - 1];
    const n = c - a;
    const sy = S[c] - S[a];
    const syy = Q[c] - Q[a] - (sy * sy) / n;
    const sxx = (n * (n * n - 1)) / 12;
    const sxy = I[c] - I[a] - ((a + c - 1) / 2) * sy;
    return { stairRss, lineRss: Math.max(0, sxx > 0 ? syy - (sxy * sxy) / sxx : syy) };
  }

  /** Robust comparison of `x[a:b)` with `x[b:c)` (see the module comment). */
  compare(a: number, b: number, c: number): RobustComparison {
    const { s1: S, s2: Q, si: I } = this;
    const n1 = b - a;
    const n2 = c - b;
    const n = c - a;
    const sum1 = S[b] - S[a];
    const sum2 = S[c] - S[b];
    const m1 = sum1 / n1;
    const m2 = sum2 / n2;
    const ss1 = Math.max(0, Q[b] - Q[a] - sum1 * m1);
    const ss2 = Math.max(0, Q[c] - Q[b] - sum2 * m2);
    const sd1 = n1 > 1 ? Math.sqrt(ss1 / (n1 - 1)) : 0;
    const sd2 = n2 > 1 ? Math.sqrt(ss2 / (n2 - 1)) : 0;
    const pvalue = pooledTTestPValue(m1, sd1, n1, m2, sd2, n2);
    const tests = Math.max(1, Math.min(n - 1, (2 * n) / Math.min(n1, n2)));
    const adjustedPvalue = Number.isNaN(pvalue) ? 1 : Math.min(1, pvalue * tests);
    const delta = Math.abs(m2 - m1);
    const effect = this.noise > 0 ? delta / this.noise : delta > 0 ? Infinity : 0;
    // Line y = α + β·i by least squares over [a, c): RSS = Syy − Sxy²/Sxx with centred sums.
    const sy = sum1 + sum2;
    const syy = Q[c] - Q[a] - (sy * sy) / n;
    const sxx = (n * (n * n - 1)) / 12;
    const meanIndex = (a + c - 1) / 2;
    const sxy = I[c] - I[a] - meanIndex * sy;
    const lineRss = Math.max(0, sxx > 0 ? syy - (sxy * sxy) / sxx : syy);
    const robustMean1 = m1 + this.origin;
    const robustMean2 = m2 + this.origin;
    const magnitude = changeMagnitude({ meanBefore: robustMean1, meanAfter: robustMean2, stddevBefore: 0, stddevAfter: 0, pvalue: 0 });
    return { n1, n2, noise: this.noise, robustMean1, robustMean2, pvalue, tests, adjustedPvalue, effect, magnitude, stepRss: ss1 + ss2, lineRss };
  }
}

/** Why a change point was removed, formatted only when it is (number formatting is costly and most checks fail). */
export type Failure = () => string;

/** The first rule a comparison fails, or null when it is kept. */
export function failedRule(s: RobustComparison, options: RobustOptions, ranks?: number): Failure | null {
  if (s.n1 < options.minSegment || s.n2 < options.minSegment) return () => `fewer than ${options.minSegment} points on one side`;
  if (!(s.adjustedPvalue < options.maxPvalue)) return () => `corrected p ${s.adjustedPvalue} ≥ ${options.maxPvalue}`;
  // (segments too short for a rank test to reach significance are judged by the t-test alone)
  if (ranks !== undefined && Math.min(s.n1, s.n2) >= RANK_MIN_SEGMENT) {
    const p = Math.min(1, ranks * s.tests);
    if (!(p < options.maxPvalue)) return () => `corrected rank-sum p ${p} ≥ ${options.maxPvalue}`;
  }
  if (!(s.effect >= options.minEffect)) return () => `change ${s.effect.toFixed(2)}σ < ${options.minEffect}σ of noise`;
  if (!(s.magnitude > options.minMagnitude)) return () => `magnitude ${s.magnitude} ≤ ${options.minMagnitude}`;
  if (!(s.stepRss < s.lineRss)) return () => 'a straight line (trend) fits as well as a step';
  return null;
}

export function keptRule(options: RobustOptions): string {
  return (
    `perfhound: robust t-test p × splits < ${options.maxPvalue}, change ≥ ${options.minEffect}σ of noise, ` +
    `magnitude > ${options.minMagnitude}, ≥ ${options.minSegment} points each side, a step fits better than a trend`
  );
}

function toRobustChangePoint(x: ArrayLike<number>, a: number, index: number, c: number, qhat: number, s: RobustComparison, rule: string): ChangePoint {
  const scratch = new Float64Array(c - a);
  const meanBefore = numpyMean(x, a, index);
  const meanAfter = numpyMean(x, index, c);
  const cp = toChangePoint(index, qhat, {
    meanBefore,
    meanAfter,
    stddevBefore: s.n1 >= 2 ? numpyStd(x, a, index, meanBefore, scratch) : 0,
    stddevAfter: s.n2 >= 2 ? numpyStd(x, index, c, meanAfter, scratch) : 0,
    pvalue: s.adjustedPvalue,
  });
  const explanation: ChangePointExplanation = {
    rule,
    medianBefore: medianOf(x, a, index),
    medianAfter: medianOf(x, index, c),
    robustMeanBefore: s.robustMean1,
    robustMeanAfter: s.robustMean2,
    noise: s.noise,
    effect: s.effect,
    pvalue: s.pvalue,
    tests: s.tests,
    adjustedPvalue: s.adjustedPvalue,
    relativeMagnitude: s.robustMean1 === 0 ? 0 : s.robustMean2 / s.robustMean1 - 1,
  };
  return { ...cp, explanation };
}

export interface RobustMergeStep {
  removedIndex: number;
  reason: string;
}

/**
 * The change points of `weak` (sorted, from the split step) that survive the rules above, each with its
 * explanation; `removed` lists the others in the order they went and why.
 */
export function robustMerge(
  x: ArrayLike<number>,
  weak: readonly { index: number; qhat: number }[],
  options: RobustOptions,
): { final: ChangePoint[]; removed: RobustMergeStep[] } {
  const n = x.length;
  const series = new RobustSeries(x);
  const cps = weak.map((w) => ({ index: w.index, qhat: w.qhat }));
  const bounds = (k: number): [number, number] => [k === 0 ? 0 : cps[k - 1].index, k + 1 < cps.length ? cps[k + 1].index : n];
  const compare = (k: number): RobustComparison => {
    const [a, c] = bounds(k);
    return series.compare(a, cps[k].index, c);
  };
  // A short bump (a step and its reversal at most maxBump points later) is judged as one finding too:
  // its inside against the rest, corrected for every interval that short in the enclosing segment, so a
  // burst of a few extreme points is not two changes.
  const bumpFailure = (k: number): Failure | null => {
    for (const j of [k - 1, k]) {
      if (j < 0 || j + 1 >= cps.length) continue;
      const s = cps[j].index;
      const e = cps[j + 1].index;
      if (e - s > options.maxBump) continue;
      const a = bounds(j)[0];
      const c = bounds(j + 1)[1];
      const p = series.bumpPvalue(a, s, e, c);
      if (p === null) continue;
      const corrected = Math.min(1, p * (c - a) * options.maxBump);
      if (!(corrected < options.maxPvalue)) return () => `a bump of ${e - s} points at ${s}: corrected p ${corrected} ≥ ${options.maxPvalue}`;
    }
    return null;
  };
  // Rank sums are the merge's costliest statistic: segments are sorted once and merged when they join.
  const sorted = new SortedSegments(x);
  const ranks = (a: number, b: number, c: number): number => sorted.rankSumPvalue(a, b, c);
  const check = (k: number, s: RobustComparison): Failure | null => {
    const first = failedRule(s, options);
    if (first !== null) return first;
    const [a, c] = bounds(k);
    // the rank sum last: it costs a sort of the segments
    return bumpFailure(k) ?? failedRule(s, options, ranks(a, cps[k].index, c));
  };
  const stats = cps.map((_, k) => compare(k));
  const failures = stats.map((s, k) => check(k, s));
  const removed: RobustMergeStep[] = [];
  const mergeFailing = (): void => {
    for (;;) {
      let worst = -1;
      for (let k = 0; k < cps.length; k++) {
        if (failures[k] !== null && (worst < 0 || stats[k].adjustedPvalue > stats[worst].adjustedPvalue)) worst = k;
      }
      if (worst < 0) break;
      removed.push({ removedIndex: cps[worst].index, reason: failures[worst]!() });
      cps.splice(worst, 1);
      stats.splice(worst, 1);
      failures.splice(worst, 1);
      for (const k of [worst - 2, worst - 1, worst, worst + 1]) {
        if (k < 0 || k >= cps.length) continue;
        // the immediate neighbours' segments changed; one further, only a bump it forms can have
        if (k === worst - 1 || k === worst) stats[k] = compare(k);
        failures[k] = check(k, stats[k]);
      }
    }
  };
  mergeFailing();
  // E-divisive's location inside a short window can be a few points off: move each survivor to the best
  // split between its neighbours, and merge again if that makes any rule fail (a few rounds at most).
  for (let round = 0; round < 3 && cps.length; round++) {
    const moved = new Set<number>();
    for (let k = 0; k < cps.length; k++) {
      const [a, c] = bounds(k);
      const to = series.bestSplit(a, cps[k].index, c, options.minSegment);
      if (to !== cps[k].index) {
        cps[k].index = to;
        moved.add(k);
      }
    }
    if (!moved.size) break;
    for (let k = 0; k < cps.length; k++) {
      // a change point's statistics depend on it and its neighbours; a bump on those one further
      if (moved.has(k) || moved.has(k - 1) || moved.has(k + 1)) stats[k] = compare(k);
      else if (!(moved.has(k - 2) || moved.has(k + 2))) continue;
      failures[k] = check(k, stats[k]);
    }
    mergeFailing();
  }
  // Binary segmentation on top: the best split of each segment between survivors joins them when it
  // passes every rule (catches steps the windows placed badly or the merge order lost).
  // A segment's best split depends on its bounds only: one found wanting is not searched again.
  const unsplit = new Set<number>();
  for (let round = 0; round < 10; round++) {
    let added = false;
    for (let k = 0; k <= cps.length; k++) {
      const a = k === 0 ? 0 : cps[k - 1].index;
      const c = k < cps.length ? cps[k].index : n;
      const key = a * (n + 1) + c;
      if (c - a < 2 * options.minSegment || unsplit.has(key)) continue;
      const b = series.bestSplit(a, a, c, options.minSegment);
      // chosen as the best of every split of the segment: corrected for all of them
      const best = b === a ? null : series.compare(a, b, c);
      const s = best && { ...best, tests: c - a - 1, adjustedPvalue: Math.min(1, best.pvalue * (c - a - 1)) };
      if (s === null || failedRule(s, options) !== null || failedRule(s, options, ranks(a, b, c)) !== null) {
        unsplit.add(key);
        continue;
      }
      cps.splice(k, 0, { index: b, qhat: NaN });
      stats.splice(k, 0, s);
      failures.splice(k, 0, null);
      for (const j of [k - 1, k + 1]) {
        if (j < 0 || j >= cps.length) continue;
        stats[j] = compare(j);
        failures[j] = check(j, stats[j]);
      }
      added = true;
      k++;
    }
    if (!added) break;
    mergeFailing();
  }
  // A bump — a step and its reversal a few points later — hides from both searches above: the split step's
  // first test in a window compares whole halves, one of which holds the step and its reversal, and the
  // best single split of a segment barely moves its means. The best interval of at most `maxBump` points
  // (the split step's window) that differs from the rest of its segment joins as two change points when
  // its t-test, corrected for every interval examined, passes, and both steps pass every rule.
  for (let k = 0; options.maxBump > 0 && k <= cps.length; k++) {
    const a = k === 0 ? 0 : cps[k - 1].index;
    const c = k < cps.length ? cps[k].index : n;
    if (c - a < 3 * options.minSegment) continue;
    const bump = series.bestBump(a, c, options.maxBump, options.minSegment);
    if (bump === null || !(bump.pvalue * bump.tests < options.maxPvalue)) continue;
    const up = series.compare(a, bump.start, bump.end);
    const down = series.compare(bump.start, bump.end, c);
    if (failedRule(up, options) !== null || failedRule(down, options) !== null) continue;
    if (failedRule(up, options, ranks(a, bump.start, bump.end)) !== null) continue;
    if (failedRule(down, options, ranks(bump.start, bump.end, c)) !== null) continue;
    cps.splice(k, 0, { index: bump.start, qhat: NaN }, { index: bump.end, qhat: NaN });
    stats.splice(k, 0, up, down);
    failures.splice(k, 0, null, null);
    for (const j of [k - 1, k + 2]) {
      if (j < 0 || j >= cps.length) continue;
      stats[j] = compare(j);
      failures[j] = check(j, stats[j]);
    }
    k += 2;
  }
  mergeFailing();
  // A trend is one finding, not a staircase: a run of steps in one direction that a straight line fits
  // as well (BIC: a step costs a level and a location, the line two parameters) becomes its first step.
  const trends = new Set<number>();
  for (let k = 0; k + 1 < cps.length; k++) {
    const up = stats[k].robustMean2 > stats[k].robustMean1;
    let last = k;
    while (last + 1 < cps.length && stats[last + 1].robustMean2 > stats[last + 1].robustMean1 === up) last++;
    if (last === k) continue;
    const span = [bounds(k)[0], ...cps.slice(k, last + 1).map((cp) => cp.index), bounds(last)[1]];
    const m = span[span.length - 1] - span[0];
    const { stairRss, lineRss } = series.staircaseVsLine(span);
    const steps = last - k + 1;
    const bic = (rss: number, params: number) => m * Math.log(Math.max(rss, Number.MIN_VALUE) / m) + params * Math.log(m);
    if (bic(lineRss, 2) <= bic(stairRss, 2 * steps + 1)) {
      for (const cp of cps.slice(k + 1, last + 1)) removed.push({ removedIndex: cp.index, reason: `part of a trend reported once, at ${cps[k].index}` });
      cps.splice(k + 1, steps - 1);
      stats.splice(k + 1, steps - 1);
      trends.add(cps[k].index);
      for (const j of [k - 1, k, k + 1]) if (j >= 0 && j < cps.length) stats[j] = compare(j);
    }
  }
  const rule = keptRule(options);
  const trendRule = 'perfhound: trend — several steps one way that a straight line fits as well (BIC), reported once, at the first';
  return {
    final: cps.map((cp, k) => {
      const [a, c] = bounds(k);
      return toRobustChangePoint(x, a, cp.index, c, cp.qhat, stats[k], trends.has(cp.index) ? trendRule : rule);
    }),
    removed,
  };
}
