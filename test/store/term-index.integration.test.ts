/**
 * run_terms (src/store/term-index.ts) on every dialect: a run's term keys are found by a lookup, a replaced
 * run's old keys are gone and its new ones found, an expired run's keys are deleted with it, and a run
 * written in a transaction rolled back leaves no key.
 */
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/connect.js';
import { writeRun } from '../../src/store/runs.js';
import { termLookup } from '../../src/store/term-index.js';
import { expireRuns } from '../../src/store/tests.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { runsWithTerm } from '../support/term-runs.js';

const base = Date.UTC(2026, 0, 1);

for (const dialect of DIALECTS) {
  describe(`run_terms on ${dialect}`, () => {
    const db = useTestDatabase(dialect);

    it('finds, replaces and deletes a run’s keys with the run', async () => {
      const store = await openStore(db.url);
      try {
        const write = (uuid: string, at: number, metadata: Record<string, unknown>) =>
          store.transaction((trx) => writeRun(trx, { uuid, timestampMs: at, source: 'test', collection: 'meta', metadata }));
        await write('a', base, { platform: 'AWS-ocp', nodes: 3 });
        await write('b', base + 5, { platform: 'AWS', nodes: [3, 4] });
        expect(await runsWithTerm(store, 'platform', 't:aws')).toEqual(['a', 'b']);
        expect(await runsWithTerm(store, 'platform', 'k:AWS')).toEqual(['b']);
        expect(await runsWithTerm(store, 'nodes', 'n:4')).toEqual(['b']);
        expect(await termLookup(store.db, []).execute()).toEqual([]);

        await write('a', base, { platform: 'GCP', nodes: 4 });
        expect(await runsWithTerm(store, 'platform', 't:ocp')).toEqual([]);
        expect(await runsWithTerm(store, 'platform', 'k:GCP')).toEqual(['a']);
        expect(await runsWithTerm(store, 'nodes', 'n:4')).toEqual(['a', 'b']);
        expect(await runsWithTerm(store, 'nodes', 'n:3')).toEqual(['b']);

        await expect(
          store.transaction(async (trx) => {
            await writeRun(trx, { uuid: 'c', timestampMs: base + 9, source: 'test', collection: 'meta', metadata: { platform: 'Azure' } });
            throw new Error('rolled back');
          }),
        ).rejects.toThrow('rolled back');
        expect(await runsWithTerm(store, 'platform', 'k:Azure')).toEqual([]);

        // A run replaced by one without terms, and again: its keys go, nothing is left to delete the second time.
        await write('e', base + 7, { platform: 'Azure' });
        await write('e', base + 7, {});
        await write('e', base + 7, {});
        expect(await runsWithTerm(store, 'platform', 'k:Azure')).toEqual([]);

        await expireRuns(store.db, base + 1);
        expect(await runsWithTerm(store, 'nodes', 'n:4')).toEqual(['b']);
        expect(await runsWithTerm(store, 'platform', 'k:GCP')).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });
}
