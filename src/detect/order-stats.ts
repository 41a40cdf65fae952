/**
 * Order statistics of perfhound mode's robust merge (robust.ts): medians and the Mann–Whitney rank-sum
 * test of two adjacent segments, without sorting index arrays through a comparator (that was most of
 * the merge's time): values are copied into shared typed scratch buffers, medians come from a
 * selection in O(n), and rank sums from merging the two segments sorted natively.
 *
 * @example
 * medianOf(Float64Array.of(3, 1, 2), 0, 3)   // → 2
 * rankSumPvalue(Float64Array.of(1, 2, 3, 10, 11, 12), 0, 3, 6) // ≈ 0.0495
 */

/**
 * Scratch shared by every call: the detection is synchronous, so no two calls overlap (as hunter.ts's
 * deviation scratch). Grown to the longest segment seen.
 */
let scratch = new Float64Array(0);

function scratchOf(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, 2 * scratch.length));
  return scratch;
}

function copyInto(x: ArrayLike<number>, from: number, to: number, into: Float64Array, at: number): void {
  if (x instanceof Float64Array) into.set(x.subarray(from, to), at);
  else for (let i = from; i < to; i++) into[at + i - from] = x[i];
}

/** Rearranges `v[lo, hi)` so that `v[k]` is its k-th smallest, smaller values before it (Hoare's selection). */
function select(v: Float64Array, lo: number, hi: number, k: number): void {
  let left = lo;
  let right = hi - 1;
  while (right > left) {
    const pivot = v[(left + right) >> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        const t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

/** Median of `v[0, n)`, reordering `v` (NaN-free values). */
export function medianInPlace(v: Float64Array, n: number): number {
  if (n === 0) return NaN;
  const k = n >> 1;
  select(v, 0, n, k);
  if (n % 2) return v[k];
  let below = v[0];
  for (let i = 1; i < k; i++) if (v[i] > below) below = v[i];
  return (below + v[k]) / 2;
}

/** Median of `x[from, to)`, `x` unchanged. */
export function medianOf(x: ArrayLike<number>, from: number, to: number): number {
  const v = scratchOf(to - from);
  copyInto(x, from, to, v, 0);
  return medianInPlace(v, to - from);
}

/**
 * Two-sided Mann–Whitney (Wilcoxon rank-sum) p-value of `x[a:b)` vs `x[b:c)`, normal approximation with
 * the tie correction: distribution-free, so a mixture or skewed noise cannot fake significance.
 */
export function rankSumPvalue(x: ArrayLike<number>, a: number, b: number, c: number): number {
  const v = scratchOf(c - a);
  copyInto(x, a, c, v, 0);
  return rankSumOfSorted(v.subarray(0, b - a).sort(), v.subarray(b - a, c - a).sort());
}

/** The rank-sum p-value of two samples given sorted: merged in one pass, a run of equal values sharing the mean of its ranks. */
export function rankSumOfSorted(left: Float64Array, right: Float64Array): number {
  const n1 = left.length;
  const n2 = right.length;
  const n = n1 + n2;
  let rankSum1 = 0;
  let ties = 0;
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const value = j >= n2 || (i < n1 && left[i] <= right[j]) ? left[i] : right[j];
    const fromLeft = i;
    while (i < n1 && left[i] === value) i++;
    const fromRight = j;
    while (j < n2 && right[j] === value) j++;
    const inLeft = i - fromLeft;
    const t = inLeft + j - fromRight;
    // ranks (i + j − t + 1) … (i + j): their mean, exact in binary floating point (a half-integer)
    rankSum1 += inLeft * (i + j - t + (t + 1) / 2);
    ties += t * t * t - t;
  }
  const u = rankSum1 - (n1 * (n1 + 1)) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (!(variance > 0)) return u === (n1 * n2) / 2 ? 1 : 0;
  const z = Math.abs(u - (n1 * n2) / 2) / Math.sqrt(variance);
  return erfc(z / Math.SQRT2);
}

/**
 * Sorted copies of the segments of one series, kept while a merge runs: the rank test of a change point
 * needs its two segments sorted, each segment is shared by two neighbouring change points, and when a
 * change point goes its two segments merge in one linear pass instead of a new sort.
 */
export class SortedSegments {
  /** by start, then end */
  private readonly cache = new Map<number, Map<number, Float64Array>>();

  constructor(private readonly x: ArrayLike<number>) {}

  get(from: number, to: number): Float64Array {
    let byEnd = this.cache.get(from);
    if (byEnd === undefined) this.cache.set(from, (byEnd = new Map()));
    let sorted = byEnd.get(to);
    if (sorted !== undefined) return sorted;
    for (const [mid, left] of byEnd) {
      const right = mid < to ? this.cache.get(mid)?.get(to) : undefined;
      if (right !== undefined) {
        sorted = mergeSorted(left, right);
        break;
      }
    }
    if (sorted === undefined) {
      sorted = new Float64Array(to - from);
      copyInto(this.x, from, to, sorted, 0);
      sorted.sort();
    }
    byEnd.set(to, sorted);
    return sorted;
  }

  /** p-values by a·(n + 1) + b, then c: a merge re-checks a change point whose segments did not change. */
  private readonly pvalues = new Map<number, Map<number, number>>();

  rankSumPvalue(a: number, b: number, c: number): number {
    const key = a * (this.x.length + 1) + b;
    let byEnd = this.pvalues.get(key);
    if (byEnd === undefined) this.pvalues.set(key, (byEnd = new Map()));
    let p = byEnd.get(c);
    if (p === undefined) {
      p = rankSumOfSorted(this.get(a, b), this.get(b, c));
      byEnd.set(c, p);
    }
    return p;
  }
}

function mergeSorted(left: Float64Array, right: Float64Array): Float64Array {
  const out = new Float64Array(left.length + right.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < left.length && j < right.length) out[k++] = left[i] <= right[j] ? left[i++] : right[j++];
  while (i < left.length) out[k++] = left[i++];
  while (j < right.length) out[k++] = right[j++];
  return out;
}

/** Complementary error function (Numerical Recipes' erfcc, relative error < 1.2e-7). */
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const r = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886187 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}
