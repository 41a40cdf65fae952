import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSubunitTests } from '../../src/ingest/subunit/read.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { runTestResults } from '../../src/store/tests.js';
import { flakyTests, neverFailed, recentFailedRuns, runsByKey, slowestTests, testHistory, testRates } from '../../src/test-analytics/analytics.js';
import { meanDurations } from '../../src/test-analytics/timing.js';
import { toJson } from '../../src/util/json.js';
import { runCli } from '../support/cli.js';
import { useTestDatabase } from '../support/databases.js';
import { parseRunMeta, SERIES } from './series.js';
import { collect, fixtureBytes, readJson, readJsonl, FIXTURES } from './support.js';

/**
 * The test-metrics commands end to end, in-process (`runCli`), on SQLite: `ingest subunit|junit` with
 * subunit2sql's options and bad input, `runs show --output json` with subunit2sql's totals, every
 * `tests …` subcommand in table and JSON output, `export subunit` and `db expire`. The store and the
 * analytics are checked on all dialects by the other suites; here the question is whether the commands
 * pass the right options and print what the services return.
 */
interface GoldenRun {
  uuid: string;
  passes: number;
  fails: number;
  skips: number;
  run_time: number;
}

interface ShownRun {
  uuid: string;
  passes: number | null;
  fails: number | null;
  skips: number | null;
  runTime: number | null;
  artifacts: string | null;
  metadata: Record<string, unknown>;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
/** What the command prints for a service result: the same value through the user-facing JSON writer. */
const asPrinted = (value: unknown): unknown => JSON.parse(toJson(value, 2));

const database = useTestDatabase('sqlite');
let dir = '';
const file = (name: string) => join(dir, name);
const db = () => ['--db', database.url];

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(database.url);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function showRun(uuid: string): Promise<ShownRun> {
  const shown = await runCli(['runs', 'show', uuid, '--output', 'json', ...db()]);
  expect(shown.code, shown.stderr).toBe(0);
  return JSON.parse(shown.stdout) as ShownRun;
}

/** The two seeds of the gen-200 series, ingested with the options of COMMANDS.log. */
const INGESTED = SERIES.filter(([, runId]) => runId === 'gen200-seed1' || runId === 'gen200-seed2');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'perfhound-cli-tests-'));
  for (const name of ['generated_200_seed1', 'generated_200_seed2', 'stestr_demo_live', 'corrupt_bitflip']) {
    writeFileSync(file(`${name}.subunit`), fixtureBytes(`streams/${name}.subunit.gz`));
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('perfhound ingest subunit|junit and runs show', () => {
  it('ingests with subunit2sql options; runs show gives the totals the real subunit2sql wrote', async () => {
    const golden = readJson<{ runs: GoldenRun[] }>('subunit2sql/series.compact.json.gz').runs;
    for (const [stream, runId, meta, artifacts, runAt] of INGESTED) {
      const args = ['ingest', 'subunit', file(`${stream}.subunit`), '--run-id', runId, '--run-meta', meta, '--run-at', runAt, ...db()];
      const result = await runCli(artifacts === undefined ? args : [...args, '--artifacts', artifacts]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('ingested 1 run (1 new, 0 replaced)');

      const run = await showRun(runId);
      const expected = golden.find((g) => g.uuid === runId) as GoldenRun;
      expect([run.passes, run.fails, run.skips]).toEqual([expected.passes, expected.fails, expected.skips]);
      expect(close(run.runTime as number, expected.run_time), `${run.runTime} vs ${expected.run_time}`).toBe(true);
      expect(run.artifacts).toBe(artifacts);
      expect(run.metadata).toMatchObject(parseRunMeta(meta));
    }
  });

  it('re-ingesting the same run id replaces it (same totals)', async () => {
    const [stream, runId, meta] = INGESTED[0];
    const before = await showRun(runId);
    const again = await runCli(['ingest', 'subunit', file(`${stream}.subunit`), '--run-id', runId, '--run-meta', meta, '--run-at', INGESTED[0][4], '--output', 'json', ...db()]);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { runs: { outcome: string }[] }).runs.map((r) => r.outcome)).toEqual(['replaced']);
    expect(await showRun(runId)).toMatchObject({ passes: before.passes, fails: before.fails, skips: before.skips, runTime: before.runTime });
  });

  it('ingests JUnit XML: passes, failures (failure and error) and skips as written in the file', async () => {
    const xml = readFileSync(join(FIXTURES, 'junit-sample.xml'), 'utf8');
    const cases = xml.match(/<testcase\b[\s\S]*?(?:\/>|<\/testcase>)/g) ?? [];
    const failing = cases.filter((c) => /<(failure|error)\b/.test(c)).length;
    const skipped = cases.filter((c) => /<skipped\b/.test(c)).length;
    expect(cases.length).toBeGreaterThan(0);
    const result = await runCli(['ingest', 'junit', join(FIXTURES, 'junit-sample.xml'), '--run-id', 'junit-1', '--store-attachments', ...db()]);
    expect(result.code, result.stderr).toBe(0);
    const run = await showRun('junit-1');
    expect([run.passes, run.fails, run.skips]).toEqual([cases.length - failing - skipped, failing, skipped]);
  });

  it('a damaged stream exits 1 naming the byte offset and writes nothing; --lenient ingests it', async () => {
    const strict = await runCli(['ingest', 'subunit', file('corrupt_bitflip.subunit'), '--run-id', 'damaged', ...db()]);
    expect(strict.code).toBe(1);
    expect(strict.stdout + strict.stderr).toMatch(/byte offset 103592/);
    expect((await runCli(['runs', 'show', 'damaged', '--output', 'json', ...db()])).code).toBe(1);
    expect(await withStore((s) => s.db.selectFrom('runs').select('id').where('uuid', '=', 'damaged').execute())).toEqual([]);

    const lenient = await runCli(['ingest', 'subunit', file('corrupt_bitflip.subunit'), '--run-id', 'damaged', '--lenient', ...db()]);
    expect(lenient.code, lenient.stderr).toBe(0);
    // The reference parser's records of the damaged stream, counted the subunit2sql way (enumeration not stored).
    const records = readJsonl<{ status: string }>('expected/corrupt_bitflip.tests.jsonl.gz').filter((r) => r.status !== 'exists');
    const count = (...statuses: string[]) => records.filter((r) => statuses.includes(r.status)).length;
    const run = await showRun('damaged');
    expect([run.passes, run.fails, run.skips]).toEqual([count('success', 'xfail'), count('fail', 'uxsuccess'), count('skip')]);
    const stored = await withStore(async (s) => runTestResults(s.db, (await s.db.selectFrom('runs').select('id').where('uuid', '=', 'damaged').executeTakeFirstOrThrow()).id));
    expect(stored.find((r) => r.name === 'subunit.parser')?.status).toBe('fail');
  });

  it('refuses --run-id with two inputs before writing anything, and a bad --run-at', async () => {
    const two = await runCli(['ingest', 'subunit', file('generated_200_seed1.subunit'), file('generated_200_seed2.subunit'), '--run-id', 'twice', ...db()]);
    expect(two.code).toBe(1);
    expect(two.stderr).toMatch(/--run-id can only be used with one input/);
    expect(await withStore((s) => s.db.selectFrom('runs').select('id').where('uuid', '=', 'twice').execute())).toEqual([]);
    // Per invocation: the same id is fine in the next command.
    const once = await runCli(['ingest', 'subunit', file('stestr_demo_live.subunit'), '--run-id', 'twice', ...db()]);
    expect(once.code, once.stderr).toBe(0);

    const badTime = await runCli(['ingest', 'subunit', file('generated_200_seed1.subunit'), '--run-at', 'yesterday-ish', ...db()]);
    expect(badTime.code).toBe(1);
    expect(badTime.stdout + badTime.stderr).toMatch(/--run-at/);
  });
});

describe('perfhound tests …', () => {
  /** Runs `args` with JSON and with table output; the JSON must be what `service` returns. */
  async function both(args: string[], service: (store: Store) => Promise<unknown>): Promise<{ json: unknown; table: string }> {
    const json = await runCli(['tests', ...args, '--output', 'json', ...db()]);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as unknown;
    expect(parsed).toEqual(asPrinted(await withStore(service)));
    const table = await runCli(['tests', ...args, '--output', 'table', ...db()]);
    expect(table.code, table.stderr).toBe(0);
    return { json: parsed, table: table.stdout };
  }

  const flakyTest = 'gen.tests.test_generated.TestGroup00.test_case_0005';

  it('runs: runs over time grouped by a metadata key', async () => {
    const { json, table } = await both(['runs', 'build_name', '--resolution', 'day'], (s) => runsByKey(s.db, 'build_name', 'day'));
    const buckets = json as { bucket: string; groups: Record<string, { runs: unknown[] }> }[];
    const genRuns = buckets.reduce((n, b) => n + (b.groups['gen-200-job']?.runs.length ?? 0), 0);
    expect(genRuns).toBe(INGESTED.length);
    expect(table).toMatch(/bucket\s+build_name\s+runs\s+passed\s+failed/);
    for (const b of buckets) expect(table).toContain(b.bucket);
    const weekly = (await both(['runs', 'build_name', '--resolution', 'week'], (s) => runsByKey(s.db, 'build_name', 'week'))).json as { bucket: string }[];
    expect(weekly.length).toBeGreaterThan(0);
    expect(weekly.every((b) => new Date(`${b.bucket}T00:00:00Z`).getUTCDay() === 1)).toBe(true);
  });

  it('history: one test across runs', async () => {
    const { json, table } = await both(['history', flakyTest, '--window', '5'], (s) => testHistory(s.db, flakyTest, { window: 5 }));
    const results = (json as { results: { runUuid: string }[] }).results;
    expect(results.map((r) => r.runUuid).sort()).toEqual(INGESTED.map(([, runId]) => runId).sort());
    for (const r of results) expect(table).toContain(r.runUuid);
  });

  it('failures, slowest and never-failed', async () => {
    const failures = await both(['failures', '--where', 'build_name=gen-200-job'], (s) =>
      testRates(s.db, { metadata: ['build_name', 'gen-200-job'] }).then((r) => r.sort((a, b) => (b.failureRate || 0) - (a.failureRate || 0))),
    );
    const rates = failures.json as { test: string; failures: number }[];
    expect(rates.length).toBeGreaterThan(0);
    expect(rates.some((r) => r.failures > 0)).toBe(true);
    expect(failures.table).toContain(rates[0].test);

    const slowest = await both(['slowest', '--limit', '3'], (s) => slowestTests(s.db, 3));
    expect((slowest.json as unknown[]).length).toBe(3);
    expect(slowest.table).toMatch(/mean run time \(s\)/);

    const never = await both(['never-failed'], (s) => neverFailed(s.db));
    const neverNames = (never.json as { test: string; failures: number }[]).map((r) => r.test);
    expect(neverNames.length).toBeGreaterThan(0);
    expect(neverNames).not.toContain(rates.find((r) => r.failures > 0)?.test);
  });

  it('recent-failures and flaky', async () => {
    const recent = await both(['recent-failures', 'build_name', '--value', 'gen-200-job', '--limit', '5'], (s) => recentFailedRuns(s.db, 'build_name', { value: 'gen-200-job', limit: 5 }));
    for (const r of recent.json as { uuid: string }[]) expect(recent.table).toContain(r.uuid);
    const flaky = await both(['flaky', 'build_name'], (s) => flakyTests(s.db, 'build_name'));
    const [first] = flaky.json as { test: string }[];
    expect(first).toBeDefined();
    expect(flaky.table).toContain(first.test);
    // Flaky means both outcomes for one build_name: its history says so.
    const history = JSON.parse((await runCli(['tests', 'history', first.test, '--output', 'json', ...db()])).stdout) as { results: { status: string }[] };
    const statuses = history.results.map((r) => r.status);
    expect(statuses.some((st) => st === 'success' || st === 'xfail')).toBe(true);
    expect(statuses.some((st) => st === 'fail' || st === 'uxsuccess')).toBe(true);
  });

  it('timings as JSON and as a subunit stream carry the same durations; partition balances them', async () => {
    const json = await runCli(['tests', 'timings', ...db()]);
    expect(json.code, json.stderr).toBe(0);
    const durations = JSON.parse(json.stdout) as Record<string, number>;
    expect(durations).toEqual(await withStore((s) => meanDurations(s.db)));
    const out = file('timings.subunit');
    expect((await runCli(['tests', 'timings', '--format', 'subunit', '-o', out, ...db()])).code).toBe(0);
    const records = await collect(readSubunitTests([readFileSync(out)]));
    expect(records.length).toBe(Object.keys(durations).length);
    for (const r of records) expect(Math.abs(((r.stopUs as number) - (r.startUs as number)) / 1e6 - durations[r.testId])).toBeLessThanOrEqual(1e-6);

    const parts = await runCli(['tests', 'partition', '--workers', '3', '--output', 'json', ...db()]);
    expect(parts.code, parts.stderr).toBe(0);
    const partition = JSON.parse(parts.stdout) as { tests: string[]; total: number }[];
    expect(partition.length).toBe(3);
    expect(partition.flatMap((p) => p.tests).sort()).toEqual(Object.keys(durations).sort());
    const sum = Object.values(durations).reduce((a, b) => a + b, 0);
    expect(Math.abs(partition.reduce((n, p) => n + p.total, 0) - sum)).toBeLessThanOrEqual(1e-6 * sum);
    const table = await runCli(['tests', 'partition', '--workers', '3', ...db()]);
    expect(table.stdout).toMatch(/worker\s+tests\s+total \(s\)/);
  });

  it('rejects a bad option value with exit 1', async () => {
    const bad = await runCli(['tests', 'runs', 'build_name', '--resolution', 'fortnight', ...db()]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/fortnight/);
  });
});

describe('perfhound export subunit and db expire', () => {
  it('ingest → export → ingest gives identical test results', async () => {
    const ingest = await runCli(['ingest', 'subunit', file('stestr_demo_live.subunit'), '--run-id', 'demo-orig', '--store-attachments', ...db()]);
    expect(ingest.code, ingest.stderr).toBe(0);
    const out = file('exported.subunit');
    const exported = await runCli(['export', 'subunit', 'demo-orig', '-o', out, ...db()]);
    expect(exported.code, exported.stderr).toBe(0);
    const again = await runCli(['ingest', 'subunit', out, '--run-id', 'demo-copy', '--store-attachments', ...db()]);
    expect(again.code, again.stderr).toBe(0);
    const results = async (uuid: string) =>
      withStore(async (s) => {
        const { id } = await s.db.selectFrom('runs').select('id').where('uuid', '=', uuid).executeTakeFirstOrThrow();
        return (await runTestResults(s.db, id)).map(({ testRunId: _, ...rest }) => rest);
      });
    const orig = await results('demo-orig');
    expect(orig.length).toBeGreaterThan(0);
    expect(await results('demo-copy')).toEqual(orig);
    const [a, b] = [await showRun('demo-orig'), await showRun('demo-copy')];
    expect([b.passes, b.fails, b.skips, b.runTime]).toEqual([a.passes, a.fails, a.skips, a.runTime]);

    const missing = await runCli(['export', 'subunit', 'no-such-run', '-o', file('none.subunit'), ...db()]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no-such-run/);
  });

  it('db expire deletes old runs with their results and regressions, keeps recent ones', async () => {
    const old = await runCli(['ingest', 'subunit', file('generated_200_seed1.subunit'), '--run-id', 'ancient', '--run-at', '2000-01-01T00:00:00', ...db()]);
    expect(old.code, old.stderr).toBe(0);
    await withStore((s) =>
      s.db
        .insertInto('regressions')
        .values({ test_name: 't', metric: 'm', run_uuid: 'ancient', timestamp_ms: 0, percentage_change: 1, mean_before: 1, mean_after: 1, pvalue: 0, status: 'open', first_seen_ms: 0, last_seen_ms: 0 })
        .execute(),
    );
    const runsBefore = await withStore((s) => s.db.selectFrom('runs').select('uuid').execute());
    const expired = await runCli(['db', 'expire', '--days', '3650', ...db()]);
    expect(expired.code, expired.stderr).toBe(0);
    expect(expired.stdout).toMatch(/deleted 1 runs and \d+ test results/);
    const runsAfter = (await withStore((s) => s.db.selectFrom('runs').select('uuid').execute())).map((r) => r.uuid);
    expect(runsAfter.sort()).toEqual(runsBefore.map((r) => r.uuid).filter((u) => u !== 'ancient').sort());
    expect(await withStore((s) => s.db.selectFrom('regressions').select('id').where('run_uuid', '=', 'ancient').execute())).toEqual([]);
    expect((await runCli(['db', 'expire', '--days', 'many', ...db()])).code).toBe(1);
  });
});
