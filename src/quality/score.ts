/**
 * Scoring as the change point literature does it: a reported change is a true positive when it lies
 * within ±MARGIN points of a true change not matched yet (one-to-one, nearest first); precision, recall
 * and F1 over a slice; false positives per 1 000 points of pure noise; findings per series where the
 * truth is "no step" (trends, drift, random walks: at most one finding is the right answer for a trend).
 *
 * @example
 * matchChanges([50], [48, 90]) // → { tp: 1, fp: 1, fn: 0 }
 */
export const MARGIN = 5;

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export function matchChanges(truth: readonly number[], reported: readonly number[], margin = MARGIN): Counts {
  const used = new Array<boolean>(reported.length).fill(false);
  let tp = 0;
  for (const t of truth) {
    let best = -1;
    for (let k = 0; k < reported.length; k++) {
      if (used[k] || Math.abs(reported[k] - t) > margin) continue;
      if (best < 0 || Math.abs(reported[k] - t) < Math.abs(reported[best] - t)) best = k;
    }
    if (best >= 0) {
      used[best] = true;
      tp++;
    }
  }
  return { tp, fp: reported.length - tp, fn: truth.length - tp };
}

export interface SliceScore {
  series: number;
  points: number;
  tp: number;
  fp: number;
  fn: number;
  /** change points reported in all */
  reported: number;
  /** most change points reported on one series */
  maxReported: number;
  /** series with at least one report */
  seriesWithReports: number;
}

export function emptyScore(): SliceScore {
  return { series: 0, points: 0, tp: 0, fp: 0, fn: 0, reported: 0, maxReported: 0, seriesWithReports: 0 };
}

export function addResult(score: SliceScore, length: number, truth: readonly number[], reported: readonly number[]): void {
  const c = matchChanges(truth, reported);
  score.series++;
  score.points += length;
  score.tp += c.tp;
  score.fp += c.fp;
  score.fn += c.fn;
  score.reported += reported.length;
  score.maxReported = Math.max(score.maxReported, reported.length);
  if (reported.length) score.seriesWithReports++;
}

export const precision = (s: SliceScore): number => (s.tp + s.fp === 0 ? 1 : s.tp / (s.tp + s.fp));
export const recall = (s: SliceScore): number => (s.tp + s.fn === 0 ? 1 : s.tp / (s.tp + s.fn));
export function f1(s: SliceScore): number {
  const p = precision(s);
  const r = recall(s);
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}
/** false positives per 1 000 points (meaningful on series without true changes) */
export const fpPer1000 = (s: SliceScore): number => (s.points === 0 ? 0 : (1000 * s.fp) / s.points);

/**
 * Detection delay on the incremental path: points are appended one at a time from the true change on;
 * the delay is how many points after the change the detector first reports a change within the margin
 * (null when it never does before the series ends).
 */
export function detectionDelay(
  make: () => { append(values: readonly (number | null)[]): void; changes(): number[] },
  values: readonly (number | null)[],
  change: number,
): number | null {
  const detector = make();
  detector.append(values.slice(0, change));
  for (let n = change + 1; n <= values.length; n++) {
    detector.append(values.slice(n - 1, n));
    if (detector.changes().some((c) => Math.abs(c - change) <= MARGIN)) return n - change;
  }
  return null;
}
