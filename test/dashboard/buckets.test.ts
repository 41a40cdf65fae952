import { describe, expect, it } from 'vitest';
import { bucketLabel, bucketSeconds, bucketStep, thin } from '../../web/src/buckets.js';
import { bucketOf } from '../../src/test-analytics/analytics.js';

describe('bucketSeconds (the health chart’s x of an analytics bucket)', () => {
  it('reads the day and hour buckets the API prints as UTC', () => {
    const ms = Date.UTC(2026, 10, 3, 6, 42, 10);
    expect(bucketSeconds(bucketOf(ms, 'day')) * 1000).toBe(Date.UTC(2026, 10, 3));
    expect(bucketSeconds(bucketOf(ms, 'hour')) * 1000).toBe(Date.UTC(2026, 10, 3, 6));
  });

  it('reads ISO weeks as their Monday, across year boundaries', () => {
    expect(new Date(bucketSeconds('2026-W45') * 1000).toISOString()).toBe('2026-11-02T00:00:00.000Z');
    // 2021-01-01 is a Friday: week 1 of 2021 starts on Monday 2021-01-04; 2020 has a week 53.
    expect(new Date(bucketSeconds('2021-W01') * 1000).toISOString()).toBe('2021-01-04T00:00:00.000Z');
    expect(new Date(bucketSeconds('2020-W53') * 1000).toISOString()).toBe('2020-12-28T00:00:00.000Z');
    // 2025-01-01 is a Wednesday: week 1 starts on Monday 2024-12-30.
    expect(new Date(bucketSeconds('2025-W01') * 1000).toISOString()).toBe('2024-12-30T00:00:00.000Z');
  });

  it('keeps an explicit offset and gives NaN for what it cannot read', () => {
    expect(bucketSeconds('2026-11-03T06:00:00+02:00') * 1000).toBe(Date.UTC(2026, 10, 3, 4));
    expect(bucketSeconds('last week')).toBeNaN();
  });

  it('labels buckets on two lines, by their resolution', () => {
    expect(bucketLabel('2026-11-02T06:00:00', 'hour')).toBe('2026-11-02\n06:00');
    expect(bucketLabel('2026-10-26', 'week')).toBe('week of\n2026-10-26');
    expect(bucketLabel('2026-W44', 'week')).toBe('2026-W44');
    expect(bucketLabel('2026-10-26', 'day')).toBe('2026-10-26');
    expect([bucketStep('hour'), bucketStep('day'), bucketStep('week'), bucketStep('fortnight')]).toEqual([3600, 86_400, 604_800, 86_400]);
  });

  it('thins tick values to the room there is, evenly, the first kept', () => {
    const xs = Array.from({ length: 10 }, (_, i) => i);
    expect(thin(xs, 20)).toEqual(xs);
    expect(thin(xs, 5)).toEqual([0, 2, 4, 6, 8]);
    expect(thin(xs, 3)).toEqual([0, 4, 8]);
    expect(thin(xs, 0)).toEqual([0]);
  });
});
