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

/**
 * The share of a long write's time its analyses may take (see {@link AnalyzePacer}). At a tenth, the
 * analyses of a 20 000-run ingest into an empty store were a sixth of the server's CPU (1.3–1.8 s of
 * 8.5 s; issue 17); at 3 % the statistics of a table growing under a long ingest are at most a few
 * seconds older, and the ingest's end analyses what is still due anyway.
 */
const ANALYZE_SHARE = 0.03;

/**
 * The analyses of one write made of many transactions (an ingest commits a batch of runs every half
 * second): after each commit the tables it made due are analysed only when the analyses so far leave the
 * writes at least 97 % of the time, and whatever is still due when the write ends is analysed then.
 * Analysed after every due commit, a 5 000-run ingest into a fresh store spent a third of its wall time in
 * nine ANALYZEs (2.7 s of 9.8 s; issue 17): each of the first batches grows the tables by over 10 %.
 *
 * @example
 * const pacer = new AnalyzePacer(store.db);
 * for (const batch of batches) await store.writeTransaction((trx) => write(trx, batch), { runsOnly: true, analyze: pacer });
 * await pacer.finish(); // the tables still past the threshold
 */
export class AnalyzePacer {
  private readonly due = new Set<string>();
  /** When the last analyze ended, and how long it took (ms). */
  private lastEnd = 0;
  private lastTook = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** After a commit: notes the tables it made due; analyses them (and those noted before) if the pace allows. */
  async committed(tables: readonly string[]): Promise<void> {
    for (const table of tables) this.due.add(table);
    if (this.due.size === 0) return;
    if (this.lastTook > 0 && this.now() - this.lastEnd < (this.lastTook * (1 - ANALYZE_SHARE)) / ANALYZE_SHARE) return;
    await this.run();
  }

  /** Analyses the tables noted and not analysed yet. */
  async finish(): Promise<void> {
    if (this.due.size) await this.run();
  }

  private async run(): Promise<void> {
    const tables = [...this.due].sort();
    this.due.clear();
    const started = this.now();
    await analyzeTables(this.db, tables);
    this.lastEnd = this.now();
    // Never 0: a first analyze measured as instantaneous would let every later one through.
    this.lastTook = Math.max(this.lastEnd - started, 1e-3);
  }
}
