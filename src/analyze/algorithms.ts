/**
 * The three ways Orion finds change points in a test's table (reference/orion.md §3.2, §3.5, §3.6), each
 * returning raw change points per analysed column before any filtering.
 */
import { fullAnalysis, type SeriesDetector } from './incremental.js';
import { isolationForestOutliers } from './isolation-forest.js';
import type { ChangeExplanation, ColumnInfo, ReportRow } from './types.js';

export interface RawChangePoint {
  column: string;
  index: number;
  meanBefore: number;
  meanAfter: number;
  pvalue: number;
  forwardChangePercent: number;
  /** the detector's side of it; the pipeline adds the filters passed */
  explanation: ChangeExplanation;
}

/** Otava's merge rule at Orion's defaults, which `--hunter-analyze` applies to a series without gaps. */
const OTAVA_RULE = 'otava: pooled t-test against the neighbouring segments p < 0.001, magnitude > 0';

/**
 * E-divisive with Orion's defaults (window 50, p 0.001, magnitude 0). A series without gaps runs in
 * Otava-exact mode; one with gaps in perfhound mode, which leaves the missing runs out (Otava would let
 * one NaN silence every window containing it) — the caller warns, naming them.
 */
export function hunterChangePoints(rows: readonly ReportRow[], columns: readonly ColumnInfo[], test = '', detect: SeriesDetector = fullAnalysis): RawChangePoint[] {
  const out: RawChangePoint[] = [];
  const uuids = rows.map((r) => r.uuid);
  for (const column of columns) {
    if (column.isMetadata) continue;
    const values = rows.map((r) => finiteOrNull(r.values[column.name]));
    const mode = values.includes(null) ? 'perfhound' : 'otava';
    for (const cp of detect({ test, column: column.name, mode }, uuids, values).changePoints) {
      out.push({
        column: column.name,
        index: cp.index,
        meanBefore: cp.meanBefore,
        meanAfter: cp.meanAfter,
        pvalue: cp.pvalue,
        forwardChangePercent: cp.forwardChangePercent,
        explanation: {
          rule: cp.explanation?.rule ?? OTAVA_RULE,
          meanBefore: cp.meanBefore,
          meanAfter: cp.meanAfter,
          stddevBefore: cp.stddevBefore,
          stddevAfter: cp.stddevAfter,
          pvalue: cp.pvalue,
          relativeMagnitude: cp.forwardChangePercent / 100,
          ...(cp.explanation ? { robust: cp.explanation } : {}),
        },
      });
    }
  }
  return out;
}

/** `--cmr`: the history collapsed into one averaged row, then one change point per column at the latest run. */
export function collapseForCmr(rows: readonly ReportRow[], columns: readonly ColumnInfo[]): ReportRow[] {
  if (rows.length <= 1) return [...rows];
  const history = rows.slice(0, -1);
  const joined = (values: unknown[]) => values.map((v) => (v === undefined || v === null ? '' : String(v))).join(',');
  const averaged: ReportRow = {
    uuid: joined(history.map((r) => r.uuid)),
    timestampMs: mean(history.map((r) => r.timestampMs)) ?? 0,
    version: joined(history.map((r) => r.version)),
    buildUrl: joined(history.map((r) => r.buildUrl)),
    display: Object.fromEntries(Object.keys(history[0].display).map((k) => [k, joined(history.map((r) => r.display[k]))])),
    values: Object.fromEntries(columns.filter((c) => !c.isMetadata).map((c) => [c.name, mean(history.map((r) => r.values[c.name]))])),
    attributes: Object.fromEntries(Object.keys(history[0].attributes).map((k) => [k, joined(history.map((r) => r.attributes[k]))])),
  };
  return [averaged, rows[rows.length - 1]];
}

export function cmrChangePoints(rows: readonly ReportRow[], columns: readonly ColumnInfo[]): RawChangePoint[] {
  if (rows.length < 2) return [];
  const out: RawChangePoint[] = [];
  for (const column of columns) {
    if (column.isMetadata) continue;
    const before = finiteOrNull(rows[0].values[column.name]);
    const after = finiteOrNull(rows[1].values[column.name]);
    if (before === null || after === null) continue;
    const forwardChangePercent = forward(before, after);
    const explanation = singleValueExplanation('cmr: the latest run against the mean of the previous runs', before, after, forwardChangePercent);
    out.push({ column: column.name, index: 1, meanBefore: before, meanAfter: after, pvalue: 1, forwardChangePercent, explanation });
  }
  return out;
}

/**
 * `--anomaly-detection`: rows missing any metric are dropped (the caller reports them); an isolation
 * forest (random_state 42) picks outlier rows; at those, a metric changes when it deviates from its
 * rolling mean (window includes the point) by more than `minPercent`.
 */
export function anomalyChangePoints(
  rows: readonly ReportRow[],
  columns: readonly ColumnInfo[],
  options: { window: number; minPercent: number },
): RawChangePoint[] {
  const analysed = columns.filter((c) => !c.isMetadata);
  if (rows.length === 0 || analysed.length === 0) return [];
  const matrix = rows.map((r) => analysed.map((c) => r.values[c.name] as number));
  const outliers = isolationForestOutliers(matrix, { randomState: 42 });
  const out: RawChangePoint[] = [];
  for (const [j, column] of analysed.entries()) {
    const series = matrix.map((row) => row[j]);
    for (let i = 0; i < rows.length; i++) {
      if (!outliers[i] || i < options.window - 1) continue;
      const rollingMean = series.slice(i - options.window + 1, i + 1).reduce((a, b) => a + b, 0) / options.window;
      const pct = ((series[i] - rollingMean) / rollingMean) * 100;
      if (!(Math.abs(pct) > options.minPercent)) continue;
      const rule = `anomaly: an isolation forest outlier, ${Math.abs(pct)} % from the rolling mean of ${options.window} runs (> ${options.minPercent} %)`;
      out.push({ column: column.name, index: i, meanBefore: rollingMean, meanAfter: series[i], pvalue: 1, forwardChangePercent: pct, explanation: singleValueExplanation(rule, rollingMean, series[i], pct) });
    }
  }
  return out;
}

/** CMR, anomalies and run thresholds compare one value with a mean: no spreads, no p-value. */
export function singleValueExplanation(rule: string, before: number, after: number, changePercent: number): ChangeExplanation {
  return { rule, meanBefore: before, meanAfter: after, stddevBefore: null, stddevAfter: null, pvalue: null, relativeMagnitude: changePercent / 100 };
}

function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function mean(values: readonly (number | null | undefined)[]): number | null {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : null;
}

function forward(before: number, after: number): number {
  return before === 0 ? 0 : (after / before - 1) * 100;
}
