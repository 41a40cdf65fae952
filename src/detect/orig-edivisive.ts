import { DivergenceCalculator, type Candidate } from './divergence.js';
import { NumpyPcg64 } from './pcg64.js';
import { compareSegments, toChangePoint } from './ttest.js';
import type { ChangePoint } from './types.js';

export interface OrigEDivisiveOptions {
  /** significant iff the permutation p-value ≤ this (default 0.001: only p = 0 passes with 100 permutations) */
  pvalue?: number;
  /** permutations per candidate (Otava: 100) */
  permutations?: number;
  /** seed of numpy's default_rng; the same seed gives Otava's permutations exactly (default 0) */
  seed?: number;
}

export interface OrigChangePoint extends ChangePoint {
  /** permutations whose best Q̂ reached the candidate's */
  extremeQhatPerm: number;
  permutations: number;
}

/** Best candidate over the intervals bounded by `cuts`, ties → leftmost interval. */
function bestCandidate(
  x: Float64Array,
  cuts: number[],
  calc: DivergenceCalculator,
  nonFinite: boolean,
  memo?: Map<number, Candidate>,
): { cand: Candidate; start: number; end: number } | null {
  let best: { cand: Candidate; start: number; end: number } | null = null;
  let prev = 0;
  for (let k = 0; k <= cuts.length; k++) {
    const stop = k < cuts.length ? cuts[k] : x.length;
    if (stop - prev > 1) {
      const key = prev * (x.length + 1) + stop;
      let cand = memo?.get(key);
      if (cand === undefined) {
        cand = calc.candidate(x, 0, prev, stop, nonFinite);
        memo?.set(key, cand);
      }
      if (best === null || cand.qhat > best.cand.qhat) best = { cand, start: prev, end: stop };
    }
    prev = stop;
  }
  return best;
}

/**
 * The original E-divisive (Matteson & James) as Otava's `compute_change_points_orig`: one detector over
 * the whole series, each candidate tested by permuting the points inside every current interval and
 * counting permutations whose best Q̂ is ≥ the candidate's (p = count / (permutations + 1)); stops at the
 * first candidate that is not significant. Deterministic for a given seed, and identical to Otava run with
 * `numpy.random.default_rng(seed)`. Cost: O(permutations · n²) per change point.
 *
 * @example
 * origEDivisive(values, { pvalue: 0.01, seed: 1 }) // → [{ index: 5, pvalue: 0, … }, …]
 */
export function origEDivisive(values: readonly number[], options: OrigEDivisiveOptions = {}): OrigChangePoint[] {
  const maxPvalue = options.pvalue ?? 0.001;
  const permutations = options.permutations ?? 100;
  const rng = NumpyPcg64.fromSeed(options.seed ?? 0);
  const x = Float64Array.from(values);
  const nonFinite = x.some((v) => !Number.isFinite(v));
  const calc = new DivergenceCalculator(x.length);
  const scratch = new Float64Array(x.length);
  const memo = new Map<number, Candidate>();
  const cuts: number[] = [];
  const found: OrigChangePoint[] = [];
  for (;;) {
    const best = bestCandidate(x, cuts, calc, nonFinite, memo);
    if (best === null) break;
    let extreme = 0;
    const shuffled = new Float64Array(x.length);
    for (let p = 0; p < permutations; p++) {
      shuffled.set(x);
      let prev = 0;
      for (let k = 0; k <= cuts.length; k++) {
        const stop = k < cuts.length ? cuts[k] : x.length;
        rng.shuffle(shuffled, prev, stop);
        prev = stop;
      }
      const permuted = bestCandidate(shuffled, cuts, calc, nonFinite);
      if (permuted !== null && permuted.cand.qhat >= best.cand.qhat) extreme++;
    }
    const pvalue = extreme / (permutations + 1);
    if (!(pvalue <= maxPvalue)) break;
    const stats = compareSegments(x, best.start, best.cand.index, best.end, scratch);
    found.push({ ...toChangePoint(best.cand.index, best.cand.qhat, { ...stats, pvalue }), extremeQhatPerm: extreme, permutations });
    cuts.push(best.cand.index);
    cuts.sort((a, b) => a - b);
  }
  return found.sort((a, b) => a.index - b.index);
}
