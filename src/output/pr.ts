/**
 * PR mode outputs (reference orion.md §1.4, §1.8), per test:
 *
 * - text: the periodic section (as any test), `<test> | Average of above Periodic runs`, one section per
 *   pull request (`<test> | Pull Request #N`), then the comparison table
 *   `Metric | Baseline AVG | Pre-CP#1 | CP#1 | … | PR#N` — Baseline AVG is the mean of the periodic runs
 *   before the first change point (all of them without one), Pre-CP#k the value before the k-th change
 *   point, CP#k the value at it for the metrics that changed there, PR#N the PR's newest value;
 * - JSON: `{"periodic": [rows], "periodic_avg": {metric: mean}, "pulls": [{"pr": N, "data": [rows]}]}`;
 * - JUnit: the periodic `<testsuite>`, `<periodic_avg>` (one `<testcase … value="mean"/>` per metric) and
 *   one `<pull pr="N">` suite per PR.
 */
import type { PrTestReport } from '../analyze/pr-analysis.js';
import type { TestReport } from '../analyze/types.js';
import { orionRowsJson } from './json.js';
import { junitParts } from './junit.js';
import { formatTestText, type TextOptions } from './text.js';
import { tabulate, type Cell } from './tabulate.js';

/** Mean of each analysed metric over the rows (values missing in a run are left out, as pandas does). */
export function periodicAverages(test: TestReport, rows = test.rows): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const column of test.columns.filter((c) => !c.isMetadata)) {
    const values = rows.map((r) => r.values[column.name]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    out[column.name] = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  }
  return out;
}

export function formatPrText(entry: PrTestReport, options: TextOptions): string {
  const { periodic } = entry;
  const parts = [formatTestText(periodic, options).trimEnd()];
  const title = `${periodic.name} | Average of above Periodic runs`;
  const averages = periodicAverages(periodic);
  parts.push(`${title}\n${'='.repeat(title.length)}\n${tabulate(Object.keys(averages), [Object.values(averages)], 'outline')}`);
  for (const { pr, report } of entry.pulls) {
    const pullTitle = `${periodic.name} | Pull Request #${pr}`;
    const body = report.rows.length ? formatTestText({ ...report, name: pullTitle }, { ...options, collapse: false }).trimEnd() : `${pullTitle}\n${'='.repeat(pullTitle.length)}\n\nNo data`;
    parts.push(body);
  }
  parts.push(comparisonTable(entry));
  return parts.join('\n\n') + '\n';
}

/** The Baseline / Pre-CP / CP / PR table. */
export function comparisonTable(entry: PrTestReport): string {
  const { periodic } = entry;
  const indexes = [...new Set(periodic.changePoints.map((cp) => cp.index))].sort((a, b) => a - b);
  const baseline = periodicAverages(periodic, indexes.length ? periodic.rows.slice(0, indexes[0]) : periodic.rows);
  const headers = ['Metric', 'Baseline AVG', ...indexes.flatMap((_, k) => [`Pre-CP#${k + 1}`, `CP#${k + 1}`]), ...entry.pulls.map((p) => `PR#${p.pr}`)];
  const rows: Cell[][] = periodic.columns
    .filter((c) => !c.isMetadata)
    .map((column) => [
      column.name,
      cell(baseline[column.name]),
      ...indexes.flatMap((index) => {
        const changed = periodic.changePoints.some((cp) => cp.index === index && cp.column === column.name);
        return [cell(periodic.rows[index - 1]?.values[column.name]), changed ? cell(periodic.rows[index].values[column.name]) : null];
      }),
      ...entry.pulls.map(({ report }) => cell(report.rows[report.rows.length - 1]?.values[column.name])),
    ]);
  return tabulate(headers, rows, 'outline');
}

/** A number (right-aligned by tabulate), or null for an empty cell. */
function cell(value: number | null | undefined): Cell {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function formatPrJson(entry: PrTestReport): string {
  const rows = (t: TestReport) => JSON.parse(orionRowsJson(t)) as unknown;
  return JSON.stringify(
    {
      periodic: rows(entry.periodic),
      periodic_avg: periodicAverages(entry.periodic),
      pulls: entry.pulls.map(({ pr, report }) => ({ pr, data: rows(report) })),
    },
    null,
    2,
  );
}

export function formatPrJunit(entry: PrTestReport): string {
  const suite = (t: TestReport) => junitParts().test(t, 0);
  const averages = periodicAverages(entry.periodic);
  const metrics = entry.periodic.columns.filter((c) => !c.isMetadata);
  const avg = [
    `\n\t<periodic_avg name="${xml(entry.periodic.name)}_average nightly compare" failures="0" tests="${metrics.length}">`,
    ...metrics.map((c) => `\t\t<testcase name="${xml([...c.labels, c.name].join(' '))} average" value="${averages[c.name] ?? 'nan'}"/>`),
    '\t</periodic_avg>',
  ].join('\n');
  const pulls = entry.pulls.map(({ pr, report }) => suite(report).replace('<testsuite ', `<pull pr="${pr}" `).replace(/<\/testsuite>$/, '</pull>'));
  return `<?xml version="1.0" ?>\n<testsuites>${suite(entry.periodic)}${avg}${pulls.join('')}\n</testsuites>\n`;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
