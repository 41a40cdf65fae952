import { describe, expect, it } from 'vitest';
import type { ColumnInfo, ReportChangePoint, ReportRow, TestReport } from '../analyze/types.js';
import { formatTestViz, isRegression, vizData } from './viz.js';

const column = (name: string, direction: -1 | 0 | 1): ColumnInfo => ({ name, labels: [], direction, threshold: 0, isMetadata: false });
const row = (i: number, version: string, values: Record<string, number | null>): ReportRow => ({
  uuid: `run-${i}`,
  timestampMs: Date.UTC(2026, 0, 1 + i),
  version,
  buildUrl: `https://ci.example.invalid/${i}`,
  display: {},
  values,
  attributes: {},
});
const cp = (column: string, index: number, meanBefore: number, meanAfter: number): ReportChangePoint => ({
  column,
  index,
  uuid: `run-${index}`,
  meanBefore,
  meanAfter,
  pvalue: 0,
  percentageChange: ((meanAfter - meanBefore) / meanBefore) * 100,
  forwardChangePercent: 0,
});

function report(overrides: Partial<TestReport> = {}): TestReport {
  const rows = [0, 1, 2, 3].map((i) => row(i, i < 2 ? 'v1' : 'v2', { a: 10 + i, b: 5, c: i === 1 ? null : 1, meta: 0 }));
  return {
    name: 't',
    uuidField: 'uuid',
    versionField: 'version',
    algorithm: 'hunter',
    columns: [column('c', 1), column('b', 1), column('a', -1), { ...column('meta', 0), isMetadata: true }],
    rows,
    changePoints: [cp('a', 2, 10, 12), cp('b', 3, 5, 4)],
    regressions: [],
    noData: false,
    warnings: [],
    ...overrides,
  };
}

describe('--viz data', () => {
  it("classifies a change point as Orion's _classify_changepoint does", () => {
    expect(isRegression(5, 1)).toBe(true);
    expect(isRegression(-5, 1)).toBe(false);
    expect(isRegression(5, -1)).toBe(false);
    expect(isRegression(-5, -1)).toBe(true);
    expect(isRegression(-5, 0)).toBe(true);
  });

  it('orders metrics regression first, then other change points, then stable; leaves metadata columns out', () => {
    const data = vizData(report());
    // a: direction -1 and a rise → green; b: direction 1 and a fall → green too; so both rank 1, c stable
    expect(data.metrics.map((m) => [m.name, m.changePoints.map((c) => c.regression)])).toEqual([
      ['a', [false]],
      ['b', [false]],
      ['c', []],
    ]);
    const flipped = vizData(report({ columns: [column('c', 1), column('b', -1), column('a', -1)] }));
    expect(flipped.metrics.map((m) => m.name)).toEqual(['b', 'a', 'c']);
  });

  it('marks version changes, keeps missing values as gaps, and places acks (any metric when the ack names none)', () => {
    const data = vizData(report({ acks: [{ uuid: 'run-3', reason: 'all of the run' }, { uuid: 'run-1', metric: 'a', reason: 'one' }, { uuid: 'gone', metric: 'a' }] }));
    expect(data.versionChanges).toEqual([2]);
    const c = data.metrics.find((m) => m.name === 'c')!;
    expect(c.values).toEqual([1, null, 1, 1]);
    expect(c.mean).toBe(1);
    expect(c.acks).toEqual([{ index: 3, reason: 'all of the run' }]);
    expect(data.metrics.find((m) => m.name === 'a')!.acks).toEqual([
      { index: 3, reason: 'all of the run' },
      { index: 1, reason: 'one' },
    ]);
  });

  it('embeds names that look like markup without ending its script element', () => {
    const html = formatTestViz(report({ name: '</script><script>alert(1)</script>' }), { script: 'window.uPlot = function () {};', css: '' });
    expect(html.match(/<\/script>/g)).toHaveLength(3);
    expect(html).toContain('<title>Orion: &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>');
    const json = /<script id="viz-data" type="application\/json">(.*)<\/script>/.exec(html)![1];
    expect(JSON.parse(json).test).toBe('</script><script>alert(1)</script>');
  });
});
