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

/** Inserts the collection names of the documents (one or more runs' lists) that are not there yet (concurrent writers agree). */
export async function recordDocumentCollections(trx: Db, ...documentLists: readonly (readonly { collection: string }[])[]): Promise<void> {
  const known = recorded.get(trx);
  // A run's documents mostly share a collection: each is compared with the one before first (a set of
  // 100 small runs is 2 000 documents, and a Set of all their names was a visible part of its write).
  const distinct = new Set<string>();
  let last: string | undefined;
  for (const documents of documentLists) for (const { collection } of documents) if (collection !== last) distinct.add((last = collection));
  // Sorted, so concurrent transactions take the rows' locks in the same order.
  const names = [...distinct].filter((name) => !known?.has(name)).sort();
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
