/**
 * The JSON writer against the object path it replaced (`JSON.stringify(testToJsonRows(…), null, 2)`), on
 * seeded random reports built from awkward parts: every kind of value a metric, attribute or display field
 * may hold once it has crossed a source (the types say numbers, the data need not), names that need
 * escaping or that objects treat specially, rows whose metric keys differ, change points anywhere.
 */
import { describe, expect, it } from 'vitest';
import type { AnalysisReport, ColumnInfo, ReportRow, TestReport } from '../../src/analyze/types.js';
import { formatJson, rowsJson, testToJsonRows } from '../../src/output/json.js';
import { seededRandom as random } from '../../src/util/random.js';

const NAMES = ['m', 'cpu "avg"', 'a\\b', '\u2028', '\ud800', '__proto__', 'constructor', 'toString', '1', '01', '0', '4294967295', '-1', '1.5', 'metrics', 'uuid', 'timestamp', 'is_changepoint', 'ocpVersion', 'value', '', 'é', '\n\t'];
const SCALARS: unknown[] = [0, -0, 1.5, 1e21, 5e-324, 0.1 + 0.2, 123456789.12345679, -1e-7, Number.NaN, Infinity, -Infinity, 2n ** 70n, 7n, 'text', '', '"\\\u2028', true, false, null, undefined];

const NUMBERS = SCALARS.filter((v): v is number => typeof v === 'number');

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

function value(rnd: () => number, depth = 0): unknown {
  const r = rnd();
  if (depth > 2 || r < 0.6) return pick(rnd, SCALARS);
  if (r < 0.7) return new Date(1_700_000_000_000 + Math.floor(rnd() * 1e6));
  if (r < 0.85) return Array.from({ length: Math.floor(rnd() * 3) }, () => value(rnd, depth + 1));
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(rnd() * 3); i > 0; i--) Object.defineProperty(out, pick(rnd, NAMES), { value: value(rnd, depth + 1), enumerable: true, configurable: true, writable: true });
  return out;
}

function fields(rnd: () => number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = Math.floor(rnd() * 4); i > 0; i--) Object.defineProperty(out, pick(rnd, NAMES), { value: value(rnd), enumerable: true, configurable: true, writable: true });
  return out;
}

function randomTest(seed: number): TestReport {
  const rnd = random(seed);
  const columns: ColumnInfo[] = Array.from({ length: Math.floor(rnd() * 6) }, () => ({
    name: pick(rnd, NAMES),
    labels: rnd() < 0.3 ? [pick(rnd, NAMES), pick(rnd, NAMES)] : [],
    direction: 1,
    threshold: 0,
    isMetadata: rnd() < 0.2,
  }));
  const rows: ReportRow[] = Array.from({ length: Math.floor(rnd() * 6) }, (_, i) => {
    const values: Record<string, unknown> = {};
    for (const c of columns) if (rnd() < 0.8) Object.defineProperty(values, rnd() < 0.9 ? c.name : pick(rnd, NAMES), { value: value(rnd), enumerable: true, configurable: true, writable: true });
    return {
      uuid: rnd() < 0.9 ? `u-${i}` : pick(rnd, NAMES),
      timestampMs: rnd() < 0.9 ? 1_700_000_000_123 + i * 3_600_000 : pick(rnd, NUMBERS),
      ...(rnd() < 0.8 ? { version: rnd() < 0.8 ? `4.${i}` : pick(rnd, NAMES) } : {}),
      display: fields(rnd),
      values: values as Record<string, number | null>,
      attributes: fields(rnd),
    };
  });
  const metricColumns = columns.filter((c) => !c.isMetadata);
  const changePoints = rows.length && metricColumns.length
    ? Array.from({ length: Math.floor(rnd() * 4) }, () => {
        const index = Math.floor(rnd() * rows.length);
        const change = pick(rnd, [100, -0, 1e21, Number.NaN, Infinity, -12.5, 5e-324]);
        return { column: pick(rnd, metricColumns).name, index, uuid: rows[index].uuid, meanBefore: 1, meanAfter: 2, pvalue: 0, percentageChange: change, forwardChangePercent: change };
      })
    : [];
  return {
    name: pick(rnd, NAMES),
    uuidField: 'uuid',
    versionField: pick(rnd, ['ocpVersion', 'ocpVersion', 'metrics', 'uuid', '__proto__', '1', 'timestamp']),
    algorithm: 'hunter',
    columns,
    rows,
    changePoints,
    regressions: [],
    noData: false,
    warnings: [],
  };
}

/** The object path, one level deep as a test's value in the report object. */
function viaObjects(test: TestReport, collapse: boolean): string {
  return JSON.stringify(testToJsonRows(test, { collapse }), null, 2).replaceAll('\n', '\n  ');
}

/** The text written, or the error thrown (a bigint uuid throws on both paths): both must agree. */
function outcome(write: () => string): string {
  try {
    return write();
  } catch (error) {
    return `threw ${String(error)}`;
  }
}

describe('JSON output written as text, against the object path', () => {
  it('is byte-identical on 3 000 random awkward tests, collapsed or not', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const test = randomTest(seed);
      for (const collapse of [false, true]) {
        expect(outcome(() => rowsJson(test, { collapse })), `seed ${seed}, collapse ${collapse}`).toBe(outcome(() => viaObjects(test, collapse)));
      }
    }
  });

  it('writes whole random reports as the object path does', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const tests = [randomTest(seed), randomTest(seed + 10_000)];
      const report: AnalysisReport = { tests, regression: false, noData: false, warnings: [], requests: 0 };
      const expected = outcome(() => `{${tests.map((t) => `\n  ${JSON.stringify(t.name)}: ${viaObjects(t, false)}`).join(',')}\n}\n`);
      const written = outcome(() => formatJson(report));
      expect(written, `seed ${seed}`).toBe(expected);
      // Still one valid JSON document, with the object path's content.
      if (!written.startsWith('threw')) expect(JSON.parse(written)).toEqual(JSON.parse(expected));
    }
  });
});

describe('JSON output: metric names Object.prototype has', () => {
  it('writes a row without its own value of `constructor` or `toString` as the object path does', () => {
    const columns: ColumnInfo[] = ['constructor', 'toString', 'm'].map((name) => ({ name, labels: [], direction: 1, threshold: 0, isMetadata: false }));
    // A row that has no value of these metrics inherits Object.prototype's functions under their names.
    const rows: ReportRow[] = [0, 1].map((i) => ({ uuid: `u-${i}`, timestampMs: 1_700_000_000_000 + i, version: '4.20', display: {}, values: (i ? { m: 1, constructor: 2 } : { m: 1 }) as Record<string, number | null>, attributes: {} }));
    const test: TestReport = { name: 't', uuidField: 'uuid', versionField: 'ocpVersion', algorithm: 'hunter', columns, rows, changePoints: [], regressions: [], noData: false, warnings: [] };
    expect(rowsJson(test)).toBe(viaObjects(test, false));
  });
});
