import { describe, expect, it } from 'vitest';
import type { ColumnInfo, ReportRow, TestReport } from '../../src/analyze/types.js';
import { formatJunit } from '../../src/output/junit.js';

function column(name: string): ColumnInfo {
  return { name, labels: [], direction: 1, threshold: 0, isMetadata: false };
}

function row(i: number, timestampMs: number): ReportRow {
  return { uuid: `u-${i}`, timestampMs, version: '4.20', display: {}, values: { m: i }, attributes: {} };
}

function report(rows: ReportRow[], changeAt?: number): TestReport {
  return {
    name: 't',
    uuidField: 'uuid',
    versionField: 'ocpVersion',
    algorithm: 'hunter',
    columns: [column('m')],
    rows,
    changePoints: changeAt === undefined ? [] : [{ column: 'm', index: changeAt, uuid: rows[changeAt].uuid, meanBefore: 1, meanAfter: 2, pvalue: 0, percentageChange: 100, forwardChangePercent: 100 }],
    regressions: [],
    noData: false,
    warnings: [],
  };
}

describe('JUnit output', () => {
  // Only a failing metric's table shows the rows' times: a time Date cannot write (beyond ±8.64e15 ms, or
  // NaN) must not stop a suite whose metrics all pass, as it did not before times were formatted per test.
  it('writes a suite without failures whatever its rows’ times', () => {
    for (const bad of [1e16, Number.NaN, -9e15]) {
      const test = report([row(0, 1_700_000_000_000), row(1, bad)]);
      const stamp = Math.floor(bad / 1000);
      expect(formatJunit({ tests: [test], regression: false, noData: false, warnings: [], requests: 0 }), String(bad)).toBe(
        '<?xml version="1.0" ?>\n<testsuites>\n' +
          '\t<testsuite name="t nightly compare" failures="0" tests="1">\n' +
          `\t\t<testcase name="m regression detection" timestamp="${stamp}"/>\n` +
          '\t</testsuite>\n</testsuites>\n',
      );
    }
  });

  it('shows each row’s time in every failing table', () => {
    const test = report([row(0, 1_700_000_000_000), row(1, 1_700_003_600_000)], 1);
    const text = formatJunit({ tests: [test], regression: true, noData: false, warnings: [], requests: 0 });
    expect(text).toContain('2023-11-14T22:13:20Z');
    expect(text).toContain('2023-11-14T23:13:20Z');
    expect(text).toMatch(/u-1 .*-- changepoint/);
  });
});
