/**
 * Per-run thresholds (Bencher's model, beside change points): one run's value judged against the runs
 * before it with a detector of `src/detect/thresholds.ts`. Which side is bad comes from the threshold's
 * boundaries when it has them (upper: an increase beyond the limit, lower: a decrease), else from the
 * metric's Orion direction (1 an increase, -1 a decrease, 0 both). Static boundaries are the limits.
 *
 * @example
 * judgeRun([100, 101, 99, 100, 102], 130, { test: 'percentage', value: 10 }, 1)
 * // → { status: 'regression', upperLimit: 111.32, baseline: 100.4, sampleSize: 5, … }
 */
import type { Direction, RunThreshold } from '../config/index.js';
import { evaluateThreshold, type Direction as Better, type ThresholdResult, type ThresholdSpec } from '../detect/thresholds.js';

export const DEFAULT_RUN_THRESHOLD_WINDOW = 30;

/** The defaults of each test when no boundary or value is given. */
export const DEFAULT_BOUNDARY = { t_test: 0.99, z_score: 3, iqr: 1.5, percentage: 10 } as const;

export interface RunJudgement {
  status: ThresholdResult['status'];
  value: number;
  baseline?: number;
  lowerLimit?: number;
  upperLimit?: number;
  sampleSize: number;
}

/** A judged side: `lower_is_better` judges the upper limit, `higher_is_better` the lower one. */
interface Side {
  better: Better;
  boundary?: number;
}

function sides(t: RunThreshold, direction: Direction): Side[] {
  if (t.lower !== undefined || t.upper !== undefined) {
    const out: Side[] = [];
    if (t.upper !== undefined) out.push({ better: 'lower_is_better', boundary: t.upper });
    if (t.lower !== undefined) out.push({ better: 'higher_is_better', boundary: t.lower });
    return out;
  }
  const at = t.value;
  if (direction === 1) return [{ better: 'lower_is_better', boundary: at }];
  if (direction === -1) return [{ better: 'higher_is_better', boundary: at }];
  return [{ better: 'lower_is_better', boundary: at }, { better: 'higher_is_better', boundary: at }];
}

function spec(t: RunThreshold, side: Side): ThresholdSpec {
  const common = { direction: side.better, maxSampleSize: t.window ?? DEFAULT_RUN_THRESHOLD_WINDOW, ...(t.minSampleSize !== undefined ? { minSampleSize: t.minSampleSize } : {}) };
  switch (t.test) {
    case 't_test':
      return { kind: 't-test', confidence: side.boundary ?? DEFAULT_BOUNDARY.t_test, ...common };
    case 'z_score':
      return { kind: 'zscore', maxZ: side.boundary ?? DEFAULT_BOUNDARY.z_score, ...common };
    case 'iqr':
      return { kind: 'iqr', multiplier: side.boundary ?? DEFAULT_BOUNDARY.iqr, ...common };
    case 'percentage':
      return { kind: 'percentage', percent: side.boundary ?? DEFAULT_BOUNDARY.percentage, ...common };
    case 'static':
      return { kind: 'static', ...(side.better === 'lower_is_better' ? { upper: side.boundary } : { lower: side.boundary }), ...common };
  }
}

/** Judges `value` against `history` (oldest first; the last `window` finite values are used). */
export function judgeRun(history: readonly number[], value: number, t: RunThreshold, direction: Direction): RunJudgement {
  const judged = sides(t, direction).map((side) => ({ side, result: evaluateThreshold(history, value, spec(t, side)) }));
  const upper = judged.find((j) => j.side.better === 'lower_is_better')?.result;
  const lower = judged.find((j) => j.side.better === 'higher_is_better')?.result;
  const any = judged[0].result;
  const status = judged.some((j) => j.result.status === 'regression')
    ? 'regression'
    : judged.some((j) => j.result.status === 'not_enough_data')
      ? 'not_enough_data'
      : judged.some((j) => j.result.status === 'improvement')
        ? 'improvement'
        : 'pass';
  return {
    status,
    value,
    ...(any.baseline !== undefined ? { baseline: any.baseline } : {}),
    // A static side has only its own limit; the others have both, whichever side is judged.
    ...((lower ?? any).lowerLimit !== undefined ? { lowerLimit: (lower ?? any).lowerLimit } : {}),
    ...((upper ?? any).upperLimit !== undefined ? { upperLimit: (upper ?? any).upperLimit } : {}),
    sampleSize: any.sampleSize,
  };
}
