/**
 * PostgreSQL plans queries from table statistics that only ANALYZE gathers — autovacuum's, when it runs
 * and has caught up. A store filled faster than autovacuum looks, or on a server where it is off, is
 * planned as if its tables were small: beside 110 000 unrelated runs, the documents of one test's 200 runs
 * were read by a parallel sequential scan of 2.2 million rows (491 ms) instead of the `(run_id,
 * collection)` index (12 ms) (`npm run bench -- scale`, autovacuum off). So a write transaction analyses,
 * right after its commit, the tables it pushed past autovacuum's own threshold: more rows changed since
 * their last analyze than 50 + 10 % of the table. The 10 % makes that rare: a table is analysed a few
 * times per tenfold growth. SQLite plans without statistics here, and MariaDB's InnoDB recomputes its own
 * after 10 % of a table changes.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { logger } from '../util/log.js';
import type { Database } from './schema.js';

/**
 * The tables of the current schema due for ANALYZE once `trx` commits: changes since their last analyze
 * (committed, as the statistics collector has them, plus this transaction's own) above the threshold.
 */
export async function tablesDueForAnalyze(trx: Transaction<Database>): Promise<string[]> {
  const { rows } = await sql<{ relname: string }>`
    SELECT relname FROM (
      SELECT relname, n_mod_since_analyze, n_live_tup,
             pg_stat_get_xact_tuples_inserted(relid) AS ins,
             pg_stat_get_xact_tuples_updated(relid) + pg_stat_get_xact_tuples_deleted(relid) AS other
      FROM pg_stat_user_tables WHERE schemaname = current_schema()
    ) t
    WHERE n_mod_since_analyze + ins + other > 50 + 0.1 * (n_live_tup + ins)
    ORDER BY relname`.execute(trx);
  // The writer's counts reach the statistics collector when its connection goes idle, at most once a
  // second: flushed later than the ANALYZE below, they would count again as changes since it. PostgreSQL
  // 15 can flush at this commit; before 15 the function does not exist (and one extra analyze may follow).
  if (rows.length) {
    await sql`DO $$ BEGIN IF current_setting('server_version_num')::int >= 150000 THEN EXECUTE 'SELECT pg_stat_force_next_flush()'; END IF; END $$`.execute(trx);
  }
  return rows.map((r) => r.relname);
}

/** ANALYZE of `tables`; a failure (another role's table, a timeout) is logged, never the writer's error. */
export async function analyzeTables(db: Kysely<Database>, tables: string[]): Promise<void> {
  try {
    await sql`ANALYZE ${sql.join(tables.map((t) => sql.id(t)))}`.execute(db);
    logger().debug({ tables }, 'analysed tables for the planner');
  } catch (err) {
    logger().warn({ tables, err: err instanceof Error ? err.message : String(err) }, 'could not refresh the planner statistics');
  }
}
