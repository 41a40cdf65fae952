import { describe, expect, it } from 'vitest';
import { DIALECTS, useTestDatabase } from '../../test/support/databases.js';
import { openStore, schemaStatus } from './connect.js';
import { documentCounts, getRun, listRuns, tableCounts, writeRun } from './runs.js';
import { LATEST_MIGRATION } from './migrations/index.js';

for (const dialect of DIALECTS) {
  describe(`store on ${dialect}`, () => {
    const db = useTestDatabase(dialect);

    it('migrates on first use and reports the version', async () => {
      const store = await openStore(db.url);
      try {
        const status = await schemaStatus(store);
        expect(status.version).toBe(LATEST_MIGRATION);
        expect(status.pending).toEqual([]);
        const counts = await tableCounts(store.db);
        expect(counts.runs).toBe(0);
        expect(Object.keys(counts)).toContain('test_runs');
      } finally {
        await store.close();
      }
    });

    it('writes runs idempotently and filters them by metadata, in time order', async () => {
      const store = await openStore(db.url);
      try {
        const base = Date.UTC(2026, 0, 10);
        for (let i = 0; i < 5; i++) {
          const doc = { uuid: `u${i}`, metricName: 'cpu', value: i * 1.5, labels: { ns: 'a' } };
          await store.transaction((trx) =>
            writeRun(
              trx,
              {
                uuid: `u${i}`,
                timestampMs: base + (4 - i) * 86_400_000, // inserted newest first
                source: 'test',
                collection: 'meta',
                metadata: { platform: i % 2 ? 'AWS' : 'GCP', nodes: { workers: 3 }, count: i, long: 'x'.repeat(600), tags: i < 2 ? ['a', 'b'] : ['a'], owner: i === 3 ? null : 'team', ok: i % 2 === 0 },
                buildUrl: `https://ci/${i}`,
              },
              [{ collection: 'metrics', timestampMs: base, metricName: 'cpu', body: JSON.stringify(doc) }],
            ),
          );
        }
        const gcp = await listRuns(store.db, { where: { platform: 'GCP' } });
        expect(gcp.map((r) => r.uuid)).toEqual(['u4', 'u2', 'u0']);
        expect(gcp[0].metadata).toMatchObject({ platform: 'GCP', nodes: { workers: 3 }, count: 4 });
        expect(await listRuns(store.db, { where: { 'nodes.workers': '3', count: '2' } })).toHaveLength(1);
        expect(await listRuns(store.db, { where: { long: 'x'.repeat(600) } })).toHaveLength(5);
        expect(await listRuns(store.db, { where: { long: 'x'.repeat(599) } })).toHaveLength(0);
        // Values kept as the JSON of an array or as '' (a null) have no term of their own: compared row by row.
        const uuids = async (where: Record<string, string>) => (await listRuns(store.db, { where })).map((r) => r.uuid);
        expect(await uuids({ tags: '["a","b"]' })).toEqual(['u1', 'u0']);
        expect(await uuids({ tags: 'a' })).toEqual([]);
        expect(await uuids({ owner: '' })).toEqual(['u3']);
        expect(await uuids({ owner: 'team', ok: 'true' })).toEqual(['u4', 'u2', 'u0']);
        expect(await uuids({ ok: 'false', count: '3' })).toEqual(['u3']);
        const newest2 = await listRuns(store.db, { limit: 2 });
        expect(newest2.map((r) => r.uuid)).toEqual(['u1', 'u0']);
        const since = await listRuns(store.db, { since: new Date(base + 3 * 86_400_000) });
        expect(since.map((r) => r.uuid)).toEqual(['u1', 'u0']);

        const before = await tableCounts(store.db);
        const again = await store.transaction((trx) =>
          writeRun(
            trx,
            { uuid: 'u0', timestampMs: base + 4 * 86_400_000, source: 'test', collection: 'meta', metadata: { platform: 'GCP' } },
            [{ collection: 'metrics', timestampMs: base, metricName: 'cpu', body: '{"uuid":"u0","value":9}' }],
          ),
        );
        expect(again.outcome).toBe('replaced');
        const after = await tableCounts(store.db);
        expect(after.runs).toBe(before.runs);
        expect(after.documents).toBe(before.documents);
        expect((await getRun(store.db, 'u0')).metadata).toEqual({ platform: 'GCP' });
        expect(await documentCounts(store.db, 'u0')).toEqual({ metrics: 1 });
        const doc = await store.db
          .selectFrom('documents')
          .innerJoin('runs', 'runs.id', 'documents.run_id')
          .select(['documents.collection', 'documents.timestamp_ms', 'documents.metric_name', 'documents.body'])
          .where('runs.uuid', '=', 'u1')
          .executeTakeFirstOrThrow();
        expect(doc).toEqual({
          collection: 'metrics',
          timestamp_ms: base,
          metric_name: 'cpu',
          body: JSON.stringify({ uuid: 'u1', metricName: 'cpu', value: 1.5, labels: { ns: 'a' } }),
        });
      } finally {
        await store.close();
      }
    });

    it('rolls a failed transaction back completely', async () => {
      const store = await openStore(db.url);
      try {
        await expect(
          store.transaction(async (trx) => {
            await writeRun(trx, { uuid: 'rollback', timestampMs: 1, source: 't', collection: 'm', metadata: {} });
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        await expect(getRun(store.db, 'rollback')).rejects.toThrow(/no run/);
      } finally {
        await store.close();
      }
    });
  });
}

describe('store URLs', () => {
  it('refuses an unreachable server with one clear line', async () => {
    await expect(openStore('postgres://nobody@127.0.0.1:1/x')).rejects.toThrow(/cannot connect to database postgres:\/\/nobody@127.0.0.1:1\/x/);
  });
  it('refuses an unknown scheme', async () => {
    await expect(openStore('oracle://x')).rejects.toThrow(/unsupported database URL/);
  });
});
