import type { Kysely } from 'kysely';
import type { DialectName } from '../url.js';
import { columnTypes, tableOptions, withId } from './columns.js';

/** Enriched run reports (seed 002) and experiments with their status rows (seed 003). */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);
  await tableOptions(
    withId(db.schema.createTable('reports'), dialect)
      .addColumn('run_id', t.bigint, (c) => c.notNull().unique())
      .addColumn('body', t.text, (c) => c.notNull())
      .addColumn('created_ms', t.bigint, (c) => c.notNull()),
    dialect,
  ).execute();

  await tableOptions(
    withId(db.schema.createTable('experiments'), dialect)
      .addColumn('name', t.varchar(255), (c) => c.notNull().unique())
      .addColumn('config', t.text, (c) => c.notNull())
      .addColumn('status', t.varchar(32), (c) => c.notNull())
      .addColumn('created_ms', t.bigint, (c) => c.notNull())
      .addColumn('updated_ms', t.bigint, (c) => c.notNull()),
    dialect,
  ).execute();

  await tableOptions(
    withId(db.schema.createTable('experiment_tests'), dialect)
      .addColumn('experiment_id', t.bigint, (c) => c.notNull())
      .addColumn('name', t.varchar(255), (c) => c.notNull())
      .addColumn('combination', t.text, (c) => c.notNull())
      .addColumn('attempt', t.int, (c) => c.notNull())
      .addColumn('pings', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('ssh_checks', t.int, (c) => c.notNull().defaultTo(0))
      .addColumn('start_ms', t.bigint)
      .addColumn('end_ms', t.bigint)
      .addColumn('end_status', t.varchar(64))
      .addUniqueConstraint('uq_experiment_tests', ['experiment_id', 'name', 'attempt']),
    dialect,
  ).execute();
}
