/**
 * The daemon's analyses are kept by what they read (issue 17): after an ingest only the tests whose runs
 * changed are analysed again — on every dialect, with the versions in the database, so an ingest by another
 * process (a second connection here, as another daemon or the CLI would be) is seen; a write of anything
 * but runs (an ack, a status) recomputes every test as before; a run outside a test's time window leaves it.
 */
import { describe, expect, it } from 'vitest';
import { CachedAnalysis } from '../../src/server/cached-analysis.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { writeRun } from '../../src/store/runs.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';

const base = Date.UTC(2026, 0, 1);
const CONFIG = ['a', 'b']
  .map((name) => `  - name: ${name}\n    metadata:\n      benchmark.keyword: ${name}\n    metrics:\n      - name: cpu\n        metricName.keyword: cpu\n        metric_of_interest: value\n`)
  .join('');

/** Run i of benchmark `name` (a day apart), written as an ingest writes it. */
async function ingestRun(store: Store, name: string, i: number): Promise<void> {
  const uuid = `${name}-${i}`;
  const ts = base + i * 86_400_000;
  const doc = { collection: 'results', timestampMs: ts, metricName: 'cpu', body: JSON.stringify({ uuid, timestamp: new Date(ts).toISOString(), metricName: 'cpu', value: 10 + (i % 3) }) };
  await store.writeTransaction((trx) => writeRun(trx, { uuid, timestampMs: ts, source: 'test', collection: 'perf_scale_ci', metadata: { uuid, benchmark: name, timestamp: new Date(ts).toISOString() } }, [doc]), { runsOnly: true });
}

for (const dialect of DIALECTS) {
  describe(`daemon caches keyed by what an analysis reads (${dialect})`, () => {
    const db = useTestDatabase(dialect);

    it('analyses again only the test whose runs an ingest changed; any other write, every test', async () => {
      const daemon = await openStore(db.url);
      const other = await openStore(db.url);
      try {
        for (let i = 0; i < 6; i++) {
          await ingestRun(other, 'a', i);
          await ingestRun(other, 'b', i);
        }
        const analyses = new CachedAnalysis(daemon);
        const parsed = await analyses.bodyConfig(`tests:\n${CONFIG}`, undefined);
        const reports = async (options = {}) => analyses.testReports(parsed, [0, 1], await analyses.snapshot(options));
        const rows = (list: Awaited<ReturnType<typeof reports>>) => list.map((r) => r.rows.length);

        const first = await reports();
        expect(rows(first)).toEqual([6, 6]);
        expect(analyses.analysisLoad().started).toBe(2);

        // Another process ingests a run of b: b is analysed again, a's report is the one computed before.
        await ingestRun(other, 'b', 6);
        const second = await reports();
        expect(rows(second)).toEqual([6, 7]);
        expect(analyses.analysisLoad().started).toBe(3);
        expect(second[0]).toBe(first[0]);

        // A run of b replaced (same uuid, new value): b again.
        await other.writeTransaction((trx) => writeRun(trx, { uuid: 'b-0', timestampMs: base, source: 'test', collection: 'perf_scale_ci', metadata: { uuid: 'b-0', benchmark: 'b', timestamp: new Date(base).toISOString() } }, [
          { collection: 'results', timestampMs: base, metricName: 'cpu', body: JSON.stringify({ uuid: 'b-0', timestamp: new Date(base).toISOString(), metricName: 'cpu', value: 99 }) },
        ]), { runsOnly: true });
        const third = await reports();
        expect(analyses.analysisLoad().started).toBe(4);
        expect(third[1].rows[0]).not.toEqual(second[1].rows[0]);
        expect(third[0]).toBe(first[0]);

        // A run of a outside the window of a request with --since: that request's report of a stays.
        const since = { since: new Date(base + 3.5 * 86_400_000).toISOString().slice(0, 10) };
        const windowed = await reports(since);
        expect(analyses.analysisLoad().started).toBe(6);
        await ingestRun(other, 'a', 20);
        const windowedAgain = await reports(since);
        expect(windowedAgain[0]).toBe(windowed[0]);
        expect(windowedAgain[1]).toBe(windowed[1]);
        expect(analyses.analysisLoad().started).toBe(6);

        // A write of anything but runs (acks, statuses…): every test again.
        await other.writeTransaction(async () => undefined);
        await reports();
        expect(analyses.analysisLoad().started).toBe(8);
      } finally {
        await daemon.close();
        await other.close();
      }
    });
  });
}
