import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../url.js';
import { columnTypes, tableOptions } from './columns.js';

/**
 * `data_version`: one row whose `version` every write of analysed data (runs, documents, test results,
 * acks, expiry) increments inside its own transaction. Caches of derived answers (the daemon's) key on it,
 * so any number of processes on one database agree on when an answer went stale.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);
  await tableOptions(
    db.schema
      .createTable('data_version')
      .addColumn('id', t.int, (c) => c.primaryKey())
      .addColumn('version', t.bigint, (c) => c.notNull()),
    dialect,
  ).execute();
  await sql`insert into data_version (id, version) values (1, 0)`.execute(db);
}
