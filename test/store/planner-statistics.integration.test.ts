/**
 * On PostgreSQL a write transaction that pushes a table past autovacuum's analyze threshold analyses it
 * after its commit (src/store/planner-statistics.ts), so a store filled faster than autovacuum looks — or
 * with autovacuum off — is not planned as if empty. `last_analyze` is set only by a manual ANALYZE (an
 * autovacuum's goes to `last_autoanalyze`), so these checks see perfhound's own.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/connect.js';
import { writeRun, type NewDocument } from '../../src/store/runs.js';
import { useTestDatabase } from '../support/databases.js';

const documents = (n: number): NewDocument[] =>
  Array.from({ length: n }, (_, i) => ({ collection: 'ripsaw-kube-burner', timestampMs: i, metricName: `m${i % 5}`, body: `{"value":${i}}` }));

async function lastAnalyze(store: Store, table: string): Promise<string | null> {
  const { rows } = await sql<{ at: string | null }>`SELECT last_analyze::text AS at FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = ${table}`.execute(store.db);
  return rows[0]?.at ?? null;
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
});
