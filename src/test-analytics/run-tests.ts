import { FAIL_STATUSES, PASS_STATUSES, type Db } from '../store/tests.js';
import { getRun } from '../store/runs.js';

/** Classes of test statuses (subunit2sql's): pass = success|xfail, fail = fail|uxsuccess, skip, other. */
export type TestClass = 'pass' | 'fail' | 'skip' | 'other';

export function classOf(status: string): TestClass {
  if ((PASS_STATUSES as readonly string[]).includes(status)) return 'pass';
  if ((FAIL_STATUSES as readonly string[]).includes(status)) return 'fail';
  return status === 'skip' ? 'skip' : 'other';
}

export interface RunTestResult {
  test_id: string;
  status: string;
  start_us: number | null;
  stop_us: number | null;
  duration_s: number | null;
}

export interface RunTests {
  run: string;
  counts: Record<TestClass, number>;
  tests: RunTestResult[];
}

/**
 * One test run's results for its page: counts per class over the whole run, then the tests (of one class
 * when `status` is given) slowest first — tests without a start or stop last, ties by test id — at most
 * `limit` of them. Throws NotFoundError for an unknown run.
 */
export async function runTests(db: Db, uuid: string, options: { status?: TestClass; limit?: number } = {}): Promise<RunTests> {
  await getRun(db, uuid);
  const rows = await db
    .selectFrom('test_runs')
    .innerJoin('tests', 'tests.id', 'test_runs.test_id')
    .innerJoin('runs', 'runs.id', 'test_runs.run_id')
    .select(['tests.test_id', 'test_runs.status', 'test_runs.start_us', 'test_runs.stop_us'])
    .where('runs.uuid', '=', uuid)
    .execute();
  const counts: Record<TestClass, number> = { pass: 0, fail: 0, skip: 0, other: 0 };
  const tests: RunTestResult[] = [];
  for (const r of rows) {
    const cls = classOf(r.status);
    counts[cls]++;
    if (options.status !== undefined && cls !== options.status) continue;
    const start = r.start_us === null ? null : Number(r.start_us);
    const stop = r.stop_us === null ? null : Number(r.stop_us);
    tests.push({ test_id: r.test_id, status: r.status, start_us: start, stop_us: stop, duration_s: start === null || stop === null ? null : (stop - start) / 1e6 });
  }
  tests.sort((a, b) => (b.duration_s ?? -Infinity) - (a.duration_s ?? -Infinity) || (a.test_id < b.test_id ? -1 : a.test_id > b.test_id ? 1 : 0));
  return { run: uuid, counts, tests: options.limit === undefined ? tests : tests.slice(0, options.limit) };
}
