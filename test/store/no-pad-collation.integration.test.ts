import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/connect.js';
import { listRuns, writeRun } from '../../src/store/runs.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { withStoreAt } from '../support/migrate.js';

/** Runs whose uuids and metadata values differ only by trailing spaces: distinct on every dialect (0009). */
async function writePaddedRuns(store: Store, uuids: string[]): Promise<void> {
  for (const uuid of uuids) {
    await store.writeTransaction((trx) =>
      writeRun(trx, { uuid, timestampMs: 1_780_000_000_000 + uuid.length, source: 'test', collection: 'runs', metadata: { branch: uuid.replace('run', 'main') } }, []),
    );
  }
}

const uuids = async (store: Store, where?: Record<string, string>) => (await listRuns(store.db, { where })).map((r) => r.uuid);

for (const dialect of DIALECTS) {
  describe(`text keys apart only by trailing spaces on ${dialect}`, () => {
    const fresh = useTestDatabase(dialect);
    const old = useTestDatabase(dialect);

    it('are distinct runs, and --where matches the exact value', async () => {
      const store = await openStore(fresh.url);
      try {
        await writePaddedRuns(store, ['run', 'run ', 'run  ']);
        expect(await uuids(store)).toEqual(['run', 'run ', 'run  ']);
        expect(await uuids(store, { branch: 'main ' })).toEqual(['run ']);
        // Writing them again replaces each one, none another.
        await writePaddedRuns(store, ['run ', 'run']);
        expect((await uuids(store)).sort()).toEqual(['run', 'run ', 'run  ']);
      } finally {
        await store.close();
      }
    });

    it('a store made before the conversion keeps its rows and then tells them apart', async () => {
      await withStoreAt(old.url, '0008_test_runs_indexes', (before) => writePaddedRuns(before, ['run']));
      const after = await openStore(old.url);
      try {
        await writePaddedRuns(after, ['run ']);
        expect(await uuids(after)).toEqual(['run', 'run ']);
        expect(await uuids(after, { branch: 'main' })).toEqual(['run']);
      } finally {
        await after.close();
      }
    });
  });
}
