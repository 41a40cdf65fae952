import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../url.js';
import { columnTypes, tableOptions, withId } from './columns.js';
import { useNoPadCollation } from './0009_mysql_no_pad_collation.js';

/**
 * Alerts (issue 15): watches (named analyses run after ingests), notification channels, which watch has
 * announced which regression, silences per metric, the outbox of notifications (written in the
 * transaction that records the regression, delivered by a worker), and who/why/when of a regression's
 * last status change. Tables and columns are created only when missing: MariaDB commits each DDL at once,
 * so a run stopped halfway is completed when it runs again.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);
  const create = (name: string) => withId(db.schema.createTable(name).ifNotExists(), dialect);
  await tableOptions(
    create('watches')
      .addColumn('name', t.varchar(255), (c) => c.notNull().unique())
      .addColumn('config', t.text, (c) => c.notNull())
      .addColumn('options', t.text, (c) => c.notNull())
      .addColumn('channels', t.text, (c) => c.notNull())
      .addColumn('created_ms', t.bigint, (c) => c.notNull())
      .addColumn('last_run_ms', t.bigint),
    dialect,
  ).execute();
  await tableOptions(
    create('alert_channels')
      .addColumn('name', t.varchar(255), (c) => c.notNull().unique())
      .addColumn('kind', t.varchar(32), (c) => c.notNull())
      .addColumn('settings', t.text, (c) => c.notNull())
      .addColumn('routes', t.text, (c) => c.notNull())
      .addColumn('created_ms', t.bigint, (c) => c.notNull()),
    dialect,
  ).execute();
  await tableOptions(
    create('watch_findings')
      .addColumn('watch_id', t.bigint, (c) => c.notNull())
      .addColumn('regression_id', t.bigint, (c) => c.notNull())
      .addColumn('created_ms', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('uq_watch_findings', ['watch_id', 'regression_id']),
    dialect,
  ).execute();
  await tableOptions(
    create('silences')
      .addColumn('test_name', t.varchar(255))
      .addColumn('metric', t.varchar(255), (c) => c.notNull())
      .addColumn('until_ms', t.bigint, (c) => c.notNull())
      .addColumn('reason', t.text, (c) => c.notNull())
      .addColumn('silenced_by', t.varchar(255))
      .addColumn('created_ms', t.bigint, (c) => c.notNull()),
    dialect,
  ).execute();
  await tableOptions(
    create('outbox')
      .addColumn('idempotency_key', t.varchar(64), (c) => c.notNull().unique())
      .addColumn('watch_id', t.bigint, (c) => c.notNull())
      .addColumn('channel_id', t.bigint, (c) => c.notNull())
      .addColumn('payload', t.text, (c) => c.notNull())
      .addColumn('status', t.varchar(16), (c) => c.notNull())
      .addColumn('attempts', t.int, (c) => c.notNull())
      .addColumn('next_attempt_ms', t.bigint, (c) => c.notNull())
      .addColumn('last_error', t.text)
      .addColumn('created_ms', t.bigint, (c) => c.notNull())
      .addColumn('delivered_ms', t.bigint),
    dialect,
  ).execute();
  await db.schema.createIndex('ix_outbox_due').ifNotExists().on('outbox').columns(['status', 'next_attempt_ms']).execute().catch(ignoreExisting(dialect));
  for (const [column, type] of [
    ['status_reason', t.text],
    ['status_by', t.varchar(255)],
    ['status_ms', t.bigint],
  ] as const) {
    if (await hasColumn(db, dialect, 'regressions', column)) continue;
    await db.schema.alterTable('regressions').addColumn(column, type).execute();
  }
  if (dialect === 'mysql') await useNoPadCollation(db);
}

/** MariaDB knows `create index if not exists`; an index made by a run stopped halfway is no error. */
function ignoreExisting(dialect: DialectName) {
  return (err: unknown) => {
    if (dialect === 'mysql' && /Duplicate key name/i.test(String(err))) return;
    throw err;
  };
}

async function hasColumn(db: Kysely<unknown>, dialect: DialectName, table: string, column: string): Promise<boolean> {
  if (dialect === 'mysql') {
    const { rows } = await sql`select 1 from information_schema.columns where table_schema = database() and table_name = ${table} and column_name = ${column}`.execute(db);
    return rows.length > 0;
  }
  if (dialect === 'postgres') {
    const { rows } = await sql`select 1 from information_schema.columns where table_schema = current_schema() and table_name = ${table} and column_name = ${column}`.execute(db);
    return rows.length > 0;
  }
  const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
  return rows.some((r) => r.name === column);
}
