/**
 * runCollections: the distinct collections of `runs` by a loose index scan (a recursive CTE), on every
 * dialect — the same set `SELECT DISTINCT` gives, in order, whatever the number of runs per collection.
 */
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/connect.js';
import { runCollections } from '../../src/store/run-collections.js';
import { writeRun } from '../../src/store/runs.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';

for (const dialect of DIALECTS) {
  describe(`run collections on ${dialect}`, () => {
    const db = useTestDatabase(dialect);

    it('lists each collection of the runs once, in order, and none of an empty store', async () => {
      const store = await openStore(db.url);
      try {
        expect(await runCollections(store.db)).toEqual([]);
        const collections = ['perf_scale_ci', 'b-metadata', 'perf_scale_ci', 'a_runs', 'perf_scale_ci-2', 'b-metadata', 'perf_scale_ci'];
        await store.writeTransaction(async (trx) => {
          for (const [i, collection] of collections.entries()) {
            await writeRun(trx, { uuid: `run-${i}`, timestampMs: 1000 - i, source: 't', collection, metadata: {} }, []);
          }
        });
        const distinct = (await store.db.selectFrom('runs').select('collection').distinct().execute()).map((r) => r.collection).sort();
        expect(await runCollections(store.db)).toEqual(distinct);
        expect(distinct).toEqual(['a_runs', 'b-metadata', 'perf_scale_ci', 'perf_scale_ci-2']);
      } finally {
        await store.close();
      }
    });
  });
}
