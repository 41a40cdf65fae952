import type { Kysely } from 'kysely';
import type { DialectName } from '../url.js';

/**
 * test_runs keeps two indexes instead of four: the unique (test_id, run_id), which every per-test query
 * (a test's history, recomputed aggregates, a run's results by name) searches by its leading test_id, and
 * (run_id), which every per-run query searches. (test_id, status) served no query; (test_id, start_us)
 * only spared a test's history the sort of that test's results. Each test_id-led index costs a B-tree
 * insertion at a random place per stored result — into a store with history, dropping the two cut the CPU
 * time of a 100 000-test ingest on SQLite by a fifth.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  for (const name of ['ix_test_runs_test_status', 'ix_test_runs_test_start']) {
    // MariaDB names an index within its table; PostgreSQL and SQLite within the schema.
    const drop = db.schema.dropIndex(name);
    await (dialect === 'mysql' ? drop.on('test_runs') : drop).execute();
  }
}
