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
 *    and a run of same-direction steps that one line fits as well (BIC) is reported once, at its first.
 *
 * Survivors are moved to their best split between their neighbours, and the best split of each segment
 * between survivors joins them when it passes every rule (corrected for all positions of the segment).
 * Failing change points are removed one at a time, weakest (largest corrected p) first, and both
 * neighbours are re-evaluated (Otava recomputes only one of them, leaving stale statistics).
 */
import { numpyMean, numpyStd } from './numpy-sum.js';
import { medianInPlace, medianOf, rankSumPvalue } from './order-stats.js';
import { changeMagnitude, pooledTTestPValue, toChangePoint } from './ttest.js';
import type { ChangePoint, ChangePointExplanation } from './types.js';

export interface RobustOptions {
  maxPvalue: number;
  minMagnitude: number;
  /** minimum |Δ| in units of the robust noise σ */
  minEffect: number;
  /** minimum points on each side */
  minSegment: number;
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

/** σ from first differences (steps barely move it): 1.4826·MAD(Δx)/√2, mean |Δx| when most Δx are 0. */
export function differenceNoise(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 2) return 0;
  const diffs = new Float64Array(n - 1);
  let sum = 0;
  for (let i = 1; i < n; i++) {
    diffs[i - 1] = Math.abs(x[i] - x[i - 1]);
    sum += diffs[i - 1];
  }
  const mad = medianInPlace(diffs, n - 1);
  return (mad > 0 ? MAD_TO_SIGMA * mad : (MEAN_AD_TO_SIGMA * sum) / (n - 1)) / Math.SQRT2;
}

/** Running median of width LOCAL (truncated at the ends): a sorted window, one value out and one in per step. */
function runningMedian(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  const half = LOCAL >> 1;
  const window = new Float64Array(LOCAL);
  let k = 0;
  const insert = (v: number) => {
    let at = k++;
    while (at > 0 && window[at - 1] > v) {
      window[at] = window[at - 1];
      at--;
    }
    window[at] = v;
  };
  const remove = (v: number) => {
    let at = 0;
    while (window[at] !== v) at++;
    for (k--; at < k; at++) window[at] = window[at + 1];
  };
  for (let j = 0; j < Math.min(n, half); j++) insert(x[j]);
  for (let i = 0; i < n; i++) {
    if (i - half - 1 >= 0) remove(x[i - half - 1]);
    if (i + half < n) insert(x[i + half]);
    out[i] = k % 2 ? window[k >> 1] : (window[(k >> 1) - 1] + window[k >> 1]) / 2;
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
    this.noise = differenceNoise(x);
    const local = runningMedian(x);
    const bound = this.noise > 0 ? CLIP * this.noise : Infinity;
    // Sums of values centred on the first one keep the squares small (no cancellation).
    this.origin = n ? x[0] : 0;
    this.s1 = new Float64Array(n + 1);
    this.s2 = new Float64Array(n + 1);
    this.si = new Float64Array(n + 1);
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

/** The first rule a comparison fails, or null when it is kept. */
export function failedRule(s: RobustComparison, options: RobustOptions, ranks?: number): string | null {
  if (s.n1 < options.minSegment || s.n2 < options.minSegment) return `fewer than ${options.minSegment} points on one side`;
  if (!(s.adjustedPvalue < options.maxPvalue)) return `corrected p ${s.adjustedPvalue} ≥ ${options.maxPvalue}`;
  // (segments too short for a rank test to reach significance are judged by the t-test alone)
  if (ranks !== undefined && Math.min(s.n1, s.n2) >= RANK_MIN_SEGMENT) {
    const p = Math.min(1, ranks * s.tests);
    if (!(p < options.maxPvalue)) return `corrected rank-sum p ${p} ≥ ${options.maxPvalue}`;
  }
  if (!(s.effect >= options.minEffect)) return `change ${s.effect.toFixed(2)}σ < ${options.minEffect}σ of noise`;
  if (!(s.magnitude > options.minMagnitude)) return `magnitude ${s.magnitude} ≤ ${options.minMagnitude}`;
  if (!(s.stepRss < s.lineRss)) return 'a straight line (trend) fits as well as a step';
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
  const check = (k: number, s: RobustComparison): string | null => {
    const first = failedRule(s, options);
    if (first !== null) return first;
    const [a, c] = bounds(k);
    return failedRule(s, options, rankSumPvalue(x, a, cps[k].index, c));
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
      removed.push({ removedIndex: cps[worst].index, reason: failures[worst]! });
      cps.splice(worst, 1);
      stats.splice(worst, 1);
      failures.splice(worst, 1);
      for (const k of [worst - 1, worst]) {
        if (k < 0 || k >= cps.length) continue;
        stats[k] = compare(k);
        failures[k] = check(k, stats[k]);
      }
    }
  };
  mergeFailing();
  // E-divisive's location inside a short window can be a few points off: move each survivor to the best
  // split between its neighbours, and merge again if that makes any rule fail (a few rounds at most).
  for (let round = 0; round < 3 && cps.length; round++) {
    let moved = false;
    for (let k = 0; k < cps.length; k++) {
      const [a, c] = bounds(k);
      const to = series.bestSplit(a, cps[k].index, c, options.minSegment);
      if (to !== cps[k].index) {
        cps[k].index = to;
        moved = true;
      }
    }
    if (!moved) break;
    for (let k = 0; k < cps.length; k++) {
      stats[k] = compare(k);
      failures[k] = check(k, stats[k]);
    }
    mergeFailing();
  }
  // Binary segmentation on top: the best split of each segment between survivors joins them when it
  // passes every rule (catches steps the windows placed badly or the merge order lost).
  for (let round = 0; round < 10; round++) {
    let added = false;
    for (let k = 0; k <= cps.length; k++) {
      const a = k === 0 ? 0 : cps[k - 1].index;
      const c = k < cps.length ? cps[k].index : n;
      if (c - a < 2 * options.minSegment) continue;
      const b = series.bestSplit(a, a, c, options.minSegment);
      if (b === a) continue;
      // chosen as the best of every split of the segment: corrected for all of them
      const best = series.compare(a, b, c);
      const s = { ...best, tests: c - a - 1, adjustedPvalue: Math.min(1, best.pvalue * (c - a - 1)) };
      if (failedRule(s, options) !== null || failedRule(s, options, rankSumPvalue(x, a, b, c)) !== null) continue;
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
