import { sql, type Kysely } from 'kysely';
import { metadataTimes, parseMetadata, TERM_LIMIT } from '../metadata.js';
import type { Database } from '../schema.js';
import type { DialectName } from '../url.js';
import { columnTypes, tableOptions } from './columns.js';
import { useNoPadCollation } from './0009_mysql_no_pad_collation.js';
import { forEachRunBatch } from './run-batches.js';

/** Runs read per batch while the times of the stored runs are written. */
const BACKFILL_RUNS = 500;

/**
 * Issue 17, the time window and the daemon's caches:
 * - `run_times`: the times of each run's metadata (src/store/metadata.ts `metadataTimes`), keyed by
 *   (field, time_ms, run_id), so an analysis with `--lookback`/`--since` reads only the runs of its window.
 *   The times of the runs already stored are written here, a batch of runs at a time.
 * - `runs.changed_version`: the data version of the write that last changed the run (its row, metadata or
 *   documents); a daemon's cached analysis stays valid while the runs it selected are the same ones,
 *   unchanged (src/store/run-changes.ts).
 * - `data_version` row 2: bumped by every write except those that only write runs (ingest), so analyses
 *   see writes of anything else they read (acks, regression status) as today.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);
  await tableOptions(
    db.schema
      .createTable('run_times')
      .addColumn('field', t.varchar(TERM_LIMIT), (c) => c.notNull())
      .addColumn('time_ms', t.bigint, (c) => c.notNull())
      .addColumn('run_id', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('pk_run_times', ['field', 'time_ms', 'run_id']),
    dialect,
  ).execute();
  // A run's times of one field: the window's test of a run that lacks the field, and a replaced run's delete.
  await db.schema.createIndex('ix_run_times_run').on('run_times').columns(['run_id', 'field']).execute();
  if (dialect === 'mysql') await useNoPadCollation(db);
  await db.schema.alterTable('runs').addColumn('changed_version', t.bigint, (c) => c.notNull().defaultTo(0)).execute();
  await sql`insert into data_version (id, version) select 2, version from data_version where id = 1`.execute(db);
  const store = db as unknown as Kysely<Database>;
  await forEachRunBatch(db, BACKFILL_RUNS, async (runs) => {
    const rows = runs.flatMap((r) => metadataTimes(parseMetadata(r.metadata)).map((time) => ({ run_id: Number(r.id), field: time.field, time_ms: time.timeMs })));
    for (let i = 0; i < rows.length; i += 500) await store.insertInto('run_times').values(rows.slice(i, i + 500)).execute();
  });
}
