import { Migrator, sql, type Kysely } from 'kysely';
import { createTermIndex } from '../../src/store/term-index.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { migrationsFor } from '../../src/store/migrations/index.js';

/**
 * Migrates a store opened with `{ migrate: false }` up to migration `name` only, so a test can write data
 * the way an older version did and then see a later migration convert it.
 */
export async function migrateStoreTo(store: Store, name: string): Promise<void> {
  const migrator = new Migrator({
    db: store.db as unknown as Kysely<unknown>,
    provider: { getMigrations: async () => migrationsFor(store.dialect) },
    migrationTableName: 'perfhound_migration',
    migrationLockTableName: 'perfhound_migration_lock',
  });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error;
}

/**
 * Opens the store at `url` migrated up to `name` only, lets `write` fill it as that version would, and
 * closes it: the "before" half of a test of a later migration.
 */
export async function withStoreAt(url: string, name: string, write: (store: Store) => Promise<void>): Promise<void> {
  const store = await openStore(url, { migrate: false });
  try {
    await migrateStoreTo(store, name);
    await writeAsAt(store, name, () => write(store));
  } finally {
    await store.close();
  }
}

/**
 * Runs `write` on a store migrated up to `name`. Today's writeRun also writes run_terms as 0017 made it,
 * run_times and runs.changed_version (0014), which an older store lacks or has in another shape: scratch
 * tables and a scratch column take them, dropped after (the older run_terms put aside meanwhile), so the
 * later migrations find the runs as an older version left them.
 */
export async function writeAsAt(store: Store, name: string, write: () => Promise<void>): Promise<void> {
  const schema = store.db.schema;
  const terms = name < '0017_run_term_keys';
  const olderTerms = terms && name >= '0012_run_terms';
  const times = name < '0014_run_times';
  if (olderTerms) await schema.alterTable('run_terms').renameTo('run_terms_older').execute();
  if (terms) await createTermIndex(store.db as unknown as Kysely<unknown>, store.dialect);
  if (times) {
    await schema.createTable('run_times').addColumn('run_id', 'bigint').addColumn('field', 'varchar(200)').addColumn('time_ms', 'bigint').execute();
    await schema.alterTable('runs').addColumn('changed_version', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  }
  await write();
  if (terms) await sql`drop table run_terms`.execute(store.db);
  if (olderTerms) await schema.alterTable('run_terms_older').renameTo('run_terms').execute();
  if (times) {
    await schema.dropTable('run_times').execute();
    await schema.alterTable('runs').dropColumn('changed_version').execute();
  }
}
