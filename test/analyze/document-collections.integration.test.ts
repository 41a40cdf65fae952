/**
 * `document_collections` (migration 0006) on every dialect: ingest records each run's collection names
 * once, a store migrated before 0006 gets them back-filled from its documents, and the store source picks
 * benchmark collections from them.
 */
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/connect.js';
import { listDocumentCollections } from '../../src/store/document-collections.js';
import { writeDocuments, writeRun } from '../../src/store/runs.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { withStoreAt } from '../support/migrate.js';

const run = (uuid: string) => ({ uuid, timestampMs: Date.UTC(2026, 0, 10), source: 'test', collection: 'meta', metadata: { uuid } });
const doc = (collection: string) => ({ collection, timestampMs: null, metricName: 'cpu', body: '{"value":1}' });

for (const dialect of DIALECTS) {
  describe(`document_collections on ${dialect}`, () => {
    const fresh = useTestDatabase(dialect);
    const old = useTestDatabase(dialect);

    it('records the collections each write brings, once each, replaced runs included', async () => {
      const store = await openStore(fresh.url);
      try {
        await store.transaction((trx) => writeRun(trx, run('r1'), [doc('b-metrics'), doc('a-metrics'), doc('b-metrics')]));
        await store.transaction((trx) => writeRun(trx, run('r2'), [doc('b-metrics')]));
        await store.transaction((trx) => writeRun(trx, run('r1'), [doc('c-metrics')]));
        await store.transaction((trx) => writeDocuments(trx, run('r3'), [doc('d-metrics')]));
        await store.transaction((trx) => writeDocuments(trx, run('r3'), [doc('e-metrics'), doc('a-metrics')]));
        expect(await listDocumentCollections(store.db)).toEqual(['a-metrics', 'b-metrics', 'c-metrics', 'd-metrics', 'e-metrics']);
      } finally {
        await store.close();
      }
    });

    it('back-fills the names of documents written before the migration', async () => {
      await withStoreAt(old.url, '0005_data_version', async (before) => {
        // Written as 0005 knew them: straight into `documents`.
        await before.db.insertInto('runs').values({ uuid: 'o1', timestamp_ms: 1, source: 't', collection: 'meta', metadata: '{}', ingested_ms: 1 }).execute();
        const { id } = await before.db.selectFrom('runs').select('id').where('uuid', '=', 'o1').executeTakeFirstOrThrow();
        for (const collection of ['old-y', 'old-x', 'old-y']) {
          await before.db.insertInto('documents').values({ run_id: Number(id), collection, timestamp_ms: null, metric_name: null, body: '{}' }).execute();
        }
      });
      const after = await openStore(old.url);
      try {
        expect(await listDocumentCollections(after.db)).toEqual(['old-x', 'old-y']);
      } finally {
        await after.close();
      }
    });
  });
}
