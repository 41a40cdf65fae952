import { describe, expect, it } from 'vitest';
import { PALETTE } from '../../web/src/chart.js';
import { MAX_SPLIT_LINES, metaValue, splitPoints } from '../../web/src/split.js';

describe('a series split by a metadata key', () => {
  it('reads a value by key, then by dotted path; objects as JSON', () => {
    const meta = { platform: 'AWS', 'a.b': 1, jobConfig: { qps: 20, labels: { x: 'y' } }, none: null };
    expect(metaValue(meta, 'platform')).toBe('AWS');
    expect(metaValue(meta, 'a.b')).toBe('1');
    expect(metaValue(meta, 'jobConfig.qps')).toBe('20');
    expect(metaValue(meta, 'jobConfig.labels')).toBe('{"x":"y"}');
    expect(metaValue(meta, 'none')).toBeUndefined();
    expect(metaValue(meta, 'jobConfig.nope.deeper')).toBeUndefined();
  });

  it('makes one line per value, the most frequent first, points without the key on their own line', () => {
    const values = ['GCP', 'AWS', undefined, 'AWS', 'GCP', 'AWS'];
    const { lines, lineOf } = splitPoints(values, 'platform');
    expect(lines).toEqual([
      { value: 'AWS', label: 'platform = AWS', count: 3 },
      { value: 'GCP', label: 'platform = GCP', count: 2 },
      { value: null, label: 'no platform', count: 1 },
    ]);
    expect([...lineOf]).toEqual([1, 0, 2, 0, 1, 0]);
  });

  it('keeps at most as many lines as there are colours, the rarer values on one "other" line', () => {
    expect(MAX_SPLIT_LINES).toBeLessThanOrEqual(PALETTE.length);
    // 12 values, value vK present K+1 times.
    const values = Array.from({ length: 12 }, (_, k) => Array.from({ length: k + 1 }, () => `v${k}`)).flat();
    const { lines, lineOf } = splitPoints(values, 'build');
    expect(lines.length).toBe(MAX_SPLIT_LINES);
    expect(lines.slice(0, MAX_SPLIT_LINES - 1).map((l) => l.value)).toEqual(['v11', 'v10', 'v9', 'v8', 'v7', 'v6', 'v5']);
    expect(lines[MAX_SPLIT_LINES - 1]).toEqual({ value: null, label: 'other build values (5)', count: 1 + 2 + 3 + 4 + 5 });
    expect(lineOf[0]).toBe(MAX_SPLIT_LINES - 1);
    expect(lineOf[values.length - 1]).toBe(0);
    expect(lines.reduce((n, l) => n + l.count, 0)).toBe(values.length);
  });

  it('with values asked for: those lines in that order, the other points not drawn', () => {
    const { lines, lineOf } = splitPoints(['a', 'b', 'c', undefined], 'k', ['c', 'a', 'zz', 'a']);
    expect(lines.map((l) => [l.value, l.count])).toEqual([['c', 1], ['a', 1], ['zz', 0]]);
    expect([...lineOf]).toEqual([1, -1, 0, -1]);
  });
});
