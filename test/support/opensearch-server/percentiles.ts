/**
 * Percentiles as the test server computes them: linear interpolation between closest ranks (the
 * "C = 1/2" definition). Sorted values v₁…vₙ sit at ranks i − ½; the p-th percentile is at rank
 * x = p/100·n, interpolated between its neighbours and clamped to the minimum/maximum at the ends.
 *
 * This is what OpenSearch's TDigest (compression 100) returns while every centroid still holds a single
 * value, i.e. for the small per-run samples Orion aggregates; on large samples TDigest only approximates.
 */
export function percentile(sorted: readonly number[], percent: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  if (n === 1) return sorted[0];
  const rank = (percent / 100) * n - 0.5;
  if (rank <= 0) return sorted[0];
  if (rank >= n - 1) return sorted[n - 1];
  const lower = Math.floor(rank);
  const fraction = rank - lower;
  return sorted[lower] + fraction * (sorted[lower + 1] - sorted[lower]);
}

/** Java's `Double.toString` for the percent keys OpenSearch prints (`50` → `"50.0"`, `99.9` → `"99.9"`). */
export function percentKey(percent: number): string {
  return Number.isInteger(percent) ? `${percent}.0` : String(percent);
}
