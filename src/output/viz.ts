/**
 * `analyze --viz`: one self-contained HTML page per test, as Orion's `orion/visualization.py` draws it
 * (reference orion.md §1.4): one chart per metric (regressions first, then other change points, then
 * stable metrics), runs evenly spaced on the x axis labelled with the day and the short nightly name, the
 * series' mean as a dotted line, each change point a diamond (red when it is a regression for the metric's
 * direction, green otherwise) with a dashed vertical line and its percentage, acknowledged runs as green
 * diamonds with the reason, version changes as dotted orange lines; a click on a point opens the run's
 * build, a right-click copies its uuid.
 *
 * Orion loads Plotly from a CDN; this page inlines uPlot (the dashboard's chart library, read from
 * node_modules) so it opens offline and loads nothing.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ColumnInfo, ReportChangePoint, TestReport } from '../analyze/types.js';
import { VIZ_SCRIPT, VIZ_STYLE } from './viz-page.js';

export interface VizAssets {
  /** uPlot's IIFE build (defines the global `uPlot`). */
  script: string;
  css: string;
}

/** uPlot's browser build and stylesheet, read once from the installed package. */
export async function loadVizAssets(): Promise<VizAssets> {
  const require = createRequire(import.meta.url);
  const [script, css] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  ]);
  return { script, css };
}

/** What the page draws, embedded as JSON. */
export interface VizData {
  test: string;
  versionField: string;
  runs: { uuid: string; timeMs: number; version: string | null; buildUrl: string | null }[];
  /** Rows whose version differs from the previous row's. */
  versionChanges: number[];
  metrics: VizMetric[];
}

export interface VizMetric {
  name: string;
  labels: string[];
  direction: number;
  values: (number | null)[];
  mean: number | null;
  changePoints: { index: number; percent: number; meanBefore: number; meanAfter: number; regression: boolean }[];
  acks: { index: number; reason: string }[];
}

/** Orion's `_classify_changepoint`: a regression when the change goes against the direction, or direction is 0. */
export function isRegression(percent: number, direction: number): boolean {
  return percent * direction > 0 || direction === 0;
}

function changePercent(cp: ReportChangePoint): number {
  return cp.meanBefore === 0 ? 0 : ((cp.meanAfter - cp.meanBefore) / cp.meanBefore) * 100;
}

function metricOf(test: TestReport, column: ColumnInfo, rowIndex: Map<string, number>): VizMetric {
  const values = test.rows.map((r) => {
    const v = r.values[column.name];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  });
  const present = values.filter((v): v is number => v !== null);
  const changePoints = test.changePoints
    .filter((cp) => cp.column === column.name)
    .map((cp) => {
      const percent = changePercent(cp);
      return { index: cp.index, percent, meanBefore: cp.meanBefore, meanAfter: cp.meanAfter, regression: isRegression(percent, column.direction) };
    });
  const acks = (test.acks ?? [])
    .filter((a) => a.metric === undefined || a.metric === column.name)
    .flatMap((a) => {
      const index = rowIndex.get(a.uuid);
      return index === undefined ? [] : [{ index, reason: a.reason ?? '' }];
    });
  return {
    name: column.name,
    labels: column.labels,
    direction: column.direction,
    values,
    mean: present.length ? present.reduce((s, v) => s + v, 0) / present.length : null,
    changePoints,
    acks,
  };
}

/** Orion's order: metrics with a regression, then with other change points, then stable; by name within. */
function rank(metric: VizMetric): number {
  if (metric.changePoints.length === 0) return 2;
  return metric.changePoints.some((cp) => cp.regression) ? 0 : 1;
}

export function vizData(test: TestReport): VizData {
  const rowIndex = new Map<string, number>();
  test.rows.forEach((r, i) => {
    if (!rowIndex.has(r.uuid)) rowIndex.set(r.uuid, i);
  });
  const metrics = test.columns
    .filter((c) => !c.isMetadata)
    .map((c) => metricOf(test, c, rowIndex))
    .sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const versionChanges: number[] = [];
  for (let i = 1; i < test.rows.length; i++) if ((test.rows[i].version ?? null) !== (test.rows[i - 1].version ?? null)) versionChanges.push(i);
  return {
    test: test.name,
    versionField: test.versionField,
    runs: test.rows.map((r) => ({ uuid: r.uuid, timeMs: r.timestampMs, version: r.version ?? null, buildUrl: r.buildUrl ?? null })),
    versionChanges,
    metrics,
  };
}

/** JSON safe inside a `<script>` element: no `</script>`, no `<!--`, no line separators. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The inlined library must not end its own `<script>` element early. */
function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1');
}

/** The whole page of one test. */
export function formatTestViz(test: TestReport, assets: VizAssets): string {
  const data = vizData(test);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Orion: ${escapeHtml(test.name)}</title>
<style>${assets.css.replace(/<\/(style)/gi, '<\\/$1')}</style>
<style>${VIZ_STYLE}</style>
</head>
<body>
<header id="title"></header>
<main id="charts"></main>
<div id="tip" hidden></div>
<script id="viz-data" type="application/json">${scriptJson(data)}</script>
<script>${inlineScript(assets.script)}</script>
<script>${VIZ_SCRIPT}</script>
</body>
</html>
`;
}
