/**
 * The data of a test as CSV (Orion's `--save-data-path` file, and `-o csv`): one row per run with its
 * index, uuid, ISO time, version, `type: metadata` columns, metric values (empty = no value) and display
 * fields, RFC 4180 quoting.
 */
import type { AnalysisReport, TestReport } from '../analyze/types.js';
import { joinParts, type ReportParts } from './parts.js';
import { formatIsoSeconds } from './rows.js';

export function formatTestCsv(test: TestReport): string {
  const attributes = test.columns.filter((c) => c.isMetadata).map((c) => c.name);
  const metrics = test.columns.filter((c) => !c.isMetadata).map((c) => c.name);
  const displayKeys = Object.keys(test.rows[0]?.display ?? {});
  const header = ['', 'uuid', 'timestamp', test.versionField, ...attributes, ...metrics, ...displayKeys];
  const lines = [header.map(quote).join(',')];
  test.rows.forEach((row, i) => {
    const cells: unknown[] = [i, row.uuid, formatIsoSeconds(row.timestampMs), row.version ?? '', ...attributes.map((a) => row.attributes[a]), ...metrics.map((m) => row.values[m]), ...displayKeys.map((k) => row.display[k])];
    lines.push(cells.map((c) => quote(c === null || c === undefined ? '' : typeof c === 'object' ? JSON.stringify(c) : String(c))).join(','));
  });
  return lines.join('\n') + '\n';
}

/** Every test's CSV, each after a `# <test>` line (stdout form of `-o csv`). */
export function formatCsv(report: AnalysisReport): string {
  return joinParts(csvParts(report.tests.length), report);
}

/** The tests' CSVs a blank line apart, each named by a `# <test>` line when there are several. */
export function csvParts(testCount: number): ReportParts {
  return { head: '', test: (t, i) => (i ? '\n' : '') + (testCount > 1 ? `# ${t.name}\n` : '') + formatTestCsv(t), tail: () => '' };
}

function quote(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
