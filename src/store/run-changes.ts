/**
 * Which runs a write changed, stamped with the data version the write committed at (`runs.changed_version`,
 * migration 0014), so a daemon can tell whether the runs one analysis selected changed since it was
 * computed — by a query over those runs, on any daemon of the database — instead of dropping every answer
 * on every ingest.
 *
 * `writeRun`/`writeDocuments` note the run in their transaction; `store.writeTransaction` stamps the noted
 * runs with the version its bump gives, last, while it holds the version row's lock. Writers commit in
 * the order of their versions (PostgreSQL/MariaDB: the lock; SQLite: one writer at a time), so a run
 * stamped later always carries a larger version: over a set of runs, `count(*)` and
 * `max(changed_version)` change whenever the set or any run of it changes (runs leaving → the count;
 * a run entering or changing → the max). A run noted in a savepoint that was rolled back is stamped all the
 * same: an answer recomputed for nothing, never a stale one.
 *
 * @example
 * await store.writeTransaction((trx) => writeRun(trx, run), { runsOnly: true }); // stamps the run, version row 2 untouched
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

const noted = new WeakMap<object, Set<number>>();

/** Records that the transaction wrote run `id` (a no-op outside a write transaction: nothing stamps it). */
export function noteRunChanged(trx: Kysely<Database> | Transaction<Database>, id: number): void {
  let ids = noted.get(trx);
  if (!ids) noted.set(trx, (ids = new Set()));
  ids.add(id);
}

/** Ids per UPDATE: well under every dialect's parameter limit. */
const STAMP_BATCH = 1000;

/** Stamps the runs the transaction noted with `version`. */
export async function stampChangedRuns(trx: Transaction<Database>, version: number): Promise<void> {
  const ids = noted.get(trx);
  if (!ids || ids.size === 0) return;
  const list = [...ids];
  noted.delete(trx);
  for (let i = 0; i < list.length; i += STAMP_BATCH) {
    await trx.updateTable('runs').set({ changed_version: version }).where('id', 'in', list.slice(i, i + STAMP_BATCH)).execute();
  }
}
