import type { Kysely } from 'kysely';
import type { DialectName } from '../url.js';
import { columnTypes, tableOptions, withId } from './columns.js';
import { useNoPadCollation } from './0009_mysql_no_pad_collation.js';

/**
 * Run reports (seed 002) as `report generate` writes them. 0004's `reports` table keyed a report by its
 * store run (`run_id NOT NULL`), but a report's run may come from OpenSearch and never be in the store,
 * and the read side filters by cluster and time — so the table is made again, keyed by the run's uuid.
 * No released command ever wrote 0004's table, so nothing is lost by dropping it.
 *
 * `report_claims`: one row per report being generated, taken before the Prometheus queries and deleted in
 * the transaction that writes the report, so two daemons on one database never generate the same report
 * at once (a claim past `expires_ms` is a crashed generator's and may be taken over).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema.dropTable('reports').execute();
  await tableOptions(
    withId(db.schema.createTable('reports'), dialect)
      .addColumn('uuid', t.varchar(255), (c) => c.notNull().unique())
      .addColumn('run_id', t.bigint)
      .addColumn('cluster_name', t.varchar(255))
      .addColumn('report_type', t.varchar(255))
      .addColumn('run_timestamp_ms', t.bigint, (c) => c.notNull())
      .addColumn('generated_ms', t.bigint, (c) => c.notNull())
      .addColumn('warnings', t.int, (c) => c.notNull())
      .addColumn('body', t.text, (c) => c.notNull()),
    dialect,
  ).execute();
  await db.schema.createIndex('ix_reports_time').on('reports').column('run_timestamp_ms').execute();
  await db.schema.createIndex('ix_reports_cluster').on('reports').columns(['cluster_name', 'run_timestamp_ms']).execute();
  await tableOptions(
    db.schema
      .createTable('report_claims')
      .addColumn('uuid', t.varchar(255), (c) => c.notNull().primaryKey())
      .addColumn('holder', t.varchar(255), (c) => c.notNull())
      .addColumn('expires_ms', t.bigint, (c) => c.notNull()),
    dialect,
  ).execute();
  if (dialect === 'mysql') await useNoPadCollation(db);
}
