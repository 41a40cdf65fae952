/**
 * The dashboard's client of the daemon's API: same origin, the token pasted once and kept in
 * localStorage, every error answer turned into an {@link ApiError} carrying the API's own message.
 * The answer types are the server's own declarations (type-only imports: nothing of the server is bundled).
 */
import type { RegressionRecord } from '../../src/server/routes/regressions.js';
import type { SeriesAnswer } from '../../src/server/series-json.js';
import type { RunRecord } from '../../src/store/runs.js';
import type { ReportSummary } from '../../src/store/reports.js';
import type { ExperimentSummary, AttemptRow } from '../../src/store/experiments.js';
import type { FailedRun, FlakyTest, RunGroupStats, TestRate, TestResultPoint, TrendPoint } from '../../src/test-analytics/analytics.js';

export type { RegressionRecord, SeriesAnswer, RunRecord, ReportSummary, ExperimentSummary, TestRate, FlakyTest, RunGroupStats, FailedRun };

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

export interface RunDetail extends RunRecord {
  documents: Record<string, number>;
}

export interface HistoryAnswer {
  results: TestResultPoint[];
  trend: TrendPoint[];
}

export interface ReportDocument {
  uuid: string;
  report_type?: string | null;
  generated_at?: string;
  openshift_cluster_name?: string | null;
  openshift_cluster_version?: string | null;
  metadata?: Record<string, unknown>;
  results?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  links?: Record<string, string>;
  warnings?: { name: string; message: string }[];
}

/** The summary with `attempts` replaced by the attempt rows (the ESS rows). */
export type ExperimentDetail = Omit<ExperimentSummary, 'attempts'> & {
  attempts: (Omit<AttemptRow, 'combination'> & { combination: unknown })[];
};

/** The typed client: one function per route the dashboard reads or writes. */
export const api = {
  regressions: (params: { status?: string; test?: string; metric?: string; limit?: number }) => get<Page & { regressions: RegressionRecord[] }>('/api/v1/regressions', params),
  ack: (id: number, reason: string) => request<{ regression: RegressionRecord }>('POST', `/api/v1/regressions/${id}/ack`, {}, { reason }),
  unack: (id: number, reason: string) => request<{ regression: RegressionRecord }>('POST', `/api/v1/regressions/${id}/unack`, {}, { reason }),
  configs: () => get<{ options: string[] }>('/daemon/options'),
  series: (params: Params) => get<SeriesAnswer>('/api/v1/series', params),
  runs: (params: Params) => get<Page & { runs: RunRecord[] }>('/api/v1/runs', params),
  run: (uuid: string) => get<RunDetail>(`/api/v1/runs/${encodeURIComponent(uuid)}`),
  runsByKey: (params: Params) => get<{ buckets: { bucket: string; groups: Record<string, RunGroupStats> }[] }>('/api/v1/tests/runs-by-key', params),
  rates: (params: Params) => get<{ tests: TestRate[] }>('/api/v1/tests/rates', params),
  neverFailed: (params: Params) => get<{ tests: TestRate[] }>('/api/v1/tests/never-failed', params),
  slowest: (params: Params) => get<{ tests: TestRate[] }>('/api/v1/tests/slowest', params),
  flaky: (params: Params) => get<{ tests: FlakyTest[] }>('/api/v1/tests/flaky', params),
  history: (params: Params) => get<HistoryAnswer>('/api/v1/tests/history', params),
  reports: (params: Params) => get<Page & { reports: ReportSummary[] }>('/api/v1/reports', params),
  report: (uuid: string) => get<ReportDocument>(`/api/v1/reports/${encodeURIComponent(uuid)}`),
  experiments: () => get<{ experiments: ExperimentSummary[] }>('/api/v1/experiments'),
  experiment: (name: string) => get<ExperimentDetail>(`/api/v1/experiments/${encodeURIComponent(name)}`),
};

/** One run's test results (`GET /api/v1/runs/{uuid}/tests`): counts by status class and the tests, slowest first. */
export interface RunTestsAnswer {
  counts: { pass: number; fail: number; skip: number; other: number };
  tests: { test_id: string; status: string; start_us: number | null; stop_us: number | null; duration_s: number | null }[];
}

export const runTests = (uuid: string, params: { status?: string; limit?: number }) => get<RunTestsAnswer>(`/api/v1/runs/${encodeURIComponent(uuid)}/tests`, params);
