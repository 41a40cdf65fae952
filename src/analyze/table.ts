/**
 * From runs to the test's table (reference/orion.md §3.1): `group_by` templates expanded, every series
 * fetched in one call to the source, one row per run that has any value, ordered by time. A run's time is
 * the first metric timestamp seen for it (aggregated metrics first, as Orion's frame order), else its
 * metadata timestamp.
 */
import { expandGroupBy, groupByQuery, type AnalysisMetric, type AnalysisTest } from '../config/index.js';
import { getNested } from '../sources/opensearch/fields.js';
import type { MetricRow, RunInfo, Source } from '../sources/types.js';
import type { ColumnInfo, ReportRow } from './types.js';

export interface TestTable {
  columns: ColumnInfo[];
  rows: ReportRow[];
}

export async function buildTable(
  test: AnalysisTest,
  runs: readonly RunInfo[],
  source: Source,
  options: { benchmarkIndex?: string; display: string[] },
  warn: (m: string) => void,
): Promise<TestTable> {
  const uuids = runs.map((r) => r.uuid);
  const metrics = await expandMetrics(test, uuids, source, options.benchmarkIndex, warn);
  const series = metrics.flatMap((m) => m.series.map((s) => ({ metric: m, series: s })));
  const columns: ColumnInfo[] = series.map(({ metric, series: s }) => ({
    name: s.column,
    labels: metric.labels,
    direction: metric.direction,
    threshold: metric.threshold,
    ...(metric.runThreshold ? { runThreshold: metric.runThreshold } : {}),
    isMetadata: metric.isMetadata,
  }));
  if (uuids.length === 0 || series.length === 0) return { columns, rows: [] };

  const fetched = await source.fetchMetrics({
    index: options.benchmarkIndex,
    uuidField: test.uuidField,
    timestampField: test.timestampField,
    uuids,
    metrics: series.map((s) => s.series.selector),
  });

  // One lookup per metric value (there are runs × metrics of them): the run and its row, once made.
  const slots = new Map<string, { run: RunInfo; row: ReportRow | undefined }>(runs.map((r) => [r.uuid, { run: r, row: undefined }]));
  const rows: ReportRow[] = [];
  // Orion's frame order: aggregated metrics first, then standard ones; the first time seen wins.
  const ordered = [...series].sort((a, b) => Number(!a.series.selector.agg) - Number(!b.series.selector.agg));
  for (const { metric, series: s } of ordered) {
    for (const metricRow of fetched.get(s.column) ?? []) {
      const slot = slots.get(metricRow.uuid);
      if (!slot) continue;
      let row = slot.row;
      if (!row) rows.push((row = slot.row = newRow(slot.run, options.display)));
      if (Number.isNaN(row.timestampMs) && Number.isFinite(metricRow.timestampMs)) row.timestampMs = metricRow.timestampMs;
      if (metric.isMetadata) row.attributes[s.column] = metadataValue(metricRow);
      else row.values[s.column] = metricRow.value;
    }
  }
  const withValues = rows.filter((r) => hasAnyValue(r) || Object.keys(r.attributes).length > 0);
  const kept = new Set(withValues.map((r) => r.uuid));
  const missing = runs.filter((r) => !kept.has(r.uuid));
  if (missing.length) {
    warn(`test ${test.name}: ${missing.length} run(s) have no value for any metric and are left out: ${missing.map((r) => r.uuid).join(', ')}`);
  }
  for (const row of withValues) {
    if (Number.isNaN(row.timestampMs)) row.timestampMs = slots.get(row.uuid)?.run.timestampMs ?? 0;
    for (const c of columns) if (!c.isMetadata && !(c.name in row.values)) row.values[c.name] = null;
  }
  withValues.sort((a, b) => a.timestampMs - b.timestampMs || a.uuid.localeCompare(b.uuid));
  return { columns, rows: withValues };
}

/** Whether any metric value of the row is not null (without an array of its values per row). */
function hasAnyValue(row: ReportRow): boolean {
  for (const column in row.values) if (row.values[column] !== null) return true;
  return false;
}

function newRow(run: RunInfo, display: string[]): ReportRow {
  const shown: Record<string, unknown> = {};
  for (const field of display) {
    const value = field === 'buildUrl' ? (run.buildUrl ?? getNested(run.metadata, field)) : getNested(run.metadata, field);
    shown[field] = value === undefined || value === null ? 'N/A' : value;
  }
  return {
    uuid: run.uuid,
    timestampMs: Number.NaN,
    ...(run.version !== undefined ? { version: run.version } : {}),
    ...(run.buildUrl !== undefined ? { buildUrl: run.buildUrl } : {}),
    display: shown,
    values: {},
    attributes: {},
  };
}

function metadataValue(row: MetricRow): unknown {
  return row.raw !== undefined ? row.raw : row.value;
}

/** `group_by` templates → one metric per distinct value (none: skipped with a warning). */
async function expandMetrics(test: AnalysisTest, uuids: string[], source: Source, index: string | undefined, warn: (m: string) => void): Promise<AnalysisMetric[]> {
  const out: AnalysisMetric[] = [];
  for (const metric of test.metrics) {
    if (!metric.groupBy) {
      out.push(metric);
      continue;
    }
    const values = uuids.length ? await source.distinctValues(groupByQuery(test, metric, uuids, index)) : [];
    if (values.length === 0) warn(`test ${test.name}: group_by ${metric.groupBy} of metric ${metric.name} found no values; skipped`);
    out.push(...expandGroupBy(test, metric, values));
  }
  return out;
}
