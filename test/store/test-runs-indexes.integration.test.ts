/**
 * Migration 0008 on every dialect: a store made before it (four indexes on test_runs) keeps its results
 * and answers per-test and per-run questions the same after dropping (test_id, status) and
 * (test_id, start_us); a fresh store has only the unique (test_id, run_id) and (run_id); a store where a
 * run of 0008 stopped between its two drops (MariaDB/MySQL commit each DDL statement at once) finishes it.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ingestTestRecords } from '../../src/ingest/subunit/ingest.js';
import { readSubunitTestBatches } from '../../src/ingest/subunit/read.js';
import { encodePacket } from '../../src/ingest/subunit/v2-writer.js';
import type { TestStatus } from '../../src/ingest/subunit/types.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { recentFailedRuns, testHistory, testRates } from '../../src/test-analytics/analytics.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { migrateStoreTo, withStoreAt, writeAsAt } from '../support/migrate.js';

const T0 = Date.UTC(2026, 5, 1) * 1000;
const STATUSES: TestStatus[] = ['success', 'fail', 'skip', 'success', 'xfail'];

/** Run `r` of three: every test once, in an order that differs between runs, ingested latest first, so start order ≠ id order. */
function stream(r: number): Buffer {
  const packets: Buffer[] = [];
  for (let i = 0; i < 12; i++) {
    const k = (i * 5 + r * 7) % 12;
    const startUs = T0 + (2 - r) * 86_400_000_000 + (11 - k) * 1_000_000;
    const testId = `pkg.mod.test_${k}`;
    packets.push(encodePacket({ testId, status: 'inprogress', timestampUs: startUs }));
    packets.push(encodePacket({ testId, status: STATUSES[(k + r) % STATUSES.length], timestampUs: startUs + 1000 * (k + 1) }));
  }
  return Buffer.concat(packets);
}

async function ingestRuns(store: Store): Promise<void> {
  for (let r = 0; r < 3; r++) {
    await ingestTestRecords(store, readSubunitTestBatches([stream(r)]), { source: 'subunit', runId: `run-${r}`, runMeta: { build_name: 'job' } });
  }
}

async function answers(store: Store) {
  return {
    history: await testHistory(store.db, 'pkg.mod.test_3', { startMs: T0 / 1000 + 86_400_000 }),
    rates: await testRates(store.db),
    failed: await recentFailedRuns(store.db, 'build_name'),
  };
}

async function testRunsIndexes(store: Store): Promise<string[]> {
  const query =
    store.dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'test_runs'`
      : store.dialect === 'postgres'
        ? sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'test_runs' and schemaname = current_schema() and indexname <> 'test_runs_pkey'`
        : sql<{ name: string }>`select distinct index_name as name from information_schema.statistics where table_schema = database() and table_name = 'test_runs' and index_name <> 'PRIMARY'`;
  return (await query.execute(store.db)).rows.map((r) => r.name).sort();
}

for (const dialect of DIALECTS) {
  describe(`test_runs indexes (migration 0008) on ${dialect}`, () => {
    const fresh = useTestDatabase(dialect);
    const old = useTestDatabase(dialect);
    const halfway = useTestDatabase(dialect);

    it('a fresh store has the unique (test_id, run_id) and (run_id) only', async () => {
      const store = await openStore(fresh.url);
      try {
        const names = await testRunsIndexes(store);
        expect(names).toHaveLength(2);
        expect(names).toContain('ix_test_runs_run');
        expect(names.some((n) => n === 'uq_test_runs' || n.startsWith('sqlite_autoindex_test_runs'))).toBe(true);
      } finally {
        await store.close();
      }
    });

    it('converts a store made before it and answers the same', async () => {
      const before = await openStore(old.url, { migrate: false });
      let expected: Awaited<ReturnType<typeof answers>>;
      try {
        await migrateStoreTo(before, '0006_document_collections');
        expect(await testRunsIndexes(before)).toHaveLength(4);
        await writeAsAt(before, '0006_document_collections', () => ingestRuns(before));
        expected = await answers(before);
      } finally {
        await before.close();
      }
      expect(expected.history.results.map((r) => r.startUs)).toEqual([...expected.history.results.map((r) => r.startUs)].sort((a, b) => (a as number) - (b as number)));
      expect(expected.history.results).toHaveLength(2);

      const after = await openStore(old.url);
      try {
        expect(await testRunsIndexes(after)).toHaveLength(2);
        expect(await answers(after)).toEqual(expected);
      } finally {
        await after.close();
      }
    });

    it('completes on a store where one of its indexes is already dropped', async () => {
      await withStoreAt(halfway.url, '0006_document_collections', async (before) => {
        await sql.raw(dialect === 'mysql' ? 'drop index ix_test_runs_test_status on test_runs' : 'drop index ix_test_runs_test_status').execute(before.db);
      });
      const after = await openStore(halfway.url);
      try {
        expect(await testRunsIndexes(after)).toHaveLength(2);
      } finally {
        await after.close();
      }
    });
  });
}
