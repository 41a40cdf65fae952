/**
 * Change point detection, pure functions over numbers (no I/O).
 *
 * @example
 * import { analyzeSeries } from '../detect/index.js';
 * const { changePoints, warnings } = analyzeSeries(values, { windowLen: 30, maxPvalue: 0.01 });
 */
export { analyzeSeries, IncrementalSeries, DEFAULT_MAX_PVALUE, DEFAULT_MIN_MAGNITUDE, DEFAULT_WINDOW_LEN } from './analyze.js';
export { origEDivisive, type OrigChangePoint, type OrigEDivisiveOptions } from './orig-edivisive.js';
export { evaluateThreshold, type Direction, type ThresholdResult, type ThresholdSpec, type ThresholdStatus } from './thresholds.js';
export { studentTwoSidedPValue } from './student-t.js';
export type * from './types.js';
