/**
 * A caller's progress callback that throws ends the ingest — but only once no run's transaction is
 * open any more: nothing is committed after the ingest has returned.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ingestBulk } from '../../src/ingest/bulk.js';
import { openStore } from '../../src/store/connect.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { BULK_OPTIONS as OPTIONS, bulkRunsFile as bulkFile } from './bulk-runs.js';

for (const dialect of DIALECTS) {
  describe(`progress callback throwing on ${dialect}`, () => {
    const db = useTestDatabase(dialect);

    it('ends the ingest with no run still being written', async () => {
      const store = await openStore(db.url);
      try {
        const failing = () => {
          throw new Error('progress display gone');
        };
        await expect(ingestBulk(store, bulkFile(4, 3000), { ...OPTIONS, onProgress: failing })).rejects.toThrow('progress display gone');
        const count = async () => Number((await store.db.selectFrom('runs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
        const atReturn = await count();
        await sleep(500);
        expect(await count()).toBe(atReturn);
      } finally {
        await store.close();
      }
    });
  });
}
