import type { Kysely } from 'kysely';
import type { DialectName } from '../url.js';
import { columnTypes, tableOptions, withId } from './columns.js';

/** Runs with their indexed key/value metadata, and the raw documents (benchmark results) of each run. */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);
  await tableOptions(
    withId(db.schema.createTable('runs'), dialect)
      .addColumn('uuid', t.varchar(255), (c) => c.notNull().unique())
      .addColumn('timestamp_ms', t.bigint, (c) => c.notNull())
      .addColumn('start_ms', t.bigint)
      .addColumn('end_ms', t.bigint)
      .addColumn('status', t.varchar(64))
      .addColumn('build_url', t.varchar(2048))
      .addColumn('version', t.varchar(255))
      .addColumn('artifacts', t.varchar(2048))
      .addColumn('source', t.varchar(32), (c) => c.notNull())
      .addColumn('collection', t.varchar(255), (c) => c.notNull())
      .addColumn('passes', t.int)
      .addColumn('fails', t.int)
      .addColumn('skips', t.int)
      .addColumn('run_time', t.double)
      .addColumn('metadata', t.text, (c) => c.notNull())
      .addColumn('ingested_ms', t.bigint, (c) => c.notNull()),
    dialect,
  ).execute();
  await db.schema.createIndex('ix_runs_timestamp').on('runs').column('timestamp_ms').execute();
  await db.schema.createIndex('ix_runs_collection').on('runs').columns(['collection', 'timestamp_ms']).execute();

  await tableOptions(
    withId(db.schema.createTable('run_metadata'), dialect)
      .addColumn('run_id', t.bigint, (c) => c.notNull())
      .addColumn('key', t.varchar(255), (c) => c.notNull())
      .addColumn('value', t.varchar(512), (c) => c.notNull())
      .addUniqueConstraint('uq_run_metadata_run_key', ['run_id', 'key']),
    dialect,
  ).execute();
  await db.schema.createIndex('ix_run_metadata_key_value').on('run_metadata').columns(['key', 'value']).execute();

  await tableOptions(
    withId(db.schema.createTable('documents'), dialect)
      .addColumn('run_id', t.bigint, (c) => c.notNull())
      .addColumn('collection', t.varchar(255), (c) => c.notNull())
      .addColumn('timestamp_ms', t.bigint)
      .addColumn('metric_name', t.varchar(255))
      .addColumn('body', t.text, (c) => c.notNull()),
    dialect,
  ).execute();
  await db.schema.createIndex('ix_documents_run').on('documents').columns(['run_id', 'collection']).execute();
}
