import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../url.js';

/**
 * test_runs keeps two indexes instead of four: the unique (test_id, run_id), which every per-test query
 * (a test's history, recomputed aggregates, a run's results by name) searches by its leading test_id, and
 * (run_id), which every per-run query searches. (test_id, status) served no query; (test_id, start_us)
 * only spared a test's history the sort of that test's results. Each test_id-led index costs a B-tree
 * insertion at a random place per stored result — into a store with history, dropping the two cut the CPU
 * time of a 100 000-test ingest on SQLite by a fifth.
 *
 * Each drop is skipped when the index is already gone: MariaDB/MySQL commit every DDL statement at once, so
 * a run stopped between the two drops leaves one dropped and the migration unrecorded, to be run again.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  for (const name of ['ix_test_runs_test_status', 'ix_test_runs_test_start']) {
    if (dialect === 'mysql') {
      // MariaDB names an index within its table; MySQL has no DROP INDEX IF EXISTS, so it is looked up first.
      const { rows } = await sql`select 1 from information_schema.statistics where table_schema = database() and table_name = 'test_runs' and index_name = ${name}`.execute(db);
      if (rows.length) await db.schema.dropIndex(name).on('test_runs').execute();
    } else {
      // PostgreSQL and SQLite name an index within the schema.
      await db.schema.dropIndex(name).ifExists().execute();
    }
  }
}
