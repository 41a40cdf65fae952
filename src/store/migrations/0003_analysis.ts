import type { Kysely } from 'kysely';
import type { DialectName } from '../url.js';
import { columnTypes, tableOptions, withId } from './columns.js';

/** Regressions found by analyses, acknowledgements, and the daemon's API tokens. */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);
  await tableOptions(
    withId(db.schema.createTable('regressions'), dialect)
      .addColumn('test_name', t.varchar(255), (c) => c.notNull())
      .addColumn('metric', t.varchar(255), (c) => c.notNull())
      .addColumn('run_uuid', t.varchar(255), (c) => c.notNull())
      .addColumn('timestamp_ms', t.bigint, (c) => c.notNull())
      .addColumn('percentage_change', t.double)
      .addColumn('mean_before', t.double)
      .addColumn('mean_after', t.double)
      .addColumn('pvalue', t.double)
      .addColumn('status', t.varchar(32), (c) => c.notNull())
      .addColumn('first_seen_ms', t.bigint, (c) => c.notNull())
      .addColumn('last_seen_ms', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('uq_regressions', ['test_name', 'metric', 'run_uuid']),
    dialect,
  ).execute();
  await db.schema.createIndex('ix_regressions_status').on('regressions').columns(['status', 'last_seen_ms']).execute();

  await tableOptions(
    withId(db.schema.createTable('acks'), dialect)
      .addColumn('run_uuid', t.varchar(255), (c) => c.notNull())
      .addColumn('test_name', t.varchar(255))
      .addColumn('metric', t.varchar(255))
      .addColumn('reason', t.text, (c) => c.notNull())
      .addColumn('acked_by', t.varchar(255))
      .addColumn('created_ms', t.bigint, (c) => c.notNull()),
    dialect,
  ).execute();
  await db.schema.createIndex('ix_acks_run').on('acks').column('run_uuid').execute();

  await tableOptions(
    withId(db.schema.createTable('api_tokens'), dialect)
      .addColumn('name', t.varchar(255), (c) => c.notNull())
      .addColumn('scope', t.varchar(32), (c) => c.notNull())
      .addColumn('token_hash', t.varchar(64), (c) => c.notNull().unique())
      .addColumn('created_ms', t.bigint, (c) => c.notNull())
      .addColumn('revoked_ms', t.bigint),
    dialect,
  ).execute();
}
