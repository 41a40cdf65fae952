/**
 * The `document_collections` table (migration 0006): the names of the collections documents were written
 * to. Ingest records a run's few names in the run's own transaction; analyses choose collections by
 * pattern from these rows instead of scanning `documents` for its distinct collections.
 *
 * @example
 * await store.transaction((trx) => recordDocumentCollections(trx, documents));
 * const names = await listDocumentCollections(store.db); // ['ripsaw-kube-burner', …]
 */
import { MysqlAdapter, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Names this transaction has inserted (or found there): the next runs of a batch skip the statement. */
const recorded = new WeakMap<object, Set<string>>();

/** Inserts the documents' collection names that are not there yet (concurrent writers agree). */
export async function recordDocumentCollections(trx: Db, documents: readonly { collection: string }[]): Promise<void> {
  await recordCollectionNames(trx, documents.map((d) => d.collection));
}

/** Inserts the collection names that are not there yet (concurrent writers agree). */
export async function recordCollectionNames(trx: Db, collections: readonly string[]): Promise<void> {
  if (collections.length === 0) return;
  const known = recorded.get(trx);
  // Sorted, so concurrent transactions take the rows' locks in the same order.
  const names = [...new Set(collections)].filter((name) => !known?.has(name)).sort();
  if (names.length === 0) return;
  const insert = trx.insertInto('document_collections').values(names.map((name) => ({ name })));
  if (trx.getExecutor().adapter instanceof MysqlAdapter) await insert.ignore().execute();
  else await insert.onConflict((oc) => oc.column('name').doNothing()).execute();
  // Only within a transaction: outside one, nothing says when a rollback undid the insert.
  if (known) for (const name of names) known.add(name);
  else if (trx.isTransaction) recorded.set(trx, new Set(names));
}

/** After a rollback to a savepoint: the names inserted since may be gone, so the next run inserts again. */
export function forgetRecordedCollections(trx: Db): void {
  recorded.delete(trx);
}

/** Every recorded document collection name, sorted. */
export async function listDocumentCollections(db: Db): Promise<string[]> {
  return (await db.selectFrom('document_collections').select('name').orderBy('name').execute()).map((r) => r.name);
}
