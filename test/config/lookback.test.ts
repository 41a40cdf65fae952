/** Orion's --lookback XdYh and --since YYYY-MM-DD. */
import { describe, expect, it } from 'vitest';
import { parseLookback, parseSince, timeWindow } from '../../src/config/index.js';

const H = 3_600_000;

describe('lookback and since', () => {
  it.each([
    ['15d', 15 * 24 * H],
    ['12h', 12 * H],
    ['1d12h', 36 * H],
    ['0d', 0],
    ['007d', 7 * 24 * H],
  ])('parses --lookback %s', (value, ms) => {
    expect(parseLookback(value)).toBe(ms);
  });

  it.each(['', '12h1d', '1w', '1.5d', 'd', '-1d', '1d ', '15'])('rejects --lookback %j', (value) => {
    expect(() => parseLookback(value)).toThrow(/^field --lookback: expected a duration like 15d, 12h or 1d12h/);
  });

  it('parses --since as midnight UTC, one-digit month and day allowed (strptime)', () => {
    expect(parseSince('2026-01-20').toISOString()).toBe('2026-01-20T00:00:00.000Z');
    expect(parseSince('2026-1-5').toISOString()).toBe('2026-01-05T00:00:00.000Z');
  });

  it.each(['2026-02-30', '2026-13-01', '20-01-2026', '2026/01/20', '2026-01-20T00:00:00Z', 'yesterday'])('rejects --since %j', (value) => {
    expect(() => parseSince(value)).toThrow(/^field --since: expected a date like 2026-01-20/);
  });

  it('makes the window: lookback from now or from since, since as the exclusive upper bound', () => {
    const now = new Date('2026-08-06T10:20:30.456Z');
    expect(timeWindow({ now })).toEqual({ before: undefined });
    expect(timeWindow({ lookback: '1d2h', now })).toEqual({ after: new Date('2026-08-05T08:20:30.000Z'), before: undefined });
    expect(timeWindow({ since: '2026-01-20', now })).toEqual({ before: new Date('2026-01-20T00:00:00Z') });
    expect(timeWindow({ lookback: '15d', since: '2026-01-20', now })).toEqual({
      after: new Date('2026-01-05T00:00:00Z'),
      before: new Date('2026-01-20T00:00:00Z'),
    });
    expect(timeWindow({ lookback: '', since: '', now })).toEqual({ before: undefined });
  });
});
