import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/**
 * The store's data version: a counter every write of analysed data increments in the writer's own
 * transaction, so a reader that sees the new rows also sees the new version (and never the reverse).
 * Answers derived from the data may be cached under the version they were computed at.
 *
 * On PostgreSQL/MariaDB the UPDATE takes the row's lock until the writer commits: concurrent writers
 * queue on it for the rest of their transactions — which is why writers bump last, just before they end.
 *
 * @example
 * await store.writeTransaction((trx) => writeRun(trx, run));   // bumps just before the commit
 * const version = await readDataVersion(store.db);                          // e.g. 42
 */
export async function bumpDataVersion(trx: Transaction<Database> | Kysely<Database>, options: { runsOnly?: boolean } = {}): Promise<number> {
  // Row 2 (migration 0014) counts the writes of anything but runs; a store before 0014 has no row 2.
  const rows = options.runsOnly ? [DATA_VERSION_ROW] : [DATA_VERSION_ROW, OTHER_VERSION_ROW];
  await trx.updateTable('data_version').set((eb) => ({ version: eb('version', '+', 1) })).where('id', 'in', rows).execute();
  return readDataVersion(trx);
}

/**
 * Both counters: `data` (every write) and `other` (every write but those that only write runs: acks,
 * regression status, test results…). An analysis is reused across data versions while `other` and the
 * runs it selected are unchanged (run-changes.ts).
 */
export async function readVersions(db: Kysely<Database> | Transaction<Database>): Promise<{ data: number; other: number }> {
  const adapter = db.getExecutor().adapter;
  let query = compiledBoth.get(adapter);
  if (!query) compiledBoth.set(adapter, (query = db.selectFrom('data_version').select(['id', 'version']).where('id', 'in', [DATA_VERSION_ROW, OTHER_VERSION_ROW]).compile()));
  const { rows } = await db.executeQuery(query);
  const data = rows.find((r) => Number(r.id) === DATA_VERSION_ROW);
  if (!data) throw new Error('data_version has no row: the store is not migrated');
  const other = rows.find((r) => Number(r.id) === OTHER_VERSION_ROW);
  return { data: Number(data.version), other: Number((other ?? data).version) };
}

const compiledBoth = new WeakMap<object, CompiledQuery<{ id: number; version: number }>>();

/** The current version (one primary-key lookup). */
export async function readDataVersion(db: Kysely<Database> | Transaction<Database>): Promise<number> {
  // Compiled once per dialect: readers call this on every request, and building the query cost more than running it.
  const adapter = db.getExecutor().adapter;
  let query = compiledReads.get(adapter);
  if (!query) compiledReads.set(adapter, (query = db.selectFrom('data_version').select('version').where('id', '=', DATA_VERSION_ROW).compile()));
  const { rows } = await db.executeQuery(query);
  if (!rows[0]) throw new Error('data_version has no row: the store is not migrated');
  return Number(rows[0].version);
}

const compiledReads = new WeakMap<object, CompiledQuery<{ version: number }>>();

const DATA_VERSION_ROW = 1;
const OTHER_VERSION_ROW = 2;

/**
 * Data-version reads shared by concurrent callers without ever answering a caller with a version read
 * before it asked: a caller that finds a read in flight (which may have started before a write it must
 * see committed) waits for the next read, and every caller waiting meanwhile shares that one. Under N
 * concurrent requests this is ~1 query per round trip instead of N, on a server database the largest
 * per-request cost of a memoised answer, and read-after-write holds as with a query per caller.
 *
 * @example
 * const versions = new SharedVersionReads(() => readDataVersion(store.db));
 * const [a, b] = await Promise.all([versions.read(), versions.read()]);   // one query or two, never stale
 */
export class SharedVersionReads<T = number> {
  private current: Promise<T> | undefined;
  private queued: Promise<T> | undefined;

  constructor(private readonly query: () => Promise<T>) {}

  read(): Promise<T> {
    if (this.current === undefined) return this.launch();
    this.queued ??= this.current
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.launch();
      });
    return this.queued;
  }

  private launch(): Promise<T> {
    const read = this.query();
    this.current = read;
    const settle = () => {
      if (this.current === read) this.current = undefined;
    };
    read.then(settle, settle);
    return read;
  }
}
