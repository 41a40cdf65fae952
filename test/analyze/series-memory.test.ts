/**
 * `SeriesMemory`'s bounds: its estimated bytes stay within `maxBytes` (least recently used series
 * dropped), a series grown by many appends starts afresh, and scopes keep series of the same name apart —
 * every answer being a full analysis' all the while.
 */
import { describe, expect, it } from 'vitest';
import { SeriesMemory } from '../../src/analyze/incremental.js';
import { analyzeSeries } from '../../src/detect/analyze.js';

/** 200 points with a step at 100 and a deterministic wobble; `seed` varies the wobble per series. */
function series(seed: number, length = 200): { uuids: string[]; values: number[] } {
  const values = Array.from({ length }, (_, i) => (i < 100 ? 100 : 112) + Math.sin((i + 1) * 12.9898 + seed) * 3);
  return { uuids: values.map((_, i) => `run-${i}`), values };
}

const key = (test: string) => ({ test, column: 'cpu', mode: 'otava' as const });

describe('SeriesMemory bounds', () => {
  it('keeps its estimated bytes within maxBytes, dropping the least recently used series', () => {
    const memory = new SeriesMemory({ maxBytes: 100_000 });
    for (let t = 0; t < 12; t++) {
      const { uuids, values } = series(t);
      expect(memory.detect(key(`t${t}`), uuids, values)).toEqual(analyzeSeries(values, { mode: 'otava' }));
      expect(memory.bytes).toBeLessThanOrEqual(100_000);
    }
    expect(memory.size).toBeGreaterThan(1);
    expect(memory.size).toBeLessThan(12);
    // The newest series is kept (an append to it is an append), the oldest was dropped (a full analysis).
    const newest = series(11, 201);
    memory.detect(key('t11'), newest.uuids, newest.values);
    expect(memory.stats).toEqual({ appended: 1, full: 12 });
    const oldest = series(0, 201);
    expect(memory.detect(key('t0'), oldest.uuids, oldest.values)).toEqual(analyzeSeries(oldest.values, { mode: 'otava' }));
    expect(memory.stats).toEqual({ appended: 1, full: 13 });
  });

  it('keeps nothing past a bound smaller than one series, and still answers', () => {
    const memory = new SeriesMemory({ maxBytes: 1 });
    const { uuids, values } = series(1);
    memory.detect(key('t'), uuids.slice(0, 150), values.slice(0, 150));
    expect(memory.detect(key('t'), uuids, values)).toEqual(analyzeSeries(values, { mode: 'otava' }));
    expect({ size: memory.size, bytes: memory.bytes, ...memory.stats }).toEqual({ size: 0, bytes: 0, appended: 0, full: 2 });
  });

  it('starts a series afresh once single-run appends have grown it past a few times a fresh state', () => {
    const memory = new SeriesMemory();
    const { uuids, values } = series(2, 400);
    let fresh = 0;
    for (let n = 200; n <= 400; n++) {
      const result = memory.detect(key('t'), uuids.slice(0, n), values.slice(0, n));
      if (n % 25 === 0) expect(result).toEqual(analyzeSeries(values.slice(0, n), { mode: 'otava' }));
      if (n === 200) fresh = memory.bytes;
      // Never far past 4× a fresh state (the one append that crosses the line is kept).
      expect(memory.bytes).toBeLessThan(5 * fresh * (n / 200));
    }
    expect(memory.stats.full).toBeGreaterThan(1);
    expect(memory.stats.appended + memory.stats.full).toBe(201);
  });

  it('keeps the series of two scopes apart: alternating analyses each append to their own', () => {
    const memory = new SeriesMemory();
    const a = series(3, 210);
    const b = series(4, 210);
    for (let n = 200; n <= 210; n++) {
      expect(memory.scoped('a')(key('t'), a.uuids.slice(0, n), a.values.slice(0, n))).toEqual(analyzeSeries(a.values.slice(0, n), { mode: 'otava' }));
      expect(memory.scoped('b')(key('t'), b.uuids.slice(0, n), b.values.slice(0, n))).toEqual(analyzeSeries(b.values.slice(0, n), { mode: 'otava' }));
    }
    expect(memory.stats).toEqual({ appended: 20, full: 2 });
  });
});
