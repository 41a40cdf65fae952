/**
 * JUnit XML as Orion writes it (reference/orion.md §1.4): one `<testsuite name="<test> nightly compare">`
 * per test, one `<testcase>` per analysed metric column named `<labels> <metric> regression detection`,
 * with a `<failure>` holding a psql table of the series (index, uuid, timestamp, value, is_changepoint,
 * percentage_change, display fields; ` -- changepoint` after change point rows) when the metric changed.
 */
import type { AnalysisReport, TestReport } from '../analyze/types.js';
import { joinParts, type ReportParts } from './parts.js';
import { changePointIndex, epochSeconds, formatIsoSeconds } from './rows.js';
import { tabulate, type Cell } from './tabulate.js';

export function formatJunit(report: AnalysisReport): string {
  return joinParts(junitParts(), report);
}

/** One `<testsuites>` element, one `<testsuite>` per test. */
export function junitParts(): ReportParts {
  return {
    head: '<?xml version="1.0" ?>\n<testsuites>',
    test: (t) => '\n' + testSuite(t).join('\n'),
    tail: () => '\n</testsuites>\n',
  };
}

function testSuite(test: TestReport): string[] {
  const cps = changePointIndex(test);
  const metrics = test.columns.filter((c) => !c.isMetadata);
  const failed = metrics.filter((c) => test.changePoints.some((cp) => cp.column === c.name));
  const lines = [`\t<testsuite name="${xml(test.name)} nightly compare" failures="${failed.length}" tests="${metrics.length}">`];
  const displayKeys = Object.keys(test.rows[0]?.display ?? {});
  const stamp = test.rows.length ? epochSeconds(test.rows[test.rows.length - 1].timestampMs) : 0;
  // Every failing metric's table shows the same times: each row's is formatted once, not once per metric,
  // and only when a metric fails (a time Date cannot write throws, and a passing suite shows none).
  let times: string[] | undefined;
  for (const column of metrics) {
    const name = [...column.labels, column.name].join(' ') + ' regression detection';
    if (!failed.includes(column)) {
      lines.push(`\t\t<testcase name="${xml(name)}" timestamp="${stamp}"/>`);
      continue;
    }
    times ??= test.rows.map((row) => formatIsoSeconds(row.timestampMs));
    const rowTimes = times;
    const headers = ['', 'uuid', 'timestamp', column.name, 'is_changepoint', 'percentage_change', ...displayKeys];
    const rows: Cell[][] = test.rows.map((row, i) => {
      const cp = cps.get(i)?.get(column.name);
      return [i, row.uuid, rowTimes[i], row.values[column.name] ?? null, cp !== undefined, cp?.percentageChange ?? 0, ...displayKeys.map((k) => displayCell(row.display[k]))];
    });
    const table = tabulate(headers, rows, 'psql')
      .split('\n')
      .map((line, j) => {
        const rowIndex = j - 3;
        return rowIndex >= 0 && rowIndex < test.rows.length && cps.get(rowIndex)?.has(column.name) ? `${line} -- changepoint` : line;
      })
      .join('\n');
    lines.push(`\t\t<testcase name="${xml(name)}" timestamp="${stamp}">`, `\t\t\t<failure>`, xml(table), `\t\t\t</failure>`, `\t\t</testcase>`);
  }
  lines.push('\t</testsuite>');
  return lines;
}

function displayCell(value: unknown): Cell {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') return value;
  return JSON.stringify(value);
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
