/**
 * The term index of run metadata (table `run_terms`, migration 0017): for each run, the keys of its
 * metadata's search terms (metadata.ts `metadataTerms`), in each dialect's own inverted index, so the
 * store source finds the runs a test's `match` selects without reading the metadata collection.
 *
 * A term is kept as a 53-bit key, the hash of its field and text ({@link termKey}). A lookup only finds
 * candidates, which the store source tests with the full matcher, so two terms sharing a key cost an extra
 * candidate, never a wrong answer.
 *
 * - SQLite: an FTS5 table without content (rowid = the run's id), a run's keys its tokens.
 * - PostgreSQL: a row per run with its keys as `bigint[]` under a GIN index.
 * - MariaDB/MySQL: a row per (key, run), keyed by both (InnoDB has no inverted index over numbers).
 *
 * A row per (field, term, run) in a B-tree was most of the cost of ingesting small runs: ~45 terms a run
 * at random places in a text index, 7.2 s of PostgreSQL server CPU and 2 s of SQLite's for 20 000 runs of
 * 20 documents, against 0.7 s (GIN) and 0.2 s (FTS5) for the same keys (issue 17).
 *
 * @example
 * await writeTermKeys(trx, [{ runId: 7, keys: [termKey('platform', 'k:AWS')] }]);
 * const ids = await termLookup(db, [termKey('platform', 'k:AWS')]).execute(); // [{ run_id: 7 }]
 */
import { MysqlAdapter, PostgresAdapter, SqliteAdapter, sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely';
import { insertRows, loadRows } from './insert-rows.js';
import type { Database } from './schema.js';
import type { DialectName } from './url.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * The key of a term of `field`: cyrb53 (a public-domain 53-bit string hash) of the field, a NUL and the
 * term, over UTF-16 code units. Stored keys depend on it: a change needs a migration that writes the keys
 * of every stored run again (as 0017 does).
 */
export function termKey(field: string, term: string): number {
  return seededKey(fieldSeed(field), '', term);
}

/** The hash's state after a field and its NUL: the start of the keys of all of the field's terms. */
export interface FieldSeed {
  readonly h1: number;
  readonly h2: number;
}

export function fieldSeed(field: string): FieldSeed {
  return absorb(absorb({ h1: 0xdeadbeef, h2: 0x41c6ce57 }, field), '\u0000');
}

/** {@link termKey} of the seed's field and the term `prefix + text`, without joining them. */
export function seededKey(seed: FieldSeed, prefix: string, text: string): number {
  let { h1, h2 } = absorb(absorb(seed, prefix), text);
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** cyrb53's state after `text`'s UTF-16 code units. */
function absorb(state: FieldSeed, text: string): FieldSeed {
  let { h1, h2 } = state;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  return { h1, h2 };
}

/** A run's keys, as written by {@link writeTermKeys}. */
export interface RunTermKeys {
  runId: number;
  keys: readonly number[];
  /** The keys as SQLite's FTS5 text ({@link ftsTokens}) when it was made already (by another thread). */
  ftsText?: string;
}

/** Creates `run_terms` for the dialect (migration 0017). */
export async function createTermIndex(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect === 'sqlite') {
    // detail=none: only which rows hold a token (no positions or columns); contentless: nothing but the
    // index is stored, and contentless_delete lets a run's keys be deleted by its rowid alone.
    await sql`create virtual table run_terms using fts5 (term_keys, content='', contentless_delete=1, detail=none, tokenize='ascii')`.execute(db);
  } else if (dialect === 'postgres') {
    await sql`create table run_terms (run_id bigint primary key, term_keys bigint[] not null)`.execute(db);
    // New entries wait in GIN's pending list and are merged in batches; a lookup also reads the list,
    // so it is kept to 1 MB (4 MB by default) — ingest costs the same.
    await sql`create index ix_run_terms_keys on run_terms using gin (term_keys) with (fastupdate = on, gin_pending_list_limit = 1024)`.execute(db);
  } else {
    await sql`create table run_terms (term_key bigint not null, run_id bigint not null, primary key (term_key, run_id)) engine = InnoDB`.execute(db);
    await sql`create index ix_run_terms_run on run_terms (run_id)`.execute(db);
  }
}

/** Writes the keys of runs that have none stored (new runs, or runs whose keys were deleted). */
export async function writeTermKeys(trx: Db, runs: readonly RunTermKeys[]): Promise<void> {
  const adapter = trx.getExecutor().adapter;
  const values: unknown[] = [];
  if (adapter instanceof SqliteAdapter) {
    for (const { runId, keys, ftsText } of runs) if (keys.length) values.push(runId, ftsText ?? ftsTokens(keys));
    await insertRows(trx, 'run_terms', SQLITE_COLUMNS, values);
  } else if (adapter instanceof PostgresAdapter) {
    for (const { runId, keys } of runs) if (keys.length) values.push(runId, pgArray(keys));
    await loadRows(trx, 'run_terms', ['run_id', 'term_keys'], values);
  } else {
    for (const { runId, keys } of runs) for (const key of new Set(keys)) values.push(key, runId);
    await insertRows(trx, 'run_terms', ['term_key', 'run_id'], values);
  }
}

/** The FTS5 table's rowid is the run's id. */
const SQLITE_COLUMNS = ['rowid', 'term_keys'];

/** Deletes the keys of the runs `runIds`. */
export async function deleteTermKeys(trx: Db, runIds: readonly number[]): Promise<void> {
  if (!runIds.length) return;
  if (trx.getExecutor().adapter instanceof SqliteAdapter) {
    await sql`delete from run_terms where rowid in (${sql.join(runIds)})`.execute(trx);
  } else {
    await trx.deleteFrom('run_terms').where('run_id', 'in', runIds).execute();
  }
}

/** A query of the ids (`run_id`) of the runs holding any of `keys` (a run may come twice on MariaDB/MySQL). */
export type TermIdQuery = SelectQueryBuilder<Database, 'run_terms', { run_id: number }>;

export function termLookup(db: Kysely<Database>, keys: readonly number[]): TermIdQuery {
  const adapter = db.getExecutor().adapter;
  // No key, no run (FTS5 refuses an empty query, and `IN ()` is no SQL).
  if (keys.length === 0) return db.selectFrom('run_terms').select(sql<number>`null`.as('run_id')).where(sql<boolean>`1 = 0`);
  if (adapter instanceof SqliteAdapter) {
    const query = [...new Set(keys)].map(ftsToken).join(' OR ');
    return db.selectFrom('run_terms').select(sql<number>`rowid`.as('run_id')).where(sql<boolean>`run_terms match ${query}`);
  }
  if (adapter instanceof PostgresAdapter) {
    return db.selectFrom('run_terms').select('run_id').where(sql<boolean>`term_keys && ${pgArray(keys)}::bigint[]`);
  }
  if (adapter instanceof MysqlAdapter) return db.selectFrom('run_terms').select('run_id').where('term_key', 'in', keys);
  throw new Error('run_terms: unknown dialect');
}

/**
 * A key as an FTS5 token: ASCII letters and digits, so the `ascii` tokenizer keeps it whole and a query
 * reads it as a bare word. In decimal: V8 prints other radixes of numbers this large ~30 times slower.
 */
function ftsToken(key: number): string {
  return `k${key}`;
}

/** A run's keys as the text of its FTS5 row: their tokens, space-separated. */
export function ftsTokens(keys: readonly number[]): string {
  return keys.map(ftsToken).join(' ');
}

/** Keys as a PostgreSQL array literal (`{1,2}`), a `bigint[]` once cast or copied. */
function pgArray(keys: readonly number[]): string {
  return `{${keys.join(',')}}`;
}
