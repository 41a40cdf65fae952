import { describe, expect, it } from 'vitest';
import { readSubunitTests } from '../../src/ingest/subunit/read.js';
import { ingestTestRecords, type TestIngestOptions } from '../../src/ingest/subunit/ingest.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { chunked, fixtureBytes, readJson } from './support.js';

/**
 * The series of expected/subunit2sql/COMMANDS.log, ingested in the same order with the same options, must
 * give the rows the real subunit2sql wrote (series.compact.json.gz), on every dialect.
 */
interface Golden {
  runs: { uuid: string; skips: number; fails: number; passes: number; run_time: number; artifacts: string; run_at: string }[];
  run_metadata: { run: string; key: string; value: string }[];
  tests: { test_id: string; run_count: number; success: number; failure: number; run_time: number }[];
  test_runs: { run: string; test: string; status: string; start_us: number; stop_us: number }[];
  test_run_metadata: { run: string; test: string; key: string; value: string }[];
}

/** COMMANDS.log, in order: stream, run id, run_meta, artifacts, run_at, wall time. */
export const SERIES: [string, string, string, string | undefined, string, boolean][] = [
  ['generated_200_seed1', 'gen200-seed1', 'build_name:gen-200-job,project:openstack/gen,build_queue:gate,build_uuid:gen200uuid1,node_provider:provider-1', 'http://logs.example.org/gen200/1', '2026-11-01T06:00:00', false],
  ['generated_200_seed2', 'gen200-seed2', 'build_name:gen-200-job,project:openstack/gen,build_queue:gate,build_uuid:gen200uuid2,node_provider:provider-0', 'http://logs.example.org/gen200/2', '2026-11-02T06:00:00', false],
  ['generated_200_seed3', 'gen200-seed3', 'build_name:gen-200-job,project:openstack/gen,build_queue:check,build_uuid:gen200uuid3,node_provider:provider-1', 'http://logs.example.org/gen200/3', '2026-11-03T06:00:00', false],
  ['generated_200_seed4', 'gen200-seed4', 'build_name:gen-200-job,project:openstack/gen,build_queue:gate,build_uuid:gen200uuid4,node_provider:provider-0', 'http://logs.example.org/gen200/4', '2026-11-04T06:00:00', false],
  ['generated_200_seed5', 'gen200-seed5', 'build_name:gen-200-job,project:openstack/gen,build_queue:gate,build_uuid:gen200uuid5,node_provider:provider-1', 'http://logs.example.org/gen200/5', '2026-11-05T06:00:00', false],
  ['generated_200_allpass_seed1', 'gen200-stable-1', 'build_name:gen-200-stable-job,project:openstack/gen,build_queue:gate,build_uuid:gen200stable1', 'http://logs.example.org/gen200-stable/1', '2026-11-01T18:00:00', false],
  ['generated_200_allpass_seed2', 'gen200-stable-2', 'build_name:gen-200-stable-job,project:openstack/gen,build_queue:gate,build_uuid:gen200stable2', 'http://logs.example.org/gen200-stable/2', '2026-11-02T18:00:00', false],
  ['generated_200_allpass_seed3', 'gen200-stable-3', 'build_name:gen-200-stable-job,project:openstack/gen,build_queue:gate,build_uuid:gen200stable3', 'http://logs.example.org/gen200-stable/3', '2026-11-03T18:00:00', false],
  ['generated_1200_parallel', 'gen1200-0001', 'build_name:gen-1200-job,project:openstack/gen,build_queue:gate,build_uuid:gen1200uuid1', 'http://logs.example.org/gen1200/1', '2026-11-05T09:00:00', true],
  ['stestr_demo_live', 'demo-0001', 'build_name:demo-job,project:openstack/demo,build_queue:gate,build_uuid:demouuid1', 'http://logs.example.org/demo/0001', '2026-11-03T12:00:00', false],
  ['real_subunit_selftest', 'subunit-selftest-0001', 'build_name:subunit-selftest,project:testing-cabal/subunit,build_queue:periodic,build_uuid:selftestuuid1', undefined, '2026-11-04T08:00:00', false],
];

export function parseRunMeta(text: string): Record<string, string> {
  return Object.fromEntries(text.split(',').map((kv) => [kv.slice(0, kv.indexOf(':')), kv.slice(kv.indexOf(':') + 1)]));
}

export async function ingestSeries(store: Store): Promise<void> {
  for (const [stream, runId, meta, artifacts, runAt, wall] of SERIES) {
    const options: TestIngestOptions = {
      source: 'subunit',
      runId,
      runMeta: parseRunMeta(meta),
      artifacts,
      runAtMs: Date.parse(runAt + 'Z'),
      useRunWallTime: wall,
    };
    await ingestTestRecords(store, readSubunitTests(chunked(fixtureBytes(`streams/${stream}.subunit.gz`), 65536), { keepAttachmentBytes: false }), options);
  }
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

for (const dialect of DIALECTS) {
  describe(`subunit2sql series on ${dialect}`, () => {
    const database = useTestDatabase(dialect);
    it('gives the runs, tests and test runs the real subunit2sql wrote', async () => {
      const golden = readJson<Golden>('subunit2sql/series.compact.json.gz');
      const store = await openStore(database.url);
      try {
        await ingestSeries(store);
        const runs = await store.db.selectFrom('runs').selectAll().orderBy('id').execute();
        expect(runs.map((r) => r.uuid)).toEqual(golden.runs.map((r) => r.uuid));
        for (const [i, g] of golden.runs.entries()) {
          const r = runs[i];
          expect([r.passes, r.fails, r.skips, r.artifacts], g.uuid).toEqual([g.passes, g.fails, g.skips, g.artifacts]);
          expect(close(Number(r.run_time), g.run_time), `${g.uuid} run_time ${r.run_time} vs ${g.run_time}`).toBe(true);
          expect(new Date(Number(r.timestamp_ms)).toISOString().slice(0, 19)).toBe(g.run_at.slice(0, 19).replace(' ', 'T'));
        }
        const tests = await store.db.selectFrom('tests').selectAll().execute();
        const byName = new Map(tests.map((t) => [t.test_id, t]));
        expect(tests.length).toBe(golden.tests.length);
        for (const g of golden.tests) {
          const t = byName.get(g.test_id);
          expect([t?.run_count, t?.success, t?.failure], g.test_id).toEqual([g.run_count, g.success, g.failure]);
          expect(close(Number(t?.run_time), g.run_time), `${g.test_id} run_time ${t?.run_time} vs ${g.run_time}`).toBe(true);
        }
        const testRuns = await store.db
          .selectFrom('test_runs')
          .innerJoin('tests', 'tests.id', 'test_runs.test_id')
          .innerJoin('runs', 'runs.id', 'test_runs.run_id')
          .select(['runs.uuid as run', 'tests.test_id as test', 'test_runs.status', 'test_runs.start_us', 'test_runs.stop_us'])
          .execute();
        const key = (r: { run: string; test: string }) => `${r.run} ${r.test}`;
        const actual = new Map(testRuns.map((r) => [key(r), { ...r, start_us: Number(r.start_us), stop_us: Number(r.stop_us) }]));
        expect(testRuns.length).toBe(golden.test_runs.length);
        for (const g of golden.test_runs) expect(actual.get(key(g)), key(g)).toEqual(g);
        const meta = await store.db
          .selectFrom('test_run_metadata')
          .innerJoin('test_runs', 'test_runs.id', 'test_run_metadata.test_run_id')
          .innerJoin('tests', 'tests.id', 'test_runs.test_id')
          .innerJoin('runs', 'runs.id', 'test_runs.run_id')
          .select(['runs.uuid as run', 'tests.test_id as test', 'test_run_metadata.key', 'test_run_metadata.value'])
          .execute();
        const norm = (m: { run: string; test: string; key: string; value: string }) =>
          `${m.run} ${m.test} ${m.key}=${m.key === 'tags' ? m.value.split(',').sort().join(',') : m.value}`;
        expect(meta.map(norm).sort()).toEqual(golden.test_run_metadata.map(norm).sort());
      } finally {
        await store.close();
      }
    });
  });
}
