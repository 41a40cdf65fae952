import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/connect.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { ingestSeries } from './series.js';
import { readJson } from './support.js';

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
