import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../url.js';

/**
 * SQLite: `run_terms` and `run_times` become WITHOUT ROWID tables, stored in their primary key's b-tree.
 * A rowid table kept each row twice (the table by rowid, and the primary key's index): ~53 of the ~270
 * b-tree entries a 20-document run wrote (issue 17, small runs bound by SQLite's index writes). Nothing
 * reads these tables by rowid. PostgreSQL and MariaDB keep theirs (InnoDB already clusters by the primary
 * key; a PostgreSQL heap is no index).
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect !== 'sqlite') return;
  await rebuild(db, 'run_terms', 'field text not null, term text not null, run_id bigint not null, constraint pk_run_terms primary key (field, term, run_id)', [
    'create index ix_run_terms_run on run_terms (run_id)',
  ]);
  await rebuild(db, 'run_times', 'field text not null, time_ms bigint not null, run_id bigint not null, constraint pk_run_times primary key (field, time_ms, run_id)', [
    'create index ix_run_times_run on run_times (run_id, field)',
  ]);
}

/** Copies the table into a WITHOUT ROWID one of the same columns, keys and indexes. */
async function rebuild(db: Kysely<unknown>, table: string, columns: string, indexes: string[]): Promise<void> {
  await sql.raw(`create table ${table}_new (${columns}) without rowid`).execute(db);
  await sql.raw(`insert into ${table}_new select * from ${table}`).execute(db);
  await sql.raw(`drop table ${table}`).execute(db);
  await sql.raw(`alter table ${table}_new rename to ${table}`).execute(db);
  for (const index of indexes) await sql.raw(index).execute(db);
}
