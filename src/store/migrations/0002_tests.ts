import type { Kysely } from 'kysely';
import type { DialectName } from '../url.js';
import { columnTypes, tableOptions, withId } from './columns.js';

/** subunit2sql's model: tests with running aggregates, test runs, their metadata and attachments. */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);
  await tableOptions(
    withId(db.schema.createTable('tests'), dialect)
      .addColumn('test_id', t.varchar(512), (c) => c.notNull().unique())
      .addColumn('run_count', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('success', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('failure', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('run_time', t.double),
    dialect,
  ).execute();

  await tableOptions(
    withId(db.schema.createTable('test_runs'), dialect)
      .addColumn('test_id', t.bigint, (c) => c.notNull())
      .addColumn('run_id', t.bigint, (c) => c.notNull())
      .addColumn('status', t.varchar(32), (c) => c.notNull())
      .addColumn('start_us', t.bigint)
      .addColumn('stop_us', t.bigint)
      .addUniqueConstraint('uq_test_runs', ['test_id', 'run_id']),
    dialect,
  ).execute();
  await db.schema.createIndex('ix_test_runs_run').on('test_runs').column('run_id').execute();
  await db.schema.createIndex('ix_test_runs_test_start').on('test_runs').columns(['test_id', 'start_us']).execute();
  await db.schema.createIndex('ix_test_runs_test_status').on('test_runs').columns(['test_id', 'status']).execute();

  await tableOptions(
    withId(db.schema.createTable('test_run_metadata'), dialect)
      .addColumn('test_run_id', t.bigint, (c) => c.notNull())
      .addColumn('key', t.varchar(255), (c) => c.notNull())
      .addColumn('value', t.text, (c) => c.notNull()),
    dialect,
  ).execute();
  await db.schema.createIndex('ix_test_run_metadata_test_run').on('test_run_metadata').column('test_run_id').execute();

  await tableOptions(
    withId(db.schema.createTable('test_metadata'), dialect)
      .addColumn('test_id', t.bigint, (c) => c.notNull())
      .addColumn('key', t.varchar(255), (c) => c.notNull())
      .addColumn('value', t.varchar(512), (c) => c.notNull())
      .addUniqueConstraint('uq_test_metadata', ['test_id', 'key', 'value']),
    dialect,
  ).execute();

  await tableOptions(
    withId(db.schema.createTable('attachments'), dialect)
      .addColumn('test_run_id', t.bigint, (c) => c.notNull())
      .addColumn('label', t.varchar(255), (c) => c.notNull())
      .addColumn('content_type', t.varchar(255))
      .addColumn('body', t.blob, (c) => c.notNull()),
    dialect,
  ).execute();
  await db.schema.createIndex('ix_attachments_test_run').on('attachments').column('test_run_id').execute();
}
