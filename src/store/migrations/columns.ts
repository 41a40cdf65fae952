import { sql, type CreateTableBuilder, type Expression } from 'kysely';
import type { DialectName } from '../url.js';

/**
 * Column types that differ between dialects, for migrations. MySQL's TEXT stops at 64 KB, so large
 * bodies are LONGTEXT/LONGBLOB there; PostgreSQL's autoincrement is BIGSERIAL; SQLite's rowid alias
 * must be exactly `INTEGER PRIMARY KEY`.
 */
export interface ColumnTypes {
  text: Expression<unknown>;
  blob: Expression<unknown>;
  double: Expression<unknown>;
  varchar(n: number): Expression<unknown>;
  bigint: Expression<unknown>;
  int: Expression<unknown>;
}

export function columnTypes(dialect: DialectName): ColumnTypes {
  return {
    text: sql.raw(dialect === 'mysql' ? 'longtext' : 'text'),
    blob: sql.raw(dialect === 'postgres' ? 'bytea' : dialect === 'mysql' ? 'longblob' : 'blob'),
    double: sql.raw(dialect === 'sqlite' ? 'real' : 'double precision'),
    varchar: (n) => sql.raw(dialect === 'sqlite' ? 'text' : `varchar(${n})`),
    bigint: sql.raw('bigint'),
    int: sql.raw('integer'),
  };
}

/** Adds the autoincrement `id` primary key the dialect's way. */
export function withId<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: DialectName,
): CreateTableBuilder<T, 'id'> {
  if (dialect === 'postgres') return table.addColumn('id', 'bigserial', (c) => c.primaryKey());
  if (dialect === 'mysql') return table.addColumn('id', 'bigint', (c) => c.primaryKey().autoIncrement());
  return table.addColumn('id', 'integer', (c) => c.primaryKey());
}

/**
 * MySQL wants InnoDB + utf8mb4 spelled out; the other dialects ignore it. `utf8mb4_bin` exists on every
 * MySQL/MariaDB but ignores trailing spaces: a migration that creates tables ends with
 * `useNoPadCollation` (0009) to compare text as the other dialects do.
 */
export function tableOptions<T extends string, C extends string>(
  table: CreateTableBuilder<T, C>,
  dialect: DialectName,
): CreateTableBuilder<T, C> {
  return dialect === 'mysql' ? table.modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`) : table;
}
