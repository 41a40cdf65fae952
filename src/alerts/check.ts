/**
 * The CI gate (Bencher's thresholds beside change points): one new run — a pull request's — is compared
 * with the last N runs before it, metric by metric, with a per-point threshold of `src/detect/thresholds.ts`
 * (`t_test`, `z_score`, `iqr`, `percentage`, `static`). A metric's Orion direction says which side is bad:
 * 1 an increase, -1 a decrease, 0 both.
 */
import { runAnalysis, type AnalysisOptions } from '../analyze/index.js';
import type { AnalysisConfig } from '../config/index.js';
import { evaluateThreshold, type ThresholdSpec } from '../detect/index.js';
import type { Source } from '../sources/types.js';
import type { Store } from '../store/connect.js';
import { NotFoundError, UserError } from '../util/errors.js';

export const THRESHOLD_KINDS = ['t_test', 'z_score', 'iqr', 'percentage', 'static'] as const;
export type ThresholdKind = (typeof THRESHOLD_KINDS)[number];

export interface GateSpec {
  kind: ThresholdKind;
  /** t_test: confidence (default 0.99); z_score: max z (3); iqr: multiplier (1.5); percentage: percent (10). */
  value?: number;
  lower?: number;
  upper?: number;
  /** History runs before the checked one (default 30). */
  window?: number;
}

export interface GateRow {
  test: string;
  metric: string;
  value: number | null;
  baseline?: number;
  lowerLimit?: number;
  upperLimit?: number;
  sampleSize: number;
  status: 'pass' | 'regression' | 'improvement' | 'not_enough_data';
}

export interface GateResult {
  run: string;
  threshold: GateSpec;
  rows: GateRow[];
  /** Some metric crossed its threshold on its bad side. */
  failed: boolean;
}

function spec(gate: GateSpec, direction: 'higher_is_better' | 'lower_is_better'): ThresholdSpec {
  const max = gate.window ?? 30;
  switch (gate.kind) {
    case 't_test':
      return { kind: 't-test', confidence: gate.value ?? 0.99, direction, maxSampleSize: max };
    case 'z_score':
      return { kind: 'zscore', maxZ: gate.value ?? 3, direction, maxSampleSize: max };
    case 'iqr':
      return { kind: 'iqr', multiplier: gate.value ?? 1.5, direction, maxSampleSize: max };
    case 'percentage':
      return { kind: 'percentage', percent: gate.value ?? 10, direction, maxSampleSize: max };
    case 'static':
      if (gate.lower === undefined && gate.upper === undefined) throw new UserError('a static threshold needs --lower and/or --upper', { field: '--threshold' });
      return { kind: 'static', lower: gate.lower, upper: gate.upper, direction, maxSampleSize: max };
  }
}

/** Checks run `uuid` of each test of the config against the runs before it. */
export async function checkRun(config: AnalysisConfig, uuid: string, gate: GateSpec, deps: { source: Source; store?: Store }, options: AnalysisOptions = {}): Promise<GateResult> {
  const report = await runAnalysis(config, options, { source: deps.source, store: deps.store, recordRegressions: false });
  const rows: GateRow[] = [];
  let found = false;
  for (const test of report.tests) {
    const at = test.rows.findIndex((r) => r.uuid === uuid);
    if (at < 0) continue;
    found = true;
    const before = test.rows.slice(0, at);
    for (const column of test.columns.filter((c) => !c.isMetadata)) {
      const value = test.rows[at].values[column.name] ?? null;
      const history = before.map((r) => r.values[column.name]).filter((v): v is number => typeof v === 'number');
      // Direction 0: both sides are bad — judged twice, a crossing either way fails.
      const sides = column.direction === 0 ? (['lower_is_better', 'higher_is_better'] as const) : column.direction === 1 ? (['lower_is_better'] as const) : (['higher_is_better'] as const);
      const results = sides.map((d) => evaluateThreshold(history, value ?? NaN, spec(gate, d)));
      const worst = results.find((r) => r.status === 'regression') ?? results[0];
      rows.push({ test: test.name, metric: column.name, value, baseline: worst.baseline, lowerLimit: worst.lowerLimit, upperLimit: worst.upperLimit, sampleSize: worst.sampleSize, status: worst.status });
    }
  }
  if (!found) throw new NotFoundError(`run ${uuid} is in no test of the config`, { field: '--uuid' });
  return { run: uuid, threshold: gate, rows, failed: rows.some((r) => r.status === 'regression') };
}

const num = (n: number | undefined | null) => (n === undefined || n === null ? '' : Number.isInteger(n) ? String(n) : n.toPrecision(6));

/** A summary fit for a CI job summary or a pull-request comment. */
export function gateMarkdown(result: GateResult): string {
  const head = result.failed ? `### ❌ perfhound: run \`${result.run}\` crosses its ${result.threshold.kind} threshold` : `### ✅ perfhound: run \`${result.run}\` is within its ${result.threshold.kind} threshold`;
  const lines = [head, '', '| test | metric | value | baseline | lower | upper | runs | status |', '|---|---|---:|---:|---:|---:|---:|---|'];
  for (const r of result.rows) {
    lines.push(`| ${r.test} | ${r.metric} | ${num(r.value)} | ${num(r.baseline)} | ${num(r.lowerLimit)} | ${num(r.upperLimit)} | ${r.sampleSize} | ${r.status === 'regression' ? '**regression**' : r.status} |`);
  }
  return lines.join('\n') + '\n';
}
