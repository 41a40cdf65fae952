import { describe, expect, it } from 'vitest';
import { ingestTestRecords } from '../../src/ingest/subunit/ingest.js';
import { readSubunitTestBatches } from '../../src/ingest/subunit/read.js';
import { encodePacket } from '../../src/ingest/subunit/v2-writer.js';
import type { TestStatus } from '../../src/ingest/subunit/types.js';
import { openStore } from '../../src/store/connect.js';
import { BATCH } from '../../src/store/tests.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { chunked } from './support.js';

/**
 * A test id reported twice in one stream: the later result is kept (as subunit2sql does), whether the
 * earlier one is still in the batch being collected or already written (more than BATCH results apart),
 * and the test's aggregates count only the kept result.
 */
interface Result {
  id: string;
  status: TestStatus;
  startUs: number;
  durationUs: number;
}

function stream(results: Result[]): Buffer {
  return Buffer.concat(
    results.flatMap((r) => [
      encodePacket({ testId: r.id, status: 'inprogress', timestampUs: r.startUs }),
      encodePacket({ testId: r.id, status: r.status, timestampUs: r.startUs + r.durationUs }),
    ]),
  );
}

const T0 = Date.UTC(2026, 5, 1) * 1000;
const filler = (n: number, from: number): Result[] =>
  Array.from({ length: n }, (_, i) => ({ id: `filler.test_${from + i}`, status: 'success', startUs: T0 + (from + i) * 1000, durationUs: 500 }));

for (const dialect of DIALECTS) {
  describe(`duplicate test ids in one stream on ${dialect}`, () => {
    const database = useTestDatabase(dialect);
    it('keeps the later result, in the same batch and across batches', async () => {
      const near = [
        { id: 'dup.near', status: 'fail', startUs: T0 - 10_000, durationUs: 3000 },
        { id: 'dup.near', status: 'success', startUs: T0 - 5000, durationUs: 2000 },
      ] satisfies Result[];
      const farFirst = { id: 'dup.far', status: 'success', startUs: T0 - 20_000, durationUs: 7000 } satisfies Result;
      const farLater = { id: 'dup.far', status: 'fail', startUs: T0 + 10_000_000, durationUs: 1000 } satisfies Result;
      const fillers = filler(BATCH + 10, 0);
      const results: Result[] = [farFirst, ...near, ...fillers, farLater];
      const store = await openStore(database.url);
      try {
        const summary = await ingestTestRecords(store, readSubunitTestBatches(chunked(stream(results), 4096)), { source: 'subunit', runId: 'dups' });
        expect(summary.duplicates).toBe(2);
        expect(summary.tests).toBe(fillers.length + 2);
        // Totals count each test once, with its kept status.
        expect([summary.passes, summary.fails]).toEqual([fillers.length + 1, 1]);

        const rows = await store.db
          .selectFrom('test_runs')
          .innerJoin('tests', 'tests.id', 'test_runs.test_id')
          .select(['tests.test_id as name', 'test_runs.status', 'test_runs.start_us', 'test_runs.stop_us', 'tests.run_count', 'tests.success', 'tests.failure', 'tests.run_time'])
          .where('tests.test_id', 'in', ['dup.near', 'dup.far'])
          .orderBy('tests.test_id')
          .execute();
        const kept = [farLater, near[1]];
        expect(rows.map((r) => [r.name, r.status, Number(r.start_us), Number(r.stop_us)])).toEqual(kept.map((k) => [k.id, k.status, k.startUs, k.startUs + k.durationUs]));
        expect(rows.map((r) => [r.run_count, r.success, r.failure])).toEqual(kept.map((k) => (k.status === 'success' ? [1, 1, 0] : [1, 0, 1])));
        // run_time: the successful duration; a test without success keeps its first remaining duration.
        expect(rows.map((r) => Number(r.run_time))).toEqual(kept.map((k) => k.durationUs / 1e6));
        const count = await store.db.selectFrom('test_runs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        expect(Number(count.n)).toBe(summary.tests);
      } finally {
        await store.close();
      }
    });
  });
}
