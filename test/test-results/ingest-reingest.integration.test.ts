import { describe, expect, it } from 'vitest';
import { ingestTestRecords } from '../../src/ingest/subunit/ingest.js';
import { readSubunitTestBatches } from '../../src/ingest/subunit/read.js';
import type { TestStatus } from '../../src/ingest/subunit/types.js';
import { encodePacket } from '../../src/ingest/subunit/v2-writer.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { BATCH, runTestResults } from '../../src/store/tests.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { chunked } from './support.js';

/**
 * Duplicates as the "names already written" lookup sees them: `dup.x` reported in three batches under
 * different attributes (`[a]`, `[b]`, `[c]`: one name once they are split off), so its stored result is
 * replaced twice across batches, plus `dup.x[b2]` and `dup.y[z]` repeating a name inside their batch. The
 * last result of each name is kept with its own metadata, each duplicate is counted, and ingesting the same
 * run again (it replaces itself) leaves every row, aggregate and count as the first ingest did.
 */
const T0 = Date.UTC(2026, 5, 1) * 1000;
type Entry = [testId: string, status: TestStatus];

function entries(): Entry[] {
  const fill = (from: number, n: number): Entry[] => Array.from({ length: n }, (_, i) => [`fill.test_${from + i}`, 'success']);
  return [
    ['dup.x[a]', 'fail'],
    ['dup.y', 'success'],
    ['dup.y[z]', 'fail'],
    ...fill(0, BATCH),
    ['dup.x[b]', 'success'],
    ['dup.x[b2]', 'skip'],
    ...fill(BATCH, BATCH),
    ['dup.x[c]', 'success'],
  ];
}

function stream(): Buffer {
  return Buffer.concat(
    entries().flatMap(([testId, status], i) => [
      encodePacket({ testId, status: 'inprogress', timestampUs: T0 + i * 1000 }),
      encodePacket({ testId, status, tags: [`n${i}`], timestampUs: T0 + i * 1000 + 10 + (i % 7) }),
    ]),
  );
}

async function snapshot(store: Store) {
  const run = await store.db.selectFrom('runs').select(['id', 'passes', 'fails', 'skips', 'run_time']).where('uuid', '=', 'again').executeTakeFirstOrThrow();
  const results = (await runTestResults(store.db, run.id)).map((r) => [r.name, r.status, r.startUs, r.stopUs, r.metadata]);
  const tests = await store.db.selectFrom('tests').select(['test_id', 'run_count', 'success', 'failure', 'run_time']).orderBy('test_id').execute();
  const counts = await Promise.all((['test_runs', 'test_run_metadata'] as const).map(async (t) => Number((await store.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)));
  return { run: { ...run, id: undefined, run_time: Number(run.run_time) }, results, tests: tests.map((t) => ({ ...t, run_time: t.run_time === null ? null : Number(t.run_time) })), counts };
}

for (const dialect of DIALECTS) {
  describe(`duplicates and a re-ingest on ${dialect}`, () => {
    const database = useTestDatabase(dialect);
    it('keep the last result of each name, and ingesting again changes nothing', async () => {
      const store = await openStore(database.url);
      try {
        const first = await ingestTestRecords(store, readSubunitTestBatches(chunked(stream(), 8192)), { source: 'subunit', runId: 'again' });
        const after = await snapshot(store);
        expect(first.duplicates).toBe(4);
        expect(first.tests).toBe(2 * BATCH + 2);
        const kept = after.results.filter((r) => String(r[0]).startsWith('dup.'));
        const i = entries().length - 1;
        expect(kept).toEqual([
          ['dup.y', 'fail', T0 + 2000, T0 + 2000 + 12, { tags: 'n2', attrs: 'z' }],
          ['dup.x', 'success', T0 + i * 1000, T0 + i * 1000 + 10 + (i % 7), { tags: `n${i}`, attrs: 'c' }],
        ]);
        expect(after.tests.filter((t) => t.test_id.startsWith('dup.')).map((t) => [t.test_id, t.run_count, t.success, t.failure])).toEqual([
          ['dup.x', 1, 1, 0],
          ['dup.y', 1, 0, 1],
        ]);
        expect(after.counts[0]).toBe(first.tests);

        const second = await ingestTestRecords(store, readSubunitTestBatches(chunked(stream(), 8192)), { source: 'subunit', runId: 'again' });
        expect({ ...second, outcome: first.outcome }).toEqual(first);
        expect(second.outcome).toBe('replaced');
        expect(await snapshot(store)).toEqual(after);
      } finally {
        await store.close();
      }
    });
  });
}
