import { sql } from 'kysely';
import { FAIL_STATUSES, PASS_STATUSES, type Db } from '../store/tests.js';
import { UserError } from '../util/errors.js';

/**
 * Test analytics over the subunit2sql-style tables, the questions openstack-health and subunit2sql-graph
 * answered, as plain functions the CLI (`perfhound tests …`) and the daemon share. Status classes follow
 * subunit2sql: pass = success|xfail, fail = fail|uxsuccess (openstack-health's `unxsuccess` typo made it
 * count uxsuccess as a skip; we do not). A run *passed* when fails = 0 and passes > 0, *failed* when
 * fails > 0 (openstack-health's rule). Run charts use runs.timestamp_ms; per-test ones the test start.
 */
export const RESOLUTIONS = ['sec', 'min', 'hour', 'day', 'week'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export interface Period {
  startMs?: number;
  stopMs?: number;
}

const isPass = (s: string) => (PASS_STATUSES as readonly string[]).includes(s);
const isFail = (s: string) => (FAIL_STATUSES as readonly string[]).includes(s);

/**
 * The bucket a time falls in, as openstack-health prints it (`2026-11-01`, `2026-11-01T06:00:00`); a week
 * (which openstack-health has not) is named by its Monday, UTC (`2026-11-02` for Monday 2 … Sunday 8).
 */
export function bucketOf(ms: number, resolution: Resolution): string {
  const iso = new Date(ms).toISOString();
  switch (resolution) {
    case 'week': {
      const d = new Date(ms);
      const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
      return new Date(monday).toISOString().slice(0, 10);
    }
    case 'day':
      return iso.slice(0, 10);
    case 'hour':
      return iso.slice(0, 13) + ':00:00';
    case 'min':
      return iso.slice(0, 16) + ':00';
    case 'sec':
      return iso.slice(0, 19);
  }
}

export function parseResolution(value: string): Resolution {
  if (!(RESOLUTIONS as readonly string[]).includes(value)) throw new UserError(`resolution must be one of ${RESOLUTIONS.join(', ')} (got "${value}")`, { field: '--resolution' });
  return value as Resolution;
}

export interface RunPoint {
  uuid: string;
  timestampMs: number;
  pass: number;
  fail: number;
  skip: number;
  runTime: number | null;
}

export interface RunGroupStats {
  runs: RunPoint[];
  /** Runs with fails = 0 and passes > 0. */
  passed: number;
  /** Runs with fails > 0. */
  failed: number;
  meanRunTime: number | null;
}

/** Runs over time grouped by a metadata key's value, bucketed (openstack-health `/runs/group_by/<key>`). */
export async function runsByKey(db: Db, key: string, resolution: Resolution, period: Period = {}): Promise<{ bucket: string; groups: Record<string, RunGroupStats> }[]> {
  let q = db
    .selectFrom('runs')
    .innerJoin('run_metadata', 'run_metadata.run_id', 'runs.id')
    .select(['runs.uuid', 'runs.timestamp_ms', 'runs.passes', 'runs.fails', 'runs.skips', 'runs.run_time', 'run_metadata.value'])
    .where('run_metadata.key', '=', key);
  if (period.startMs !== undefined) q = q.where('runs.timestamp_ms', '>=', period.startMs);
  if (period.stopMs !== undefined) q = q.where('runs.timestamp_ms', '<=', period.stopMs);
  const rows = await q.orderBy('runs.timestamp_ms').orderBy('runs.id').execute();
  const buckets = new Map<string, Record<string, RunGroupStats>>();
  for (const r of rows) {
    const bucket = bucketOf(Number(r.timestamp_ms), resolution);
    const groups = buckets.get(bucket) ?? {};
    buckets.set(bucket, groups);
    const g = (groups[r.value] ??= { runs: [], passed: 0, failed: 0, meanRunTime: null });
    const point: RunPoint = {
      uuid: r.uuid,
      timestampMs: Number(r.timestamp_ms),
      pass: Number(r.passes ?? 0),
      fail: Number(r.fails ?? 0),
      skip: Number(r.skips ?? 0),
      runTime: r.run_time === null ? null : Number(r.run_time),
    };
    g.runs.push(point);
    if (point.fail > 0) g.failed++;
    else if (point.pass > 0) g.passed++;
    const times = g.runs.map((p) => p.runTime).filter((t): t is number => t !== null);
    g.meanRunTime = times.length ? times.reduce((a, b) => a + b, 0) / times.length : null;
  }
  return [...buckets].map(([bucket, groups]) => ({ bucket, groups }));
}

export interface TestResultPoint {
  runUuid: string;
  status: string;
  startUs: number | null;
  duration: number | null;
}

/** Rolling mean and standard deviation (sample) over the last `window` successful durations. */
export interface TrendPoint {
  startUs: number;
  duration: number;
  mean: number;
  std: number | null;
}

/** Status history and run time trend of one test (openstack-health `/test_runs/<id>`, subunit2sql-graph run_time). */
export async function testHistory(db: Db, testName: string, options: Period & { window?: number; metadata?: [string, string] } = {}): Promise<{ results: TestResultPoint[]; trend: TrendPoint[] }> {
  let q = db
    .selectFrom('test_runs')
    .innerJoin('tests', 'tests.id', 'test_runs.test_id')
    .innerJoin('runs', 'runs.id', 'test_runs.run_id')
    .select(['runs.uuid', 'test_runs.status', 'test_runs.start_us', 'test_runs.stop_us'])
    .where('tests.test_id', '=', testName);
  if (options.startMs !== undefined) q = q.where('test_runs.start_us', '>=', options.startMs * 1000);
  if (options.stopMs !== undefined) q = q.where('test_runs.start_us', '<=', options.stopMs * 1000);
  if (options.metadata) {
    const [k, v] = options.metadata;
    q = q.where(({ exists, selectFrom }) => exists(selectFrom('run_metadata').select(sql.lit(1).as('one')).whereRef('run_metadata.run_id', '=', 'runs.id').where('key', '=', k).where('value', '=', v)));
  }
  const rows = await q.orderBy('test_runs.start_us').orderBy('test_runs.id').execute();
  const results = rows.map((r) => ({
    runUuid: r.uuid,
    status: r.status,
    startUs: r.start_us === null ? null : Number(r.start_us),
    duration: r.start_us === null || r.stop_us === null ? null : (Number(r.stop_us) - Number(r.start_us)) / 1e6,
  }));
  const window = options.window ?? 20;
  const timed = results.filter((r): r is TestResultPoint & { startUs: number; duration: number } => isPass(r.status) && r.duration !== null && r.startUs !== null);
  const trend = timed.map((r, i) => {
    const slice = timed.slice(Math.max(0, i - window + 1), i + 1).map((t) => t.duration);
    const mean = slice.reduce((a, b) => a + b, 0) / slice.length;
    const std = slice.length > 1 ? Math.sqrt(slice.reduce((a, b) => a + (b - mean) ** 2, 0) / (slice.length - 1)) : null;
    return { startUs: r.startUs, duration: r.duration, mean, std };
  });
  return { results, trend };
}

export interface TestRate {
  test: string;
  passes: number;
  failures: number;
  skips: number;
  /** failures / (passes + failures); NaN without any. */
  failureRate: number;
  meanRunTime: number | null;
}

/** Per-test counts over test results, optionally of runs with a metadata value, in a period (test start). */
export async function testRates(db: Db, options: Period & { metadata?: [string, string] } = {}): Promise<TestRate[]> {
  let q = db
    .selectFrom('test_runs')
    .innerJoin('tests', 'tests.id', 'test_runs.test_id')
    .select(['tests.test_id as test', 'test_runs.status', 'test_runs.start_us', 'test_runs.stop_us']);
  if (options.startMs !== undefined) q = q.where('test_runs.start_us', '>=', options.startMs * 1000);
  if (options.stopMs !== undefined) q = q.where('test_runs.start_us', '<=', options.stopMs * 1000);
  if (options.metadata) {
    const [k, v] = options.metadata;
    q = q.where(({ exists, selectFrom }) => exists(selectFrom('run_metadata').select(sql.lit(1).as('one')).whereRef('run_metadata.run_id', '=', 'test_runs.run_id').where('key', '=', k).where('value', '=', v)));
  }
  const byTest = new Map<string, TestRate & { times: number[] }>();
  for (const r of await q.execute()) {
    const t = byTest.get(r.test) ?? { test: r.test, passes: 0, failures: 0, skips: 0, failureRate: NaN, meanRunTime: null, times: [] };
    byTest.set(r.test, t);
    if (isPass(r.status)) {
      t.passes++;
      if (r.start_us !== null && r.stop_us !== null) t.times.push((Number(r.stop_us) - Number(r.start_us)) / 1e6);
    } else if (isFail(r.status)) t.failures++;
    else if (r.status === 'skip') t.skips++;
  }
  return [...byTest.values()]
    .map(({ times, ...t }) => ({
      ...t,
      failureRate: t.passes + t.failures ? t.failures / (t.passes + t.failures) : NaN,
      meanRunTime: times.length ? times.reduce((a, b) => a + b, 0) / times.length : null,
    }))
    .sort((a, b) => a.test.localeCompare(b.test));
}

/** Tests that ran (passed at least once) and never failed in the period. */
export async function neverFailed(db: Db, options: Period & { metadata?: [string, string] } = {}): Promise<TestRate[]> {
  return (await testRates(db, options)).filter((t) => t.failures === 0 && t.passes > 0);
}

/** The slowest tests by mean successful duration in the period. */
export async function slowestTests(db: Db, limit: number, options: Period & { metadata?: [string, string] } = {}): Promise<TestRate[]> {
  return (await testRates(db, options))
    .filter((t) => t.meanRunTime !== null)
    .sort((a, b) => (b.meanRunTime as number) - (a.meanRunTime as number))
    .slice(0, limit);
}

export interface FailedRun {
  uuid: string;
  timestampMs: number;
  artifacts: string | null;
  value: string;
  failedTests: string[];
}

/** The latest runs with failures per value of a metadata key (home page "failed tests in last failed runs"). */
export async function recentFailedRuns(db: Db, key: string, options: { value?: string; limit?: number } = {}): Promise<FailedRun[]> {
  let q = db
    .selectFrom('runs')
    .innerJoin('run_metadata', 'run_metadata.run_id', 'runs.id')
    .select(['runs.id', 'runs.uuid', 'runs.timestamp_ms', 'runs.artifacts', 'run_metadata.value'])
    .where('run_metadata.key', '=', key)
    .where('runs.fails', '>', 0);
  if (options.value !== undefined) q = q.where('run_metadata.value', '=', options.value);
  const runs = await q.orderBy('runs.timestamp_ms', 'desc').orderBy('runs.id', 'desc').limit(options.limit ?? 10).execute();
  const out: FailedRun[] = [];
  for (const r of runs) {
    const failed = await db
      .selectFrom('test_runs')
      .innerJoin('tests', 'tests.id', 'test_runs.test_id')
      .select('tests.test_id')
      .where('test_runs.run_id', '=', Number(r.id))
      .where('test_runs.status', 'in', [...FAIL_STATUSES])
      .orderBy('tests.test_id')
      .execute();
    out.push({ uuid: r.uuid, timestampMs: Number(r.timestamp_ms), artifacts: r.artifacts, value: r.value, failedTests: failed.map((f) => f.test_id) });
  }
  return out;
}

export interface FlakyTest {
  test: string;
  value: string;
  passes: number;
  failures: number;
}

/**
 * Flaky tests: within the window, the test both passed and failed in runs with the same value of the
 * metadata key (same job, same code under test → the outcome is not determined by the change).
 */
export async function flakyTests(db: Db, key: string, period: Period = {}): Promise<FlakyTest[]> {
  let q = db
    .selectFrom('test_runs')
    .innerJoin('tests', 'tests.id', 'test_runs.test_id')
    .innerJoin('run_metadata', 'run_metadata.run_id', 'test_runs.run_id')
    .innerJoin('runs', 'runs.id', 'test_runs.run_id')
    .select(['tests.test_id as test', 'run_metadata.value', 'test_runs.status'])
    .where('run_metadata.key', '=', key);
  if (period.startMs !== undefined) q = q.where('runs.timestamp_ms', '>=', period.startMs);
  if (period.stopMs !== undefined) q = q.where('runs.timestamp_ms', '<=', period.stopMs);
  const counts = new Map<string, FlakyTest>();
  for (const r of await q.execute()) {
    const id = `${r.test}\u0000${r.value}`;
    const c = counts.get(id) ?? { test: r.test, value: r.value, passes: 0, failures: 0 };
    counts.set(id, c);
    if (isPass(r.status)) c.passes++;
    else if (isFail(r.status)) c.failures++;
  }
  return [...counts.values()].filter((c) => c.passes > 0 && c.failures > 0).sort((a, b) => b.failures - a.failures || a.test.localeCompare(b.test));
}
