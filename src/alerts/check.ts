/**
 * The CI gate (Bencher's thresholds beside change points): one new run — a pull request's — is compared
 * with the last N runs before it, metric by metric, with the metric's per-run threshold (its config's
 * `threshold` mapping, else the one given by flags): `t_test`, `z_score`, `iqr`, `percentage`, `static`
 * (`src/analyze/run-threshold.ts`).
 */
import { judgeRun, runAnalysis, type AnalysisOptions } from '../analyze/index.js';
import type { AnalysisConfig, RunThreshold } from '../config/index.js';
import { RUN_THRESHOLD_TESTS } from '../config/index.js';
import type { Source } from '../sources/types.js';
import type { Store } from '../store/connect.js';
import { NotFoundError, UserError } from '../util/errors.js';

export const THRESHOLD_KINDS = RUN_THRESHOLD_TESTS;
export type ThresholdKind = (typeof THRESHOLD_KINDS)[number];

export interface GateRow {
  test: string;
  metric: string;
  /** The threshold's test for this metric (its config's, else the flags'). */
  threshold: ThresholdKind;
  value: number | null;
  baseline?: number;
  lowerLimit?: number;
  upperLimit?: number;
  sampleSize: number;
  status: 'pass' | 'regression' | 'improvement' | 'not_enough_data';
}

export interface GateResult {
  run: string;
  /** The threshold of metrics whose config names none. */
  threshold: RunThreshold;
  rows: GateRow[];
  /** Some metric crossed its threshold on its bad side. */
  failed: boolean;
}

/** Checks run `uuid` of each test of the config against the runs before it. */
export async function checkRun(config: AnalysisConfig, uuid: string, fallback: RunThreshold, deps: { source: Source; store?: Store }, options: AnalysisOptions = {}): Promise<GateResult> {
  const report = await runAnalysis(config, options, { source: deps.source, store: deps.store, recordRegressions: false });
  const rows: GateRow[] = [];
  let found = false;
  for (const test of report.tests) {
    const at = test.rows.findIndex((r) => r.uuid === uuid);
    if (at < 0) continue;
    found = true;
    const before = test.rows.slice(0, at);
    for (const column of test.columns.filter((c) => !c.isMetadata)) {
      const threshold = column.runThreshold ?? fallback;
      if (threshold.test === 'static' && threshold.lower === undefined && threshold.upper === undefined) {
        throw new UserError('a static threshold needs --lower and/or --upper', { field: '--threshold' });
      }
      const value = test.rows[at].values[column.name] ?? null;
      const history = before.map((r) => r.values[column.name]).filter((v): v is number => typeof v === 'number');
      const judged = judgeRun(history, value ?? NaN, threshold, column.direction);
      rows.push({ test: test.name, metric: column.name, threshold: threshold.test, ...judged, value });
    }
  }
  if (!found) throw new NotFoundError(`run ${uuid} is in no test of the config`, { field: '--uuid' });
  return { run: uuid, threshold: fallback, rows, failed: rows.some((r) => r.status === 'regression') };
}

const num = (n: number | undefined | null) => (n === undefined || n === null ? '' : Number.isInteger(n) ? String(n) : n.toPrecision(6));

/** A summary fit for a CI job summary or a pull-request comment. */
export function gateMarkdown(result: GateResult): string {
  const tests = [...new Set(result.rows.map((r) => r.threshold))];
  const its = tests.length === 1 ? `its ${tests[0]} threshold` : 'its thresholds';
  const head = result.failed ? `### ❌ perfhound: run \`${result.run}\` crosses ${its}` : `### ✅ perfhound: run \`${result.run}\` is within ${its}`;
  const lines = [head, '', '| test | metric | threshold | value | baseline | lower | upper | runs | status |', '|---|---|---|---:|---:|---:|---:|---:|---|'];
  for (const r of result.rows) {
    lines.push(`| ${r.test} | ${r.metric} | ${r.threshold} | ${num(r.value)} | ${num(r.baseline)} | ${num(r.lowerLimit)} | ${num(r.upperLimit)} | ${r.sampleSize} | ${r.status === 'regression' ? '**regression**' : r.status} |`);
  }
  return lines.join('\n') + '\n';
}
