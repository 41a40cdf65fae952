/**
 * The dashboard's client of the daemon's API: same origin, the token pasted once and kept in
 * localStorage, every error answer turned into an {@link ApiError} carrying the API's own message.
 * The answer types come from the routes' declarations (src/server/contract/, the same zod schemas the
 * daemon validates with and writes its OpenAPI document from); type-only imports: nothing of the server
 * is bundled.
 */
import type { Reply } from '../../src/server/contract/route.js';
import type * as analysis from '../../src/server/contract/analysis.js';
import type * as experiments from '../../src/server/contract/experiments.js';
import type * as regressions from '../../src/server/contract/regressions.js';
import type * as reports from '../../src/server/contract/reports.js';
import type * as runs from '../../src/server/contract/runs.js';
import type * as tests from '../../src/server/contract/tests.js';

type Item<T> = T extends readonly (infer I)[] ? I : never;

/**
 * Non-finite numbers arrive as the strings "NaN", "Infinity", "-Infinity" (the daemon's JSON has no other
 * way to write them, and the declarations say so). The views compute with these fields as numbers, which
 * JavaScript's arithmetic and comparisons do with those strings too (`"NaN" - 1` is NaN); these types say
 * what the views rely on.
 */
type AsNumbers<T, K extends keyof T> = Omit<T, K> & { [P in K]: Exclude<T[P], string> };

export type RegressionsPage = Omit<Reply<typeof regressions.listRegressions>, 'regressions'> & { regressions: RegressionRecord[] };
export type RegressionRecord = AsNumbers<Item<Reply<typeof regressions.listRegressions>['regressions']>, 'percentageChange' | 'meanBefore' | 'meanAfter' | 'pvalue'>;
export type SeriesAnswer = Reply<typeof analysis.series>;
export type RunsPage = Reply<typeof runs.listRuns>;
export type RunRecord = Item<RunsPage['runs']>;
export type RunDetail = Reply<typeof runs.getRun>;
/** `GET /api/v1/runs/{uuid}/tests`: counts per class and the tests, slowest first. */
export type RunTestsAnswer = Reply<typeof runs.runTests>;
export type RunTest = Item<RunTestsAnswer['tests']>;
export type ReportsPage = Reply<typeof reports.listReports>;
export type ReportSummary = Item<ReportsPage['reports']>;
export type ReportDocument = Reply<typeof reports.getReport>;
export type ExperimentSummary = Item<Reply<typeof experiments.listExperiments>['experiments']>;
/** The summary with `attempts` replaced by the attempt rows (the ESS rows). */
export type ExperimentDetail = Reply<typeof experiments.getExperiment>;
export type RunsByKeyAnswer = Reply<typeof tests.runsByKey>;
export type RunGroupStats = RunsByKeyAnswer['buckets'][number]['groups'][string];
export type TestRate = AsNumbers<Item<Reply<typeof tests.testRates>['tests']>, 'failureRate'>;
export type FlakyTest = Item<Reply<typeof tests.flakyTests>['tests']>;
export type FailedRun = Item<Reply<typeof tests.failedRuns>['runs']>;
export type HistoryAnswer = Reply<typeof tests.testHistory>;

const TOKEN_KEY = 'perfhound.token';

export function getToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function setToken(token: string): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export type Params = Record<string, string | number | boolean | readonly string[] | undefined | null>;

export function queryString(params: Params): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value as readonly string[]) q.append(key, v);
    else q.append(key, String(value));
  }
  const text = q.toString();
  return text ? `?${text}` : '';
}

/** A request to the API; throws {@link ApiError} with the API's `error` message on any non-2xx answer. */
export async function request<T>(method: 'GET' | 'POST', path: string, params: Params = {}, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path + queryString(params), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError(`the daemon does not answer (${(err as Error).message})`, 0);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(`${method} ${path} answered ${response.status} with a body that is not JSON`, response.status);
  }
  if (!response.ok) {
    const message = parsed && typeof parsed === 'object' && typeof (parsed as { error?: unknown }).error === 'string' ? (parsed as { error: string }).error : `HTTP ${response.status}`;
    throw new ApiError(message, response.status);
  }
  if (parsed === undefined || parsed === null || typeof parsed !== 'object') throw new ApiError(`${method} ${path} answered ${response.status} without a JSON object`, response.status);
  return parsed as T;
}

const get = <T>(path: string, params?: Params) => request<T>('GET', path, params);

export interface Page {
  limit: number;
  offset: number;
  nextOffset: number | null;
}

/** The typed client: one function per route the dashboard reads or writes. */
export const api = {
  regressions: (params: { status?: string; test?: string; metric?: string; limit?: number }) => get<RegressionsPage>('/api/v1/regressions', params),
  ack: (id: number, reason: string) => request<Omit<Reply<typeof regressions.ackRegression>, 'regression'> & { regression: RegressionRecord }>('POST', `/api/v1/regressions/${id}/ack`, {}, { reason }),
  unack: (id: number, reason: string) => request<Omit<Reply<typeof regressions.unackRegression>, 'regression'> & { regression: RegressionRecord }>('POST', `/api/v1/regressions/${id}/unack`, {}, { reason }),
  configs: () => get<Reply<typeof analysis.daemonOptions>>('/daemon/options'),
  series: (params: Params) => get<SeriesAnswer>('/api/v1/series', params),
  runs: (params: Params) => get<RunsPage>('/api/v1/runs', params),
  run: (uuid: string) => get<RunDetail>(`/api/v1/runs/${encodeURIComponent(uuid)}`),
  /** The run's test results: `status` (pass, fail, skip, other) and `limit` filter the list, not the counts. */
  runTests: (uuid: string, params: { status?: 'pass' | 'fail' | 'skip' | 'other'; limit?: number } = {}) => get<RunTestsAnswer>(`/api/v1/runs/${encodeURIComponent(uuid)}/tests`, params),
  runsByKey: (params: Params) => get<RunsByKeyAnswer>('/api/v1/tests/runs-by-key', params),
  rates: (params: Params) => get<{ tests: TestRate[] }>('/api/v1/tests/rates', params),
  neverFailed: (params: Params) => get<{ tests: TestRate[] }>('/api/v1/tests/never-failed', params),
  slowest: (params: Params) => get<{ tests: TestRate[] }>('/api/v1/tests/slowest', params),
  flaky: (params: Params) => get<Reply<typeof tests.flakyTests>>('/api/v1/tests/flaky', params),
  history: (params: Params) => get<HistoryAnswer>('/api/v1/tests/history', params),
  reports: (params: Params) => get<ReportsPage>('/api/v1/reports', params),
  report: (uuid: string) => get<ReportDocument>(`/api/v1/reports/${encodeURIComponent(uuid)}`),
  experiments: () => get<Reply<typeof experiments.listExperiments>>('/api/v1/experiments'),
  experiment: (name: string) => get<ExperimentDetail>(`/api/v1/experiments/${encodeURIComponent(name)}`),
};
