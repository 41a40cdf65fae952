/**
 * A classic reference method: PELT (Killick, Fearnhead & Eckley 2012) for changes in the mean of
 * Gaussian data with known variance, penalised by MBIC's change term 3·ln n (Zhang & Siegmund 2007).
 * The variance is estimated robustly from first differences (1.4826·MAD(Δx)/√2), so steps do not
 * inflate it. Exact optimal partition; pruning keeps it near O(n) on series with changes.
 *
 * @example
 * pelt([1, 1, 1, 1, 5, 5, 5, 5]) // → [4]
 */

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export interface PeltOptions {
  /** penalty per change in units of the noise variance; default 3·ln n (MBIC) */
  penalty?: number;
  /** minimum segment length; default 2 */
  minSegment?: number;
}

/** Change indexes (first point of each new segment) of `x` (finite values). */
export function pelt(x: readonly number[], options: PeltOptions = {}): number[] {
  const n = x.length;
  if (n < 4) return [];
  const diffs: number[] = [];
  for (let i = 1; i < n; i++) diffs.push(Math.abs(x[i] - x[i - 1]));
  let sigma = (1.482602218505602 * median(diffs)) / Math.SQRT2;
  if (!(sigma > 0)) sigma = diffs.reduce((a, b) => a + b, 0) / diffs.length / Math.SQRT2;
  if (!(sigma > 0)) return [];
  const minSeg = options.minSegment ?? 2;
  const beta = options.penalty ?? 3 * Math.log(n);
  const s1 = new Float64Array(n + 1);
  const s2 = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const z = x[i] / sigma;
    s1[i + 1] = s1[i] + z;
    s2[i + 1] = s2[i] + z * z;
  }
  const cost = (a: number, b: number) => {
    const s = s1[b] - s1[a];
    return s2[b] - s2[a] - (s * s) / (b - a);
  };
  const F = new Float64Array(n + 1).fill(Infinity);
  const last = new Int32Array(n + 1);
  F[0] = -beta;
  let candidates: number[] = [0];
  for (let t = 1; t <= n; t++) {
    let best = Infinity;
    let bestS = 0;
    const kept: number[] = [];
    for (const s of candidates) {
      if (t - s < minSeg) {
        kept.push(s);
        continue;
      }
      const v = F[s] + cost(s, t);
      if (v + beta < best) {
        best = v + beta;
        bestS = s;
      }
      // Pruning: s can never be optimal again when F[s] + cost(s, t) > F[t] (checked below).
      kept.push(s);
    }
    F[t] = best;
    last[t] = bestS;
    candidates = kept.filter((s) => t - s < minSeg || F[s] + cost(s, t) <= best);
    if (Number.isFinite(best)) candidates.push(t);
  }
  const cps: number[] = [];
  for (let t = last[n]; t > 0; t = last[t]) cps.push(t);
  return cps.reverse();
}
