import { describe, expect, it } from 'vitest';
import type { AnalysisReport, ColumnInfo, ReportRow, TestReport } from '../../src/analyze/types.js';
import { formatJson, orionJsonParts, orionRowsJson, rowsJson, testToJsonRows } from '../../src/output/json.js';
import { toJson } from '../../src/util/json.js';

function column(name: string, extra: Partial<ColumnInfo> = {}): ColumnInfo {
  return { name, labels: [], direction: 1, threshold: 0, isMetadata: false, ...extra };
}

function row(i: number, extra: Partial<ReportRow> = {}): ReportRow {
  return { uuid: `u-${i}`, timestampMs: 1_700_000_000_123 + i * 3_600_000, version: `4.20.${i}`, display: { buildUrl: `https://ci/${i}` }, values: {}, attributes: {}, ...extra };
}

function report(name: string, columns: ColumnInfo[], rows: ReportRow[], changeAt: number[] = []): TestReport {
  return {
    name,
    uuidField: 'uuid',
    versionField: 'ocpVersion',
    algorithm: 'hunter',
    columns,
    rows,
    changePoints: changeAt.map((index) => ({ column: columns[0].name, index, uuid: rows[index].uuid, meanBefore: 1, meanAfter: 2, pvalue: 0, percentageChange: 100, forwardChangePercent: 100 })),
    regressions: [],
    noData: false,
    warnings: [],
  };
}

/** What the output was before it was written as text: the row objects through JSON.stringify. */
function viaObjects(test: TestReport, collapse = false): string {
  return JSON.stringify(testToJsonRows(test, { collapse }), null, 2)
    .split('\n')
    .join('\n  ');
}

const awkward: TestReport = report(
  'tést "quoted"\n',
  [
    column('cpu_avg', { labels: ['[Jira: PerfScale]', 'a\\b'] }),
    column('10'), // integer-like: objects put it first
    column('cpu_avg', { labels: [] }), // the same name twice: one key, the last column's labels
    column('version', { isMetadata: true }),
    column('2'),
  ],
  [
    row(0, { values: { cpu_avg: 1.5, '10': null, '2': Number.NaN }, attributes: { version: '4.20', nested: { a: [1, { b: Infinity }], e: [] } } }),
    row(1, { values: { cpu_avg: -0, '10': 1e21, '2': -Infinity }, attributes: { timestamp: 'shadowed', gone: undefined }, version: undefined }),
    row(2, { values: { cpu_avg: 3 }, display: { metrics: 'shadowed', is_changepoint: 'x', uuid: 'y' } }),
    row(3, { values: { cpu_avg: 0.1 + 0.2, '10': 5e-7 }, display: {}, timestampMs: Number.NaN }),
    row(4, { values: { cpu_avg: 2 } }),
  ],
  [2],
);

describe('JSON output written as text', () => {
  it('is JSON.stringify of the row objects, for awkward names, values and keys', () => {
    expect(rowsJson(awkward)).toBe(viaObjects(awkward));
    expect(rowsJson(awkward, { collapse: true })).toBe(viaObjects(awkward, true));
  });

  it('writes tests without rows or without metric columns as JSON.stringify does', () => {
    const empty = report('empty', [column('a')], []);
    const noMetrics = report('meta', [column('v', { isMetadata: true })], [row(0, { attributes: { v: 'x' } })]);
    expect(rowsJson(empty)).toBe('[]');
    expect(rowsJson(noMetrics)).toBe(viaObjects(noMetrics));
  });

  it('makes the whole report one valid JSON object, test name → rows', () => {
    const plain = report('plain', [column('m0', { labels: ['l'] }), column('m1')], [0, 1, 2].map((i) => row(i, { values: { m0: i, m1: i / 3 } })), [1]);
    const full: AnalysisReport = { tests: [plain, awkward], regression: true, noData: false, warnings: [], requests: 0 };
    const expected = toJson({ [plain.name]: testToJsonRows(plain), [awkward.name]: testToJsonRows(awkward) }, 2) + '\n';
    expect(formatJson(full)).toBe(expected);
    expect(formatJson({ ...full, tests: [] })).toBe('{}\n');
  });
});

describe("Orion's -o json", () => {
  it('is each test\'s bare array as JSON.stringify(rows, null, 2) writes it, prs after the version field', () => {
    const withPrs = { ...awkward, rows: awkward.rows.map((r, i) => (i === 1 ? { ...r, prs: ['https://github.com/o/r/pull/1'] } : r)) };
    expect(orionRowsJson(withPrs)).toBe(JSON.stringify(testToJsonRows(withPrs, { prs: true }), null, 2));
    expect(orionRowsJson(withPrs, { collapse: true })).toBe(JSON.stringify(testToJsonRows(withPrs, { prs: true, collapse: true }), null, 2));
    const rows = JSON.parse(orionRowsJson(withPrs)) as Array<Record<string, unknown>>;
    expect(rows[0].prs).toEqual([]);
    expect(rows[1].prs).toEqual(['https://github.com/o/r/pull/1']);
    // The daemon's keyed shape is unchanged: no prs key.
    expect(testToJsonRows(withPrs)[1]).not.toHaveProperty('prs');
    const parts = orionJsonParts();
    expect(parts.head + parts.test(withPrs, 0) + parts.test(withPrs, 1) + parts.tail(2)).toBe(`${orionRowsJson(withPrs)}\n${orionRowsJson(withPrs)}\n`);
  });
});
