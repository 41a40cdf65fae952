import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../url.js';
import { columnTypes, tableOptions } from './columns.js';

/**
 * `document_collections`: the names of the collections documents were ever written to, one row each,
 * kept by ingest (runs.ts) in the writing transaction. An analysis picks its benchmark collections by
 * pattern from this handful of rows instead of `SELECT DISTINCT collection FROM documents`, a full index
 * scan that grows with the store. Names are never removed when their documents expire: a name without
 * documents selects nothing, which costs one empty index lookup.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);
  await tableOptions(db.schema.createTable('document_collections').addColumn('name', t.varchar(255), (c) => c.notNull().primaryKey()), dialect).execute();
  await sql`insert into document_collections (name) select distinct collection from documents`.execute(db);
}
