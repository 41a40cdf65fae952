import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../url.js';

/**
 * MariaDB/MySQL: every table of the store compares text with a NO PAD binary collation, as SQLite and
 * PostgreSQL compare it. `utf8mb4_bin` (0001–0008) is a PAD SPACE collation: it ignores trailing spaces,
 * so `odd.pad` and `odd.pad ` were one key to the unique indexes — a stream holding both test ids failed
 * its whole ingest on MariaDB alone, and `--where key=value` matched `value ` there alone.
 *
 * The collation is MariaDB's `utf8mb4_nopad_bin` or MySQL 8's `utf8mb4_0900_bin`, whichever the server
 * has; a server with neither keeps PAD SPACE. Converting cannot make two rows collide (NO PAD only
 * separates keys PAD SPACE merged). Tables are found by their collation, so a run of this migration
 * stopped halfway (each ALTER commits at once) converts the rest when it runs again, and a table created
 * by a later migration with `tableOptions` is converted by calling {@link useNoPadCollation} after it.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect === 'mysql') await useNoPadCollation(db);
}

export async function useNoPadCollation(db: Kysely<unknown>): Promise<void> {
  const { rows: available } = await sql<{ name: string }>`select collation_name as name from information_schema.collations where collation_name in ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin')`.execute(db);
  const collation = available.find((c) => c.name === 'utf8mb4_nopad_bin')?.name ?? available[0]?.name;
  if (collation === undefined) return;
  const { rows: tables } = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = database() and table_collation = 'utf8mb4_bin'`.execute(db);
  for (const { name } of tables) {
    await sql`alter table ${sql.id(name)} convert to character set utf8mb4 collate ${sql.raw(collation)}`.execute(db);
  }
}
