import type { Kysely } from 'kysely';
import { metadataTerms, parseMetadata, TERM_LIMIT } from '../metadata.js';
import type { DialectName } from '../url.js';
import { columnTypes, tableOptions } from './columns.js';
import { useNoPadCollation } from './0009_mysql_no_pad_collation.js';
import { forEachRunBatch } from './run-batches.js';

/** Runs read per batch while the terms of the stored runs are written. */
const BACKFILL_RUNS = 500;

/**
 * `run_terms`: the search terms of each run's metadata (src/store/metadata.ts `metadataTerms`), keyed by
 * (field, term, run_id), so the store source finds the runs a test's `match` selects through the index
 * instead of parsing every run of the metadata collection (issue 17: 3.6 s of one analysis in a store of
 * 500 000 runs). The terms of the runs already stored are written here, a batch of runs at a time.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);
  // Terms carry a 2-character prefix (`k:`, `t:`…) before the cut value.
  await tableOptions(
    db.schema
      .createTable('run_terms')
      .addColumn('field', t.varchar(TERM_LIMIT), (c) => c.notNull())
      .addColumn('term', t.varchar(TERM_LIMIT), (c) => c.notNull())
      .addColumn('run_id', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('pk_run_terms', ['field', 'term', 'run_id']),
    dialect,
  ).execute();
  await db.schema.createIndex('ix_run_terms_run').on('run_terms').column('run_id').execute();
  if (dialect === 'mysql') await useNoPadCollation(db);
  // The table as this migration made it (0017 replaced it by the term keys).
  const store = db as unknown as Kysely<{ run_terms: { run_id: number; field: string; term: string } }>;
  await forEachRunBatch(db, BACKFILL_RUNS, async (runs) => {
    const rows = runs.flatMap((r) => metadataTerms(parseMetadata(r.metadata)).map((term) => ({ run_id: Number(r.id), ...term })));
    for (let i = 0; i < rows.length; i += 500) await store.insertInto('run_terms').values(rows.slice(i, i + 500)).execute();
  });
}
