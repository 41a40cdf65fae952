/**
 * Summation and moments rounded exactly as numpy computes them, so that means and standard deviations
 * match Otava's bit for bit (numpy's `add.reduce` over a contiguous float64 array uses pairwise summation
 * with an 8-way unrolled block of at most 128 elements; see numpy `loops_utils.h.src: pairwise_sum`).
 *
 * @example
 * const { mean, std } = segmentMoments(Float64Array.of(1, 2, 4), 0, 3, scratch);
 */

const PAIRWISE_BLOCK = 128;

/** numpy's pairwise sum of `x[start .. start+n)`. */
export function pairwiseSum(x: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += x[start + i];
    return res;
  }
  if (n <= PAIRWISE_BLOCK) {
    let r0 = x[start], r1 = x[start + 1], r2 = x[start + 2], r3 = x[start + 3];
    let r4 = x[start + 4], r5 = x[start + 5], r6 = x[start + 6], r7 = x[start + 7];
    const whole = n - (n % 8);
    let i = 8;
    for (; i < whole; i += 8) {
      const p = start + i;
      r0 += x[p]; r1 += x[p + 1]; r2 += x[p + 2]; r3 += x[p + 3];
      r4 += x[p + 4]; r5 += x[p + 5]; r6 += x[p + 6]; r7 += x[p + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += x[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(x, start, n2) + pairwiseSum(x, start + n2, n - n2);
}

/** `np.mean(x[start:end])`. */
export function numpyMean(x: ArrayLike<number>, start: number, end: number): number {
  // numpy starts the reduction from the identity 0.0, then adds the pairwise sum.
  return (0 + pairwiseSum(x, start, end - start)) / (end - start);
}

/**
 * `np.std(x[start:end])` (ddof = 0, numpy's two-pass algorithm) given its mean. `scratch` must hold at
 * least `end - start` numbers; it receives the squared deviations.
 */
export function numpyStd(x: ArrayLike<number>, start: number, end: number, mean: number, scratch: Float64Array): number {
  const n = end - start;
  for (let i = 0; i < n; i++) {
    const d = x[start + i] - mean;
    scratch[i] = d * d;
  }
  return Math.sqrt((0 + pairwiseSum(scratch, 0, n)) / n);
}
