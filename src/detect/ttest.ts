import { numpyMean, numpyStd } from './numpy-sum.js';
import { studentTwoSidedPValue } from './student-t.js';
import type { ChangePoint, SegmentComparison } from './types.js';

/**
 * Otava's `TTestSignificanceTester.compare`: pooled two-sided Student's t-test between `x[a:b)` and
 * `x[b:c)` on population (ddof = 0) standard deviations, p = 1 when there are ≤ 2 points in all.
 */
export function compareSegments(x: ArrayLike<number>, a: number, b: number, c: number, scratch: Float64Array): SegmentComparison {
  const n1 = b - a;
  const n2 = c - b;
  const mean1 = numpyMean(x, a, b);
  const mean2 = numpyMean(x, b, c);
  const std1 = n1 >= 2 ? numpyStd(x, a, b, mean1, scratch) : 0;
  const std2 = n2 >= 2 ? numpyStd(x, b, c, mean2, scratch) : 0;
  return { meanBefore: mean1, meanAfter: mean2, stddevBefore: std1, stddevAfter: std2, pvalue: pooledTTestPValue(mean1, std1, n1, mean2, std2, n2) };
}

/** scipy `ttest_ind_from_stats(..., equal_var=True)` two-sided p-value; 1 when df ≤ 0. */
export function pooledTTestPValue(mean1: number, std1: number, n1: number, mean2: number, std2: number, n2: number): number {
  const df = n1 + n2 - 2;
  if (df <= 0) return 1;
  const pooledVariance = ((n1 - 1) * (std1 * std1) + (n2 - 1) * (std2 * std2)) / df;
  const denom = Math.sqrt(pooledVariance * (1.0 / n1 + 1.0 / n2));
  return studentTwoSidedPValue((mean1 - mean2) / denom, df);
}

/** Python's `max(a, b)`: keeps `a` unless `b > a` (so a NaN first argument wins, a NaN second one loses). */
function pyMax(a: number, b: number): number {
  return b > a ? b : a;
}

export function forwardRelativeChange(s: SegmentComparison): number {
  return s.meanBefore === 0 ? 0 : s.meanAfter / s.meanBefore - 1.0;
}

export function backwardRelativeChange(s: SegmentComparison): number {
  return s.meanAfter === 0 ? 0 : s.meanBefore / s.meanAfter - 1.0;
}

export function changeMagnitude(s: SegmentComparison): number {
  return pyMax(Math.abs(forwardRelativeChange(s)), Math.abs(backwardRelativeChange(s)));
}

export function toChangePoint(index: number, qhat: number, s: SegmentComparison): ChangePoint {
  return {
    index,
    meanBefore: s.meanBefore,
    meanAfter: s.meanAfter,
    stddevBefore: s.stddevBefore,
    stddevAfter: s.stddevAfter,
    pvalue: s.pvalue,
    forwardChangePercent: forwardRelativeChange(s) * 100.0,
    backwardChangePercent: backwardRelativeChange(s) * 100.0,
    magnitude: changeMagnitude(s),
    qhat,
  };
}
