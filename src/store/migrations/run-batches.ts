import type { Kysely } from 'kysely';

/** A stored run as a migration that indexes its metadata reads it. */
export interface StoredRunMetadata {
  id: number;
  metadata: string;
}

/**
 * Calls `write` with the stored runs, `size` at a time in id order: what a migration that derives rows
 * from every run's metadata (0012, 0014, 0017) reads, so that memory holds one batch whatever the store.
 */
export async function forEachRunBatch(db: Kysely<unknown>, size: number, write: (runs: StoredRunMetadata[]) => Promise<void>): Promise<void> {
  const store = db as unknown as Kysely<{ runs: StoredRunMetadata }>;
  let after = -1;
  for (;;) {
    const runs = await store.selectFrom('runs').select(['id', 'metadata']).where('id', '>', after).orderBy('id').limit(size).execute();
    if (runs.length === 0) break;
    await write(runs);
    after = Number(runs[runs.length - 1].id);
  }
}
