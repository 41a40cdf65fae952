/**
 * Orion's PR mode (`--pr-analysis`, `orion/run_test.py:run`, reference orion.md §1.8): each test is
 * analysed twice over — its periodic runs (`jobType: periodic`, no `pullNumber`, `organization` or
 * `repository`: the baseline) and, per pull request, that PR's runs (`jobType: pull`, `pullNumber: N` and
 * the PR's organization and repository), the latter from the PR's creation on (GitHub's `created_at`,
 * instead of `--lookback`). Only the periodic analysis decides the exit code: a PR without runs is shown
 * empty (no exit 3), a PR's change point is reported but is no regression of the job.
 */
import type { AnalysisConfig, AnalysisTest } from '../config/index.js';
import type { GitHubClient } from '../integrations/github.js';
import type { FieldValue } from '../sources/types.js';
import { UserError } from '../util/errors.js';
import { runAnalysis } from './pipeline.js';
import type { AnalysisDeps, AnalysisOptions, TestReport } from './types.js';

export interface PrPlan {
  pullNumbers: number[];
  organization: string;
  repository: string;
}

export interface PrTestReport {
  periodic: TestReport;
  pulls: { pr: number; report: TestReport }[];
}

export interface PrAnalysisReport {
  tests: PrTestReport[];
  regression: boolean;
  noData: boolean;
}

/**
 * The PRs and their repository, from `--pull-number` (repeatable) and the input variables `pull_number`
 * (a number or a comma list), `pull_numbers` (a list), `organization`, `repository`, `jobtype` (each also
 * from the environment, upper or lower case, as Orion fills them). Deduplicated and sorted, 0 dropped;
 * anything else than a whole number ≥ 0 is an error, as a missing variable is.
 */
export function prPlan(flagNumbers: readonly string[], inputVars: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): PrPlan {
  const input = (name: string): unknown => inputVars[name] ?? env[name.toUpperCase()] ?? env[name];
  const raw: unknown[] = [...flagNumbers];
  const one = input('pull_number');
  if (typeof one === 'string') raw.push(...one.split(',').map((s) => s.trim()).filter(Boolean));
  else if (one !== undefined && one !== null) raw.push(one);
  const many = inputVars.pull_numbers;
  if (Array.isArray(many)) raw.push(...many);
  const numbers = raw.map((value) => {
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < 0) throw new UserError(`pull request number ${JSON.stringify(value)} is not a whole number ≥ 0`, { field: '--pull-number' });
    return n;
  });
  // Orion's order of the names it asks for.
  const missing = ['jobtype', 'pull_number', 'organization', 'repository'].filter((name) => (name === 'pull_number' ? raw.length === 0 : !stringOf(input(name))));
  if (missing.length) throw new UserError(`PR mode needs the input variables ${missing.join(', ')} (--input-vars, or the environment: ${missing.map((m) => m.toUpperCase()).join(', ')})`, { field: '--pr-analysis' });
  return {
    pullNumbers: [...new Set(numbers)].filter((n) => n > 0).sort((a, b) => a - b),
    organization: stringOf(input('organization')),
    repository: stringOf(input('repository')),
  };
}

function stringOf(value: unknown): string {
  return value === undefined || value === null ? '' : String(value).trim();
}

/** The test selecting its periodic runs: `jobType: periodic`; no pullNumber, organization or repository. */
export function periodicTest(test: AnalysisTest): AnalysisTest {
  return withMatch(test, { jobType: 'periodic' }, ['pullNumber', 'organization', 'repository']);
}

/** The test selecting pull request `pr`'s runs. */
export function pullTest(test: AnalysisTest, pr: number, plan: PrPlan): AnalysisTest {
  return withMatch(test, { jobType: 'pull', pullNumber: pr, ...(plan.organization ? { organization: plan.organization } : {}), ...(plan.repository ? { repository: plan.repository } : {}) }, []);
}

function withMatch(test: AnalysisTest, set: Record<string, FieldValue>, drop: string[]): AnalysisTest {
  const match = { ...test.selector.match };
  const metadata = { ...test.metadata };
  for (const field of drop) {
    delete match[field];
    delete metadata[field];
  }
  Object.assign(match, set);
  Object.assign(metadata, set);
  return { ...test, metadata, selector: { ...test.selector, match } };
}

export async function runPrAnalysis(
  config: AnalysisConfig,
  options: AnalysisOptions,
  deps: AnalysisDeps,
  plan: PrPlan,
  github: GitHubClient | undefined,
): Promise<PrAnalysisReport> {
  const periodic = await runAnalysis({ ...config, tests: config.tests.map(periodicTest) }, options, { ...deps, onTest: undefined });
  const pulls = new Map<string, { pr: number; report: TestReport }[]>();
  for (const pr of plan.pullNumbers) {
    const created = github ? await github.pullCreatedAt(`${plan.organization}/${plan.repository}`, pr) : undefined;
    const pullOptions: AnalysisOptions = created ? { ...options, lookback: undefined, after: created } : options;
    const report = await runAnalysis(
      { ...config, tests: config.tests.map((t) => pullTest(t, pr, plan)), warnings: [] },
      pullOptions,
      { ...deps, onTest: undefined, recordRegressions: false, analyzeTests: undefined, warn: (m) => deps.warn?.(`PR #${pr}: ${m}`) },
    );
    for (const test of report.tests) pulls.set(test.name, [...(pulls.get(test.name) ?? []), { pr, report: test }]);
  }
  return {
    tests: periodic.tests.map((t) => ({ periodic: t, pulls: pulls.get(t.name) ?? [] })),
    regression: periodic.regression,
    noData: periodic.noData,
  };
}
