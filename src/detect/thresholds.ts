import { studentTwoSidedPValue } from './student-t.js';

/**
 * Per-point threshold detectors (what Bencher calls thresholds): the newest value is judged against
 * limits computed from a window of history. A value beyond the limit on the bad side of the metric's
 * direction is a regression, beyond the other limit an improvement.
 *
 * @example
 * evaluateThreshold([100, 101, 99, 100, 102], 90, { kind: 'zscore', maxZ: 3, direction: 'higher_is_better' })
 * // → { status: 'regression', lowerLimit: 96.7…, upperLimit: 104.1…, sampleSize: 5, … }
 */
export type Direction = 'higher_is_better' | 'lower_is_better';

interface CommonSpec {
  direction: Direction;
  /** fewer history points than this → `not_enough_data` (default 2; static bounds default 0) */
  minSampleSize?: number;
  /** only the newest N history points are used (default: all) */
  maxSampleSize?: number;
}

export type ThresholdSpec = CommonSpec &
  (
    | { kind: 'static'; lower?: number; upper?: number }
    /** limits at mean·(1 ± percent/100) */
    | { kind: 'percentage'; percent: number }
    /** limits at mean ± maxZ·s (sample standard deviation) */
    | { kind: 'zscore'; maxZ: number }
    /** Student-t prediction interval for one new observation: mean ± t_{(1+c)/2, n−1}·s·√(1 + 1/n) */
    | { kind: 't-test'; confidence: number }
    /** Tukey fences: Q1 − k·IQR, Q3 + k·IQR (quartiles by linear interpolation) */
    | { kind: 'iqr'; multiplier: number }
  );

export type ThresholdStatus = 'pass' | 'regression' | 'improvement' | 'not_enough_data';

export interface ThresholdResult {
  status: ThresholdStatus;
  value: number;
  /** limits; undefined when the detector has none on that side (or not enough data) */
  lowerLimit?: number;
  upperLimit?: number;
  /** history points used */
  sampleSize: number;
  /** the centre the limits are built around (mean or median), when there is one */
  baseline?: number;
}

function mean(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function sampleStd(xs: number[], m: number): number {
  if (xs.length < 2) return 0;
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / (xs.length - 1));
}

/** numpy's default (linear) quantile of sorted values. */
function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** t such that P(|T_df| ≥ t) = p, by bisection on the survival function. */
export function studentTwoSidedQuantile(p: number, df: number): number {
  let lo = 0;
  let hi = 1;
  while (studentTwoSidedPValue(hi, df) > p) hi *= 2;
  for (let k = 0; k < 200 && hi - lo > 1e-12 * hi; k++) {
    const mid = (lo + hi) / 2;
    if (studentTwoSidedPValue(mid, df) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function limits(spec: ThresholdSpec, history: number[]): { lower?: number; upper?: number; baseline?: number } {
  switch (spec.kind) {
    case 'static':
      return { lower: spec.lower, upper: spec.upper };
    case 'percentage': {
      const m = mean(history);
      const delta = Math.abs(m) * (spec.percent / 100);
      return { lower: m - delta, upper: m + delta, baseline: m };
    }
    case 'zscore': {
      const m = mean(history);
      const s = sampleStd(history, m);
      return { lower: m - spec.maxZ * s, upper: m + spec.maxZ * s, baseline: m };
    }
    case 't-test': {
      const m = mean(history);
      const s = sampleStd(history, m);
      const n = history.length;
      const half = studentTwoSidedQuantile(1 - spec.confidence, n - 1) * s * Math.sqrt(1 + 1 / n);
      return { lower: m - half, upper: m + half, baseline: m };
    }
    case 'iqr': {
      const sorted = [...history].sort((a, b) => a - b);
      const q1 = quantile(sorted, 0.25);
      const q3 = quantile(sorted, 0.75);
      const iqr = q3 - q1;
      return { lower: q1 - spec.multiplier * iqr, upper: q3 + spec.multiplier * iqr, baseline: quantile(sorted, 0.5) };
    }
  }
}

function validate(spec: ThresholdSpec): void {
  const bad = (what: string) => {
    throw new RangeError(`threshold ${spec.kind}: ${what}`);
  };
  if (spec.kind === 'percentage' && !(spec.percent >= 0)) bad('percent must be ≥ 0');
  if (spec.kind === 'zscore' && !(spec.maxZ > 0)) bad('maxZ must be > 0');
  if (spec.kind === 't-test' && !(spec.confidence > 0 && spec.confidence < 1)) bad('confidence must be in (0, 1)');
  if (spec.kind === 'iqr' && !(spec.multiplier >= 0)) bad('multiplier must be ≥ 0');
  if (spec.maxSampleSize !== undefined && !(spec.maxSampleSize >= 1)) bad('maxSampleSize must be ≥ 1');
}

/**
 * Judges `latest` against `history` (oldest first; non-finite values are ignored). The t-test detector
 * needs at least 2 points whatever minSampleSize says (a standard deviation needs two).
 */
export function evaluateThreshold(history: readonly number[], latest: number, spec: ThresholdSpec): ThresholdResult {
  validate(spec);
  let sample = history.filter((v) => Number.isFinite(v));
  if (spec.maxSampleSize !== undefined && sample.length > spec.maxSampleSize) sample = sample.slice(sample.length - spec.maxSampleSize);
  const needed = Math.max(spec.minSampleSize ?? (spec.kind === 'static' ? 0 : 2), spec.kind === 't-test' ? 2 : spec.kind === 'static' ? 0 : 1);
  if (sample.length < needed || !Number.isFinite(latest)) {
    return { status: 'not_enough_data', value: latest, sampleSize: sample.length };
  }
  const { lower, upper, baseline } = limits(spec, sample);
  const below = lower !== undefined && latest < lower;
  const above = upper !== undefined && latest > upper;
  const worse = spec.direction === 'higher_is_better' ? below : above;
  const better = spec.direction === 'higher_is_better' ? above : below;
  return {
    status: worse ? 'regression' : better ? 'improvement' : 'pass',
    value: latest,
    lowerLimit: lower,
    upperLimit: upper,
    sampleSize: sample.length,
    ...(baseline !== undefined ? { baseline } : {}),
  };
}
