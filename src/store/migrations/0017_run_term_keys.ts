import { sql, type Kysely } from 'kysely';
import { metadataTermKeys, parseMetadata } from '../metadata.js';
import type { Database } from '../schema.js';
import { createTermIndex, writeTermKeys } from '../term-index.js';
import type { DialectName } from '../url.js';
import { forEachRunBatch } from './run-batches.js';

/** Runs read per batch while the keys of the stored runs are written. */
const BACKFILL_RUNS = 1000;

/**
 * `run_terms` becomes the term index of src/store/term-index.ts: the keys of a run's terms in each
 * dialect's inverted index (SQLite FTS5, PostgreSQL GIN over `bigint[]`) or in (key, run) rows
 * (MariaDB/MySQL), instead of a (field, term, run_id) row per term. Those rows were most of what a small
 * run cost to ingest (issue 17). The table is made anew and the keys of the stored runs written from
 * their metadata, a batch of runs at a time.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await sql`drop table run_terms`.execute(db);
  await createTermIndex(db, dialect);
  const store = db as unknown as Kysely<Database>;
  await forEachRunBatch(db, BACKFILL_RUNS, (runs) =>
    writeTermKeys(store, runs.map((r) => ({ runId: Number(r.id), keys: metadataTermKeys(parseMetadata(r.metadata)) }))),
  );
}
