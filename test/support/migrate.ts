import { Migrator, type Kysely } from 'kysely';
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
    await write(store);
  } finally {
    await store.close();
  }
}
