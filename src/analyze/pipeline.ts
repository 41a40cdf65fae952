/**
 * The analysis service: an Orion config + flags → an {@link AnalysisReport}, following Orion's pipeline
 * (reference/orion.md §2.2, §3): per test, run discovery → one series per metric → change points (E-divisive,
 * CMR or isolation forest) → filters (direction, acks from files and the store, threshold, correlation) →
 * early-change-point widening (§3.4) → `percentage_change`. No printing: the CLI and the daemon format
 * the report with `src/output/`.
 *
 * Differences from Orion, on purpose (§7): a run missing a metric is left out of that series with a
 * warning naming it (Orion's NaN silences detection); a test without data is reported and the other
 * tests still run (Orion aborts at the first); acks match on the configured uuid field.
 *
 * @example
 * const config = await loadAnalysisConfig('ci-tests.yaml', { inputVars: { version: '4.20' } });
 * const report = await runAnalysis(config, { lookback: '15d', since: '2026-01-20', nodeCount: true },
 *   { source: new StoreSource(store), store });
 * report.regression; // true → exit 2
 */
import { filterAcks, timeWindow, type AnalysisConfig, type AnalysisTest, type RunThreshold } from '../config/index.js';
import type { Source } from '../sources/types.js';
import { anomalyChangePoints, cmrChangePoints, collapseForCmr, hunterChangePoints, singleValueExplanation, type RawChangePoint } from './algorithms.js';
import { filterDirectionOnly, filterHunter, type AckKey } from './filters.js';
import { recordRegressions, storeAcks } from './record.js';
import { discoverRuns, type DiscoveryOptions } from './runs.js';
import { DEFAULT_RUN_THRESHOLD_WINDOW, judgeRun } from './run-threshold.js';
import { buildTable } from './table.js';
import type { Algorithm, AnalysisDeps, AnalysisOptions, AnalysisReport, ColumnInfo, RegressionGroup, ReportChangePoint, ReportRow, TestAnalyzer, TestReport } from './types.js';

export const DEFAULT_LOOKBACK_SIZE = 10_000;
export const DEFAULT_ANOMALY_WINDOW = 5;
export const DEFAULT_MIN_ANOMALY_PERCENT = 10;
/** Orion `CHANGEPOINT_BUFFER`: change points before this row are re-checked with more history. */
export const CHANGEPOINT_BUFFER = 5;
/** Orion `EXPAND_POINTS`: how many more runs the widened lookback asks for. */
export const EXPAND_POINTS = 5;

export async function runAnalysis(config: AnalysisConfig, options: AnalysisOptions, deps: AnalysisDeps): Promise<AnalysisReport> {
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    deps.warn?.(message);
  };
  for (const w of config.warnings) warn(w.message);
  const tests: TestReport[] = [];
  const analyzeTests = deps.analyzeTests ?? inThisThread(deps);
  for await (const report of analyzeTests(config.tests, options, warn)) {
    if (deps.store && deps.recordRegressions !== false) await recordRegressions(deps.store, report, (options.now ?? new Date()).getTime());
    if (deps.onTest) {
      await deps.onTest(report);
      tests.push({ ...report, rows: [] });
    } else {
      tests.push(report);
    }
  }
  return {
    tests,
    regression: tests.some((t) => t.changePoints.length > 0),
    noData: tests.some((t) => t.noData),
    warnings,
    requests: deps.source.requestCount(),
  };
}

/** Why no run was found: the metadata, or (when runs match it outside the window) the time window. */
async function noRunsMessage(test: AnalysisTest, source: Source, discovery: DiscoveryOptions): Promise<string> {
  if (discovery.after === undefined && discovery.before === undefined) return `test ${test.name}: no runs match its metadata`;
  const outside = await discoverRuns(test, source, { ...discovery, after: undefined, before: undefined, limit: 1, nodeCount: true }, () => undefined);
  if (outside.length === 0) return `test ${test.name}: no runs match its metadata`;
  return `test ${test.name}: runs match its metadata but none is in the time window (--lookback/--since)`;
}

/** The default {@link TestAnalyzer}: each test in turn, in this thread, over `deps.source`. */
function inThisThread(deps: AnalysisDeps): TestAnalyzer {
  return async function* (tests, options, warn) {
    for (const test of tests) yield await analyzeTest(test, options, deps, warn);
  };
}

/** One test, including the §3.4 widening when a change point lands in the first rows. */
export async function analyzeTest(test: AnalysisTest, options: AnalysisOptions, deps: AnalysisDeps, warn: (m: string) => void): Promise<TestReport> {
  const window = timeWindow({ lookback: options.lookback, since: options.since, now: options.now });
  const after = options.after ?? window.after;
  const before = window.before;
  const discovery: DiscoveryOptions = {
    metadataIndex: options.metadataIndex || test.metadataIndex,
    benchmarkIndex: options.benchmarkIndex || test.benchmarkIndex,
    after,
    before,
    limit: options.lookbackSize ?? DEFAULT_LOOKBACK_SIZE,
    uuid: options.uuid || undefined,
    baseline: options.baseline?.filter(Boolean),
    nodeCount: options.nodeCount ?? false,
  };
  const acks = await acksFor(test, options, deps);
  const first = await analyzeOnce(test, options, discovery, deps, acks, warn);
  const algorithm = options.algorithm ?? 'hunter';
  if (algorithm === 'cmr' || !first.changePoints.some((cp) => cp.index < CHANGEPOINT_BUFFER)) return first;

  const widened = await analyzeOnce(
    test,
    options,
    { ...discovery, after: undefined, before: undefined, limit: first.rows.length + EXPAND_POINTS },
    deps,
    acks,
    () => undefined,
  );
  if (widened.rows.length > first.rows.length) {
    warn(`test ${test.name}: a change point within the first ${CHANGEPOINT_BUFFER} runs; re-analysed with ${widened.rows.length} runs`);
    return { ...widened, warnings: [...first.warnings, ...widened.warnings] };
  }
  const early = first.changePoints.filter((cp) => cp.index < CHANGEPOINT_BUFFER);
  warn(`test ${test.name}: ${early.length} change point(s) within the first ${CHANGEPOINT_BUFFER} runs dropped: no older runs to confirm them`);
  const kept = first.changePoints.filter((cp) => cp.index >= CHANGEPOINT_BUFFER);
  return { ...first, changePoints: kept, regressions: groupRegressions(first.rows, kept, first.columns) };
}

async function acksFor(test: AnalysisTest, options: AnalysisOptions, deps: AnalysisDeps): Promise<AckKey[]> {
  if (options.noAck) return [];
  const version = test.metadata[test.versionField];
  const benchmark = test.metadata['benchmark.keyword'];
  const fromFiles = filterAcks(options.acks ?? [], {
    version: typeof version === 'string' ? version : undefined,
    test: typeof benchmark === 'string' ? benchmark : undefined,
  }).map((a) => ({ uuid: a.uuid, metric: a.metric, ...(a.reason !== undefined ? { reason: a.reason } : {}) }));
  const fromStore = deps.store ? await storeAcks(deps.store, test.name) : [];
  return [...fromFiles, ...fromStore];
}

async function analyzeOnce(
  test: AnalysisTest,
  options: AnalysisOptions,
  discovery: DiscoveryOptions,
  deps: Pick<AnalysisDeps, 'source' | 'detectSeries'>,
  acks: AckKey[],
  warn: (m: string) => void,
): Promise<TestReport> {
  const algorithm: Algorithm = options.algorithm ?? 'hunter';
  const warnings: string[] = [];
  const testWarn = (m: string) => {
    warnings.push(m);
    warn(m);
  };
  const base = { name: test.name, uuidField: test.uuidField, versionField: test.versionField, algorithm, warnings };
  const source = deps.source;
  const runs = await discoverRuns(test, source, discovery, testWarn);
  if (runs.length === 0) {
    testWarn(await noRunsMessage(test, source, discovery));
    return { ...base, columns: [], rows: [], changePoints: [], regressions: [], noData: true };
  }
  const table = await buildTable(test, runs, source, { benchmarkIndex: discovery.benchmarkIndex, display: options.display ?? ['buildUrl'] }, testWarn);
  if (table.rows.length === 0) {
    testWarn(`test ${test.name}: none of its ${runs.length} run(s) has metric values`);
    return { ...base, columns: table.columns, rows: [], changePoints: [], regressions: [], noData: true };
  }
  warnMissingValues(test.name, table.rows, table.columns.filter((c) => !c.isMetadata).map((c) => c.name), algorithm, testWarn);

  let rows = table.rows;
  let raw: RawChangePoint[];
  const acknowledged: RawChangePoint[] = [];
  if (algorithm === 'cmr') {
    rows = collapseForCmr(rows, table.columns);
    raw = filterDirectionOnly(cmrChangePoints(rows, table.columns), table.columns);
  } else if (algorithm === 'anomaly') {
    const analysed = table.columns.filter((c) => !c.isMetadata);
    rows = rows.filter((r) => analysed.every((c) => typeof r.values[c.name] === 'number' && Number.isFinite(r.values[c.name])));
    raw = filterDirectionOnly(
      anomalyChangePoints(rows, table.columns, {
        window: options.anomalyWindow ?? DEFAULT_ANOMALY_WINDOW,
        minPercent: options.minAnomalyPercent ?? DEFAULT_MIN_ANOMALY_PERCENT,
      }),
      table.columns,
    );
  } else {
    const correlations = new Map(
      test.metrics.filter((m) => m.correlation).flatMap((m) => m.series.map((s) => [s.column, { column: m.correlation as string, context: m.context }] as const)),
    );
    raw = filterHunter({ changePoints: hunterChangePoints(rows, table.columns, test.name, deps.detectSeries), rows, columns: table.columns, correlations, acks, acknowledged });
  }
  raw.push(...runThresholdCrossings(table.rows, rows, table.columns, options.runThreshold, acks, raw));
  const filters = (cp: RawChangePoint) => filtersPassed(algorithm, table.columns.find((c) => c.name === cp.column), test.metrics.find((m) => m.correlation && m.series.some((s) => s.column === cp.column)));
  const changePoints = raw.map((cp) => toReportChangePoint(cp, rows, filters(cp))).sort((a, b) => a.index - b.index || a.column.localeCompare(b.column));
  const shown = new Set(rows.map((r) => r.uuid));
  return {
    ...base,
    columns: table.columns,
    rows,
    changePoints,
    regressions: groupRegressions(rows, changePoints, table.columns),
    noData: false,
    acks: acks.filter((a) => shown.has(a.uuid)),
    acknowledged: acknowledged.map((cp) => ({ uuid: rows[cp.index].uuid, column: cp.column })),
  };
}

/**
 * Per-run thresholds: the newest run of each metric that has one (its config's, else `--threshold`'s),
 * judged against the runs before it; a crossing on the bad side is a change point at that run (unless
 * acknowledged, or E-divisive already put one there). `all` is the test's table, `rows` what the
 * algorithm analysed (CMR: the collapsed history and the newest run).
 */
function runThresholdCrossings(all: readonly ReportRow[], rows: readonly ReportRow[], columns: readonly ColumnInfo[], fallback: RunThreshold | undefined, acks: readonly AckKey[], found: readonly RawChangePoint[]): RawChangePoint[] {
  const newest = rows[rows.length - 1];
  const at = all.findIndex((r) => r.uuid === newest?.uuid);
  if (!newest || at < 0) return [];
  const out: RawChangePoint[] = [];
  for (const column of columns) {
    const threshold = column.runThreshold ?? fallback;
    const value = newest.values[column.name];
    if (column.isMetadata || !threshold || typeof value !== 'number') continue;
    if (found.some((cp) => cp.column === column.name && cp.index === rows.length - 1)) continue;
    if (acks.some((a) => a.uuid === newest.uuid && a.metric === column.name)) continue;
    const history = all.slice(0, at).map((r) => r.values[column.name]).filter((v): v is number => typeof v === 'number');
    const judged = judgeRun(history, value, threshold, column.direction);
    if (judged.status !== 'regression') continue;
    // Static bounds have no baseline: the mean of the window stands for it (the value alone without history).
    const recent = history.slice(-(threshold.window ?? DEFAULT_RUN_THRESHOLD_WINDOW));
    const before = judged.baseline ?? (recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : value);
    // pvalue 1, as CMR and anomaly detection: a threshold has no p-value.
    const forwardChangePercent = before === 0 ? 0 : (value / before - 1) * 100;
    const rule = `run threshold (${threshold.test}): the newest run crosses it on the bad side`;
    out.push({ column: column.name, index: rows.length - 1, meanBefore: before, meanAfter: value, pvalue: 1, forwardChangePercent, explanation: singleValueExplanation(rule, before, value, forwardChangePercent) });
  }
  return out;
}

/** A missing value never blanks detection silently: the runs left out of each series are named. */
function warnMissingValues(testName: string, rows: readonly ReportRow[], columns: string[], algorithm: Algorithm, warn: (m: string) => void): void {
  for (const column of columns) {
    const missing = rows.filter((r) => r.values[column] === null || r.values[column] === undefined).map((r) => r.uuid);
    if (missing.length === 0) continue;
    const what = algorithm === 'anomaly' ? 'rows dropped from anomaly detection' : `left out of the ${column} series`;
    warn(`test ${testName}: metric ${column} has no value for run(s) ${missing.join(', ')} (${what})`);
  }
}

/** What Orion's filters checked before keeping a change point (the second half of its explanation). */
function filtersPassed(algorithm: Algorithm, column: ColumnInfo | undefined, correlated: { correlation?: string; context: number } | undefined): string {
  const direction = column?.direction === 1 ? 'an increase' : column?.direction === -1 ? 'a decrease' : 'either way';
  if (algorithm !== 'hunter') return `kept: ${direction} is a regression (direction ${column?.direction ?? 0})`;
  const checks = [`${direction} is a regression (direction ${column?.direction ?? 0})`, `change ≥ threshold ${column?.threshold ?? 0} %`, 'not acknowledged'];
  if (correlated?.correlation) checks.push(`${correlated.correlation} changed within ${correlated.context} runs`);
  return `kept: ${checks.join(', ')}`;
}

function toReportChangePoint(cp: RawChangePoint, rows: readonly ReportRow[], filters: string): ReportChangePoint {
  return {
    column: cp.column,
    index: cp.index,
    uuid: rows[cp.index]?.uuid ?? '',
    meanBefore: cp.meanBefore,
    meanAfter: cp.meanAfter,
    pvalue: cp.pvalue,
    percentageChange: ((cp.meanAfter - cp.meanBefore) / cp.meanBefore) * 100,
    forwardChangePercent: cp.forwardChangePercent,
    explanation: { ...cp.explanation, rule: `${cp.explanation.rule}; ${filters}` },
  };
}

/** Change points grouped by row: Orion's regression summary entries. */
export function groupRegressions(rows: readonly ReportRow[], changePoints: readonly ReportChangePoint[], columns: TestReport['columns']): RegressionGroup[] {
  const labels = new Map(columns.map((c) => [c.name, c.labels]));
  const groups = new Map<number, RegressionGroup>();
  for (const cp of changePoints) {
    const row = rows[cp.index];
    if (!row) continue;
    let group = groups.get(cp.index);
    if (!group) {
      group = {
        index: cp.index,
        uuid: row.uuid,
        timestampMs: row.timestampMs,
        ...(row.version !== undefined ? { badVersion: row.version } : {}),
        ...(rows[cp.index - 1]?.version !== undefined ? { previousVersion: rows[cp.index - 1].version } : {}),
        ...(row.buildUrl !== undefined ? { buildUrl: row.buildUrl } : {}),
        metrics: [],
      };
      groups.set(cp.index, group);
    }
    group.metrics.push({ name: cp.column, value: row.values[cp.column] ?? null, percentageChange: cp.percentageChange, labels: labels.get(cp.column) ?? [] });
  }
  return [...groups.values()].sort((a, b) => a.index - b.index);
}
