/**
 * Text output as Orion prints it (reference/orion.md §1.4): per test a title, `=` underline, the annotated
 * table(s) — time, uuid, version and `type: metadata` columns, metric columns in groups of
 * `--column-group-size`, then the `--display` columns — with a three-line band (`····`, `+404.5%`, `····`)
 * under each changed metric before its change point row; then the regression summary. `--collapse`
 * prints only the summary.
 */
import type { AnalysisReport, ColumnInfo, RegressionGroup, TestReport } from '../analyze/types.js';
import type { GitHubContext } from '../integrations/github.js';
import { joinParts, type ReportParts } from './parts.js';
import { changePointIndex, formatTime } from './rows.js';
import { formatG, tabulate } from './tabulate.js';

export interface TextOptions {
  collapse?: boolean;
  /** Metric columns per table (default 5). */
  columnGroupSize?: number;
}

export function formatText(report: AnalysisReport, options: TextOptions = {}): string {
  return joinParts(textParts(options), report);
}

/** Tests one after another, a blank line between them. */
export function textParts(options: TextOptions = {}): ReportParts {
  return { head: '', test: (t, i) => (i ? '\n' : '') + formatTestText(t, options), tail: () => '' };
}

export function formatTestText(test: TestReport, options: TextOptions = {}): string {
  const parts: string[] = [];
  if (!options.collapse) {
    parts.push(`${test.name}\n${'='.repeat(test.name.length)}`);
    if (test.rows.length === 0) parts.push('No data');
    else parts.push(...formatTables(test, options.columnGroupSize ?? 5));
  }
  parts.push(formatSummary(test));
  return parts.join('\n\n') + '\n';
}

/** The annotated tables of a test, one per group of metric columns. */
export function formatTables(test: TestReport, groupSize: number): string[] {
  const metrics = test.columns.filter((c) => !c.isMetadata);
  const attributes = test.columns.filter((c) => c.isMetadata);
  const groups: ColumnInfo[][] = [];
  for (let i = 0; i < metrics.length; i += Math.max(1, groupSize)) groups.push(metrics.slice(i, i + Math.max(1, groupSize)));
  if (groups.length === 0) groups.push([]);
  return groups.map((group) => formatTable(test, attributes, group));
}

function formatTable(test: TestReport, attributes: ColumnInfo[], metrics: ColumnInfo[]): string {
  const displayKeys = Object.keys(test.rows[0]?.display ?? {});
  const headers = ['time', 'uuid', test.versionField, ...attributes.map((c) => c.name), ...metrics.map((c) => c.name), ...displayKeys];
  const firstMetric = 3 + attributes.length;
  const rows = test.rows.map((row) => [
    formatTime(row.timestampMs),
    row.uuid,
    row.version ?? '',
    ...attributes.map((c) => stringOf(row.attributes[c.name])),
    ...metrics.map((c) => (row.values[c.name] === null || row.values[c.name] === undefined ? '' : formatG(row.values[c.name] as number))),
    ...displayKeys.map((k) => stringOf(row.display[k])),
  ]);
  const right = headers.map((_, i) => i >= firstMetric && i < firstMetric + metrics.length);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const render = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const lines = [render(headers), render(widths.map((w) => '-'.repeat(w)))];
  const cps = changePointIndex(test);
  test.rows.forEach((_, r) => {
    const here = cps.get(r);
    const changed = metrics.map((c, j) => ({ cp: here?.get(c.name), col: firstMetric + j })).filter((x) => x.cp);
    if (changed.length) {
      const dots = headers.map(() => '');
      const pct = headers.map(() => '');
      for (const { cp, col } of changed) {
        dots[col] = '·'.repeat(widths[col]);
        pct[col] = formatPercent(cp?.forwardChangePercent ?? 0);
      }
      const band = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
      lines.push(band(dots), band(pct), band(dots));
    }
    lines.push(render(rows[r]));
  });
  return lines.join('\n');
}

/** Otava's band label: `+404.5%`. */
export function formatPercent(percent: number): string {
  return `${percent >= 0 ? '+' : '-'}${Math.abs(percent).toFixed(1)}%`;
}

/** Orion's `print_regression_summary`. */
export function formatSummary(test: TestReport): string {
  if (test.regressions.length === 0) return test.noData ? `No data for test ${test.name}` : 'No regressions found';
  const lines = ['Regression(s) found :', '-'.repeat(50)];
  for (const group of test.regressions) lines.push(...formatRegression(test, group), '');
  return lines.join('\n').trimEnd();
}

function formatRegression(test: TestReport, group: RegressionGroup): string[] {
  const table = tabulate(
    ['Metric', 'Value', 'Percentage change', 'Labels'],
    group.metrics.map((m) => [m.name, m.value, `${m.percentageChange.toFixed(2)}%`, m.labels.join(' ')]),
    'outline',
  );
  return [
    `Test: ${test.name}:`,
    `Changepoint at:      ${group.badVersion ?? group.uuid}`,
    `Previous version:    ${group.previousVersion ?? 'N/A'}`,
    `Run:                 ${group.uuid} (${formatTime(group.timestampMs)})`,
    ...(group.buildUrl ? [`Build:               ${group.buildUrl}`] : []),
    '',
    'Affected Metrics',
    table,
    ...prLines(group),
    ...githubLines(group.githubContext),
  ];
}

/**
 * Orion's PR section: the pull requests of repositories named by the metrics' `[Jira: A / b]` labels
 * first ("Related PRs (n):"), the others after ("Other PRs in payload (n):"); "N/A" without any.
 */
function prLines(group: RegressionGroup): string[] {
  const prs = group.prs ?? [];
  if (prs.length === 0) return ['', 'Related PRs:', 'N/A'];
  const components = new Set<string>();
  for (const m of group.metrics) {
    for (const part of m.labels.join(' ').replace(/[[\]]/g, '').split('/')) {
      const c = part.trim().toLowerCase();
      if (c && c !== 'jira:') components.add(c);
    }
  }
  const repoOf = (url: string) => {
    const parts = url.replace(/\/+$/, '').split('/');
    return parts.length >= 4 ? parts[parts.length - 3].toLowerCase() : '';
  };
  const related = prs.filter((url) => [...components].some((c) => repoOf(url).includes(c)));
  const other = prs.filter((url) => !related.includes(url));
  const lines: string[] = [];
  if (related.length) lines.push('', `Related PRs (${related.length}):`, ...related.map((u) => `  * ${u}`));
  if (other.length) lines.push('', `Other PRs in payload (${other.length}):`, ...other.map((u) => `  - ${u}`));
  return lines;
}

/** `--github-repos`: per repository with any, its commits and releases between the two runs. */
function githubLines(context: GitHubContext | undefined): string[] {
  if (!context) return [];
  const repos = Object.entries(context.repositories);
  if (repos.length === 0) return ['No GitHub context found'];
  const headers = ['Date', 'Message', 'Author email', 'URL'];
  const lines: string[] = [];
  for (const [name, data] of repos) {
    if (data.commits.count === 0 && data.releases.count === 0) continue;
    lines.push('', `Repository: ${name}`);
    const commits = data.commits.items.map((c) => [text(c.commit_timestamp), text(c.message).split('\n')[0], text(c.commit_author.email), text(c.html_url)]);
    if (commits.length) lines.push('Commits:', tabulate(headers, commits, 'outline'));
    const releases = data.releases.items.map((r) => [text(r.published_at), text(r.name).split('\n')[0], '', text(r.html_url)]);
    if (releases.length) lines.push('Releases:', tabulate(headers, releases, 'outline'));
  }
  return lines;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function stringOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return formatG(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
