import type { Kysely } from 'kysely';
import type { DialectName } from '../url.js';

/**
 * Drops `ix_run_metadata_key_value`. A run's ~16 metadata values went into it at random places: a third
 * of SQLite's work for a 20-document run and the most scattered of PostgreSQL's (issue 17). What it served
 * is served otherwise: `--where key=value` finds its candidates in the term index (`run_terms`, a value's
 * `k:` term), and the test-result queries reach a run's values by `uq_run_metadata_run_key` (run_id, key).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const drop = db.schema.dropIndex('ix_run_metadata_key_value');
  await (dialect === 'mysql' ? drop.on('run_metadata') : drop).execute();
}
