/**
 * On PostgreSQL a write transaction that pushes a table past autovacuum's analyze threshold analyses it
 * after its commit (src/store/planner-statistics.ts), so a store filled faster than autovacuum looks — or
 * with autovacuum off — is not planned as if empty. `last_analyze` is set only by a manual ANALYZE (an
 * autovacuum's goes to `last_autoanalyze`), so these checks see perfhound's own.
 */
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { ingestBulk } from '../../src/ingest/bulk.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { AnalyzePacer } from '../../src/store/planner-statistics.js';
import { writeRun, type NewDocument } from '../../src/store/runs.js';
import { useTestDatabase } from '../support/databases.js';
import { BULK_OPTIONS, bulkRunsFile } from '../ingest/bulk-runs.js';

const documents = (n: number): NewDocument[] =>
  Array.from({ length: n }, (_, i) => ({ collection: 'ripsaw-kube-burner', timestampMs: i, metricName: `m${i % 5}`, body: `{"value":${i}}` }));

async function lastAnalyze(store: Store, table: string): Promise<string | null> {
  const { rows } = await sql<{ at: string | null }>`SELECT last_analyze::text AS at FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = ${table}`.execute(store.db);
  return rows[0]?.at ?? null;
}

/** Manual ANALYZEs of the table so far. */
async function analyzeCount(store: Store, table: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT analyze_count AS n FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = ${table}`.execute(store.db);
  return Number(rows[0]!.n);
}

async function plannedRows(store: Store, table: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT reltuples::float8 AS n FROM pg_class WHERE oid = ${table}::regclass`.execute(store.db);
  return Number(rows[0]!.n);
}

describe('planner statistics on postgres', () => {
  const db = useTestDatabase('postgres');

  it('analyses the tables a write grew past the threshold, and not after a small write', async () => {
    const store = await openStore(db.url);
    try {
      expect(await lastAnalyze(store, 'documents')).toBeNull();
      await store.writeTransaction((trx) => writeRun(trx, { uuid: 'big', timestampMs: 1, source: 't', collection: 'perf_scale_ci', metadata: { a: 1 } }, documents(2000)), { runsOnly: true });
      const first = await lastAnalyze(store, 'documents');
      expect(first).not.toBeNull();
      // The planner now knows the table's size (before, an unanalysed table is estimated from its pages).
      expect(await plannedRows(store, 'documents')).toBe(2000);
      // 10 more documents are under 50 + 10 % of 2 000: no second analyze.
      await store.writeTransaction((trx) => writeRun(trx, { uuid: 'small', timestampMs: 2, source: 't', collection: 'perf_scale_ci', metadata: { a: 2 } }, documents(10)), { runsOnly: true });
      expect(await lastAnalyze(store, 'documents')).toBe(first);
      // 300 more are over it.
      await store.writeTransaction((trx) => writeRun(trx, { uuid: 'more', timestampMs: 3, source: 't', collection: 'perf_scale_ci', metadata: { a: 3 } }, documents(300)), { runsOnly: true });
      expect(await lastAnalyze(store, 'documents')).not.toBe(first);
      expect(await plannedRows(store, 'documents')).toBe(2310);
    } finally {
      await store.close();
    }
  });

  it('paces the analyses of a write of many transactions, and analyses what is still due at its end', async () => {
    const store = await openStore(db.url);
    try {
      await store.db.deleteFrom('documents').execute();
      await sql`ANALYZE documents`.execute(store.db);
      const before = await analyzeCount(store, 'documents');
      // A clock that never moves: after the first analyze, none is allowed until the end.
      const pacer = new AnalyzePacer(store.db, () => 0);
      for (let i = 0; i < 5; i++) {
        // 400 documents a commit: each is over 50 + 10 % of the table, so each commit makes it due.
        await store.writeTransaction((trx) => writeRun(trx, { uuid: `paced-${i}`, timestampMs: i, source: 't', collection: 'perf_scale_ci', metadata: { a: i } }, documents(400)), { runsOnly: true, analyze: pacer });
      }
      expect(await analyzeCount(store, 'documents')).toBe(before + 1);
      expect(await plannedRows(store, 'documents')).toBe(400);
      await pacer.finish();
      expect(await analyzeCount(store, 'documents')).toBe(before + 2);
      expect(await plannedRows(store, 'documents')).toBe(2000);
    } finally {
      await store.close();
    }
  });
  it('lets its analyses take about 3 % of a long write’s time', async () => {
    const store = await openStore(db.url);
    try {
      // The clock reads, in order: the first analyze starts at 0 and ends at 100 (it took 100 ms); the
      // next commits come 3 232 ms after it (too soon: 100 × 97 / 3 = 3 233.3) and 3 234 ms after it.
      const times = [0, 100, 3332, 3334, 3334, 3434];
      const pacer = new AnalyzePacer(store.db, () => times.shift()!);
      const before = await analyzeCount(store, 'documents');
      await pacer.committed(['documents']);
      expect(await analyzeCount(store, 'documents')).toBe(before + 1);
      await pacer.committed(['documents']);
      expect(await analyzeCount(store, 'documents')).toBe(before + 1);
      await pacer.committed(['documents']);
      expect(await analyzeCount(store, 'documents')).toBe(before + 2);
      expect(times).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('planner statistics after an ingest on postgres', () => {
  const db = useTestDatabase('postgres');

  it('analyses at its end the tables an ingest of many batches left due', async () => {
    const store = await openStore(db.url);
    // The pacer's clock stands still: after the first analyze, only the one at the end is allowed.
    const clock = vi.spyOn(performance, 'now').mockReturnValue(0);
    try {
      const report = await ingestBulk(store, bulkRunsFile(30, 40), { ...BULK_OPTIONS, batchRuns: 1 });
      expect(report.runs.every((r) => r.outcome !== 'failed')).toBe(true);
      expect(await analyzeCount(store, 'documents')).toBe(2);
      expect(await plannedRows(store, 'documents')).toBe(30 * 40);
    } finally {
      clock.mockRestore();
      await store.close();
    }
  });
});
