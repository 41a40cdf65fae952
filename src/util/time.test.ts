import { describe, expect, it } from 'vitest';
import { epochToMs, parseDateTime } from './time.js';

describe('parseDateTime', () => {
  it.each([
    ['2024-01-15T20:00:46.307453873Z', Date.UTC(2024, 0, 15, 20, 0, 46, 307)],
    ['2024-01-15T20:00:46.3Z', Date.UTC(2024, 0, 15, 20, 0, 46, 300)],
    ['2024-01-15 20:00:46', Date.UTC(2024, 0, 15, 20, 0, 46)],
    ['2024-01-15', Date.UTC(2024, 0, 15)],
    ['2024.1.5 10:00', Date.UTC(2024, 0, 5, 10)],
    ['2024/01/05 10:00:00 +0200', Date.UTC(2024, 0, 5, 8)],
    ['2020-11-15T22:26:51.553221077+01:00', Date.UTC(2020, 10, 15, 21, 26, 51, 553)],
    ['2020-11-15T22:26:51-05:30', Date.UTC(2020, 10, 16, 3, 56, 51)],
    ['Mon, 15 Jan 2024 10:00:00 GMT', Date.UTC(2024, 0, 15, 10)],
  ])('%s', (text, expected) => expect(parseDateTime(text)).toBe(expected));

  it('agrees with Date.parse on zoned ISO text with sub-millisecond digits, before and after 1970', () => {
    for (const text of ['1969-12-31T23:59:59.9999Z', '2026-02-11T07:21:37.929397+00:00']) {
      expect(parseDateTime(text)).toBe(Date.parse(text.replace(/(\.\d{3})\d+/, '$1')));
    }
  });

  it('is null for text that is no time, out-of-range parts included', () => {
    for (const text of ['', '  ', 'yesterday', 'abc123', '2024-13-01', '2024-02-30', '2024-01-15 24:00', '2024-01-15 10:61']) {
      expect(parseDateTime(text), text).toBeNull();
    }
  });
});

describe('epochToMs', () => {
  it('reads numbers below 1e11 as seconds, larger ones as milliseconds', () => {
    expect([epochToMs(1750007825), epochToMs(1750007825123), epochToMs(-5), epochToMs(0)]).toEqual([1750007825000, 1750007825123, -5000, 0]);
  });
});
