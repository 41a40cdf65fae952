import { describe, expect, it } from 'vitest';
import { ingestTestRecords } from '../../src/ingest/subunit/ingest.js';
import { readSubunitTests } from '../../src/ingest/subunit/read.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { expireRuns } from '../../src/store/tests.js';
import { exportRunAsSubunit } from '../../src/test-analytics/export.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { chunked, collect, fixtureBytes } from './support.js';

const stream = (name: string) => chunked(fixtureBytes(`streams/${name}.subunit.gz`), 8192);

async function snapshot(store: Store, runUuid: string) {
  const rows = await store.db
    .selectFrom('test_runs')
    .innerJoin('tests', 'tests.id', 'test_runs.test_id')
    .innerJoin('runs', 'runs.id', 'test_runs.run_id')
    .leftJoin('test_run_metadata', 'test_run_metadata.test_run_id', 'test_runs.id')
    .select(['tests.test_id as test', 'test_runs.status', 'test_runs.start_us', 'test_runs.stop_us', 'test_run_metadata.key', 'test_run_metadata.value'])
    .where('runs.uuid', '=', runUuid)
    .execute();
  const attachments = await store.db
    .selectFrom('attachments')
    .innerJoin('test_runs', 'test_runs.id', 'attachments.test_run_id')
    .innerJoin('runs', 'runs.id', 'test_runs.run_id')
    .select(['attachments.label', 'attachments.content_type', 'attachments.body'])
    .where('runs.uuid', '=', runUuid)
    .execute();
  const run = await store.db.selectFrom('runs').select(['passes', 'fails', 'skips', 'run_time']).where('uuid', '=', runUuid).executeTakeFirstOrThrow();
  return {
    run: { ...run, run_time: Number(run.run_time) },
    rows: rows.map((r) => JSON.stringify({ ...r, start_us: Number(r.start_us), stop_us: Number(r.stop_us) })).sort(),
    attachments: attachments.map((a) => `${a.label} ${a.content_type} ${Buffer.from(a.body).toString('base64')}`).sort(),
  };
}

for (const dialect of DIALECTS) {
  describe(`test results ingest edge cases on ${dialect}`, () => {
    const database = useTestDatabase(dialect);

    it('re-ingesting a run id replaces it: same rows, aggregates not double counted', async () => {
      const store = await openStore(database.url);
      try {
        const first = await ingestTestRecords(store, readSubunitTests(stream('stestr_demo_live')), { source: 'subunit', runId: 'again' });
        const before = await store.db.selectFrom('tests').selectAll().orderBy('test_id').execute();
        const again = await ingestTestRecords(store, readSubunitTests(stream('stestr_demo_live')), { source: 'subunit', runId: 'again' });
        const after = await store.db.selectFrom('tests').selectAll().orderBy('test_id').execute();
        expect([first.outcome, again.outcome]).toEqual(['created', 'replaced']);
        expect(after.map((t) => [t.test_id, t.run_count, t.success, t.failure])).toEqual(before.map((t) => [t.test_id, t.run_count, t.success, t.failure]));
        expect(after.map((t) => Number(t.run_time).toFixed(9))).toEqual(before.map((t) => Number(t.run_time).toFixed(9)));
        expect(await store.db.selectFrom('test_runs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst()).toEqual({ n: expect.anything() });
        const n = await store.db.selectFrom('test_runs').select('id').execute();
        expect(n.length).toBe(15);
      } finally {
        await store.close();
      }
    });

    it('stores tests without timestamps, inprogress tests and the parser damage (lenient)', async () => {
      const store = await openStore(database.url);
      try {
        const tap = await ingestTestRecords(store, readSubunitTests(stream('tap2subunit_checks')), { source: 'subunit', runId: 'tap' });
        expect([tap.passes, tap.fails, tap.skips, tap.runTime]).toEqual([3, 1, 1, 0]);
        const cut = await ingestTestRecords(store, readSubunitTests(stream('corrupt_truncated'), { lenient: true }), { source: 'subunit', runId: 'cut' });
        const rows = await store.db
          .selectFrom('test_runs')
          .innerJoin('runs', 'runs.id', 'test_runs.run_id')
          .innerJoin('tests', 'tests.id', 'test_runs.test_id')
          .select(['tests.test_id as test', 'test_runs.status', 'test_runs.stop_us'])
          .where('runs.uuid', '=', 'cut')
          .orderBy('tests.test_id')
          .execute();
        expect(rows.map((r) => [r.test, r.status, r.stop_us])).toEqual([
          ['demo.tests.test_compute.ServersTest.test_console_output', 'inprogress', null],
          ['subunit.parser', 'fail', null],
        ]);
        expect(cut.fails).toBe(1);
      } finally {
        await store.close();
      }
    });

    it('a damaged stream in strict mode writes nothing', async () => {
      const store = await openStore(database.url);
      try {
        await expect(ingestTestRecords(store, readSubunitTests(stream('corrupt_bitflip')), { source: 'subunit', runId: 'bad' })).rejects.toThrow(/byte offset 103592/);
        expect(await store.db.selectFrom('runs').select('id').where('uuid', '=', 'bad').execute()).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('attachments store; ingest → export → ingest gives identical rows', async () => {
      const store = await openStore(database.url);
      try {
        const options = { source: 'subunit', storeAttachments: true, testAttrPrefix: 'id-' } as const;
        await ingestTestRecords(store, readSubunitTests(stream('stestr_demo_live')), { ...options, runId: 'orig' });
        const exported = Buffer.concat(await collect(exportRunAsSubunit(store, 'orig')));
        await ingestTestRecords(store, readSubunitTests([exported]), { ...options, runId: 'copy' });
        const [orig, copy] = [await snapshot(store, 'orig'), await snapshot(store, 'copy')];
        // 9 = the non-empty details of the non-enumeration records in expected/stestr_demo_live.tests.jsonl
        expect(orig.attachments.length).toBe(9);
        expect(orig.attachments.some((a) => a.startsWith('console.bin application/octet-stream'))).toBe(true);
        expect(copy).toEqual(orig);
        const attr = await store.db.selectFrom('test_metadata').select(['key', 'value']).execute();
        expect(attr.map((a) => a.value).sort()).toEqual(['id-1f4f9e36-0c5f-4a68-a5c5-1b9d2f1b0b10', 'id-9a438d88-10c6-4bcd-8b5b-5b6e25e1346f']);
      } finally {
        await store.close();
      }
    });

    it('expire deletes old runs with their test results, metadata, regressions, acks and reports', async () => {
      const store = await openStore(database.url);
      try {
        await ingestTestRecords(store, readSubunitTests(stream('enumeration_only')), { source: 'subunit', runId: 'old', runAtMs: Date.parse('2000-01-01T00:00:00Z') });
        await ingestTestRecords(store, readSubunitTests(stream('generated_200_seed1')), { source: 'subunit', runId: 'recent', runAtMs: Date.parse('2030-01-01T00:00:00Z') });
        const runIds = new Map((await store.db.selectFrom('runs').select(['id', 'uuid']).execute()).map((r) => [r.uuid, Number(r.id)]));
        for (const uuid of ['old', 'recent']) {
          await store.db
            .insertInto('regressions')
            .values({ test_name: 't', metric: 'm', run_uuid: uuid, timestamp_ms: 0, percentage_change: 10, mean_before: 1, mean_after: 1.1, pvalue: 0.01, status: 'open', first_seen_ms: 0, last_seen_ms: 0 })
            .execute();
          await store.db.insertInto('acks').values({ run_uuid: uuid, test_name: null, metric: null, reason: 'known', acked_by: null, created_ms: 0 }).execute();
          await store.db.insertInto('reports').values({ uuid, run_id: runIds.get(uuid) as number, cluster_name: null, report_type: null, run_timestamp_ms: 0, generated_ms: 0, warnings: 0, body: '{}' }).execute();
        }
        const recentResults = await store.db.selectFrom('test_runs').select('id').where('run_id', '=', runIds.get('recent') as number).execute();
        const result = await expireRuns(store.db, Date.parse('2001-01-01T00:00:00Z'));
        expect(result).toEqual({ runs: 1, testRuns: 0, regressions: 1, acks: 1, reports: 1 });
        const left = (await store.db.selectFrom('runs').select('uuid').execute()).map((r) => r.uuid);
        expect(left).toContain('recent');
        expect(left).not.toContain('old');
        expect((await store.db.selectFrom('regressions').select('run_uuid').execute()).map((r) => r.run_uuid)).toEqual(['recent']);
        expect((await store.db.selectFrom('acks').select('run_uuid').execute()).map((r) => r.run_uuid)).toEqual(['recent']);
        expect((await store.db.selectFrom('reports').select('run_id').execute()).map((r) => Number(r.run_id))).toEqual([runIds.get('recent')]);
        expect((await store.db.selectFrom('test_runs').select('id').where('run_id', '=', runIds.get('recent') as number).execute()).length).toBe(recentResults.length);
      } finally {
        await store.close();
      }
    });
  });
}
