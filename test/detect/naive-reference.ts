/**
 * A deliberately plain re-implementation of Otava 0.8's algorithm (Q̂ straight from its definition,
 * sequential sums, arrays rebuilt at every step) used to check the optimised engine on random series.
 * It shares no code with src/detect except the Student-t tail function.
 */
import { studentTwoSidedPValue } from '../../src/detect/student-t.js';

export interface NaiveChangePoint {
  index: number;
  qhat: number;
  pvalue: number;
  meanBefore: number;
  meanAfter: number;
  stddevBefore: number;
  stddevAfter: number;
  magnitude: number;
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function std(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
}

function ttest(left: number[], right: number[]): Omit<NaiveChangePoint, 'index' | 'qhat'> {
  const m1 = mean(left);
  const m2 = mean(right);
  const s1 = std(left);
  const s2 = std(right);
  const df = left.length + right.length - 2;
  let p = 1;
  if (df > 0) {
    const sp2 = ((left.length - 1) * s1 * s1 + (right.length - 1) * s2 * s2) / df;
    p = studentTwoSidedPValue((m1 - m2) / Math.sqrt(sp2 * (1 / left.length + 1 / right.length)), df);
  }
  const fwd = m1 === 0 ? 0 : m2 / m1 - 1;
  const bwd = m2 === 0 ? 0 : m1 / m2 - 1;
  return { pvalue: p, meanBefore: m1, meanAfter: m2, stddevBefore: s1, stddevAfter: s2, magnitude: Math.max(Math.abs(fwd), Math.abs(bwd)) };
}

/**
 * Best (τ, κ) of z[s:e) — first maximum with τ, then κ, increasing — with Q̂ from Matteson & James'
 * definition (U-statistic within-sample means). For each τ the sums grow with κ one point at a time.
 */
function candidate(z: number[], s: number, e: number): { index: number; qhat: number } {
  let best = { index: s + 1, qhat: -Infinity };
  for (let tau = s + 1; tau < e; tau++) {
    const x = z.slice(s, tau);
    const n = x.length;
    let withinX = 0;
    for (let i = 0; i < n; i++) for (let k = i + 1; k < n; k++) withinX += Math.abs(x[i] - x[k]);
    let between = 0;
    let withinY = 0;
    const y: number[] = [];
    for (let kappa = tau + 1; kappa <= e; kappa++) {
      const added = z[kappa - 1];
      for (const a of x) between += Math.abs(a - added);
      for (const b of y) withinY += Math.abs(b - added);
      y.push(added);
      const m = y.length;
      const q =
        (2 / (n + m)) * between -
        (n > 1 ? ((2 * m) / ((n + m) * (n - 1))) * withinX : 0) -
        (m > 1 ? ((2 * n) / ((n + m) * (m - 1))) * withinY : 0);
      if (q > best.qhat) best = { index: tau, qhat: q };
    }
  }
  return best;
}

function eDivisive(z: number[], threshold: number): { index: number; qhat: number }[] {
  const cps: { index: number; qhat: number }[] = [];
  for (;;) {
    const bounds = [0, ...cps.map((c) => c.index), z.length];
    let best: { index: number; qhat: number; s: number; e: number } | null = null;
    for (let k = 0; k + 1 < bounds.length; k++) {
      if (bounds[k + 1] - bounds[k] < 2) continue;
      const c = candidate(z, bounds[k], bounds[k + 1]);
      if (best === null || c.qhat > best.qhat) best = { ...c, s: bounds[k], e: bounds[k + 1] };
    }
    if (best === null) break;
    const { pvalue } = ttest(z.slice(best.s, best.index), z.slice(best.index, best.e));
    if (!(pvalue <= threshold)) break;
    cps.push({ index: best.index, qhat: best.qhat });
    cps.sort((a, b) => a.index - b.index);
  }
  return cps;
}

function withStats(z: number[], cps: { index: number; qhat: number }[]): NaiveChangePoint[] {
  return cps.map((c, k) => ({
    index: c.index,
    qhat: c.qhat,
    ...ttest(z.slice(k === 0 ? 0 : cps[k - 1].index, c.index), z.slice(c.index, k + 1 < cps.length ? cps[k + 1].index : z.length)),
  }));
}

export function naiveOtava(
  z: number[],
  windowLen: number,
  maxPvalue: number,
  minMagnitude: number,
): { weak: NaiveChangePoint[]; final: NaiveChangePoint[] } {
  const firstPass = maxPvalue < 0.05 ? maxPvalue * 10 : maxPvalue < 0.5 ? maxPvalue * 2 : maxPvalue;
  const step = Math.floor(windowLen / 2);
  const weakRaw: { index: number; qhat: number }[] = [];
  let start = 0;
  while (start < z.length) {
    const end = Math.min(start + windowLen, z.length);
    const found = eDivisive(z.slice(start, end), firstPass).map((c) => ({ index: c.index + start, qhat: c.qhat }));
    start = Math.max(found.length ? found[found.length - 1].index : 0, start + step);
    for (const c of found) if (!weakRaw.some((w) => w.index === c.index)) weakRaw.push(c);
  }
  weakRaw.sort((a, b) => a.index - b.index);
  const weak = withStats(z, weakRaw);
  const cps = weak.slice();
  while (cps.length) {
    let weakest = cps.reduce((a, b) => (b.pvalue > a.pvalue ? b : a));
    if (weakest.pvalue < maxPvalue) {
      weakest = cps.reduce((a, b) => (b.magnitude < a.magnitude ? b : a));
      if (weakest.magnitude > minMagnitude) break;
    }
    const k = cps.indexOf(weakest);
    cps.splice(k, 1);
    // Otava recomputes only the new cps[k] and cps[k+1] (its left neighbour keeps stale statistics).
    const fresh = withStats(z, cps);
    for (const at of [k, k + 1]) if (at < cps.length) cps[at] = fresh[at];
  }
  return { weak, final: cps };
}
