import { describe, expect, it } from 'vitest';
import { evaluateThreshold, studentTwoSidedQuantile } from '../../src/detect/thresholds.js';

const history = [100, 102, 98, 101, 99, 100];
const sd = Math.sqrt(history.reduce((a, x) => a + (x - 100) ** 2, 0) / (history.length - 1));

describe('per-point thresholds', () => {
  it('static bounds respect the direction', () => {
    const spec = { kind: 'static', lower: 90, upper: 110 } as const;
    expect(evaluateThreshold([], 85, { ...spec, direction: 'higher_is_better' }).status).toBe('regression');
    expect(evaluateThreshold([], 85, { ...spec, direction: 'lower_is_better' }).status).toBe('improvement');
    expect(evaluateThreshold([], 115, { ...spec, direction: 'lower_is_better' }).status).toBe('regression');
    expect(evaluateThreshold([], 100, { ...spec, direction: 'lower_is_better' }).status).toBe('pass');
  });

  it('percentage from the mean', () => {
    const r = evaluateThreshold(history, 94.9, { kind: 'percentage', percent: 5, direction: 'higher_is_better' });
    expect(r).toMatchObject({ status: 'regression', lowerLimit: 95, upperLimit: 105, baseline: 100, sampleSize: 6 });
    expect(evaluateThreshold(history, 95.1, { kind: 'percentage', percent: 5, direction: 'higher_is_better' }).status).toBe('pass');
  });

  it('z-score uses the sample standard deviation', () => {
    const r = evaluateThreshold(history, 100 + 3.01 * sd, { kind: 'zscore', maxZ: 3, direction: 'lower_is_better' });
    expect(r.status).toBe('regression');
    expect(r.upperLimit).toBeCloseTo(100 + 3 * sd, 12);
    expect(evaluateThreshold(history, 100 + 2.99 * sd, { kind: 'zscore', maxZ: 3, direction: 'lower_is_better' }).status).toBe('pass');
  });

  it('t-test prediction interval (quantiles as scipy.stats.t.ppf)', () => {
    expect(studentTwoSidedQuantile(0.01, 4)).toBeCloseTo(4.604094871349992, 9);
    expect(studentTwoSidedQuantile(0.05, 9)).toBeCloseTo(2.262157162798205, 9);
    const r = evaluateThreshold(history, 90, { kind: 't-test', confidence: 0.99, direction: 'higher_is_better' });
    const half = studentTwoSidedQuantile(0.01, 5) * sd * Math.sqrt(1 + 1 / 6);
    expect(r.lowerLimit).toBeCloseTo(100 - half, 9);
    expect(r.status).toBe(90 < 100 - half ? 'regression' : 'pass');
    expect(r.status).toBe('regression');
  });

  it('IQR fences with numpy-style quartiles', () => {
    const r = evaluateThreshold([1, 2, 3, 4, 10, 7], 13, { kind: 'iqr', multiplier: 1.5, direction: 'lower_is_better' });
    expect(r).toMatchObject({ lowerLimit: 2.25 - 6, upperLimit: 6.25 + 6, status: 'regression' });
  });

  it('min/max sample size and "not enough data"', () => {
    expect(evaluateThreshold([100], 50, { kind: 'zscore', maxZ: 3, direction: 'higher_is_better' }).status).toBe('not_enough_data');
    expect(evaluateThreshold(history, 50, { kind: 'zscore', maxZ: 3, direction: 'higher_is_better', minSampleSize: 10 })).toEqual({
      status: 'not_enough_data',
      value: 50,
      sampleSize: 6,
    });
    // Only the newest 3 points count: their mean is 100 and the old 200s are ignored.
    const r = evaluateThreshold([200, 200, 200, 101, 99, 100], 100, { kind: 'percentage', percent: 1, direction: 'higher_is_better', maxSampleSize: 3 });
    expect(r).toMatchObject({ status: 'pass', sampleSize: 3, baseline: 100 });
    expect(() => evaluateThreshold(history, 1, { kind: 't-test', confidence: 1.5, direction: 'higher_is_better' })).toThrow(RangeError);
  });
});
