import { Kysely, Migrator, MysqlDialect, PostgresDialect, type Dialect, type Transaction } from 'kysely';
import type { PoolConnection } from 'mysql2';
import { UserError, errorMessage } from '../util/errors.js';
import { logger } from '../util/log.js';
import { parseInteger } from '../util/params.js';
import { redactSecrets } from '../util/redact.js';
import { LATEST_MIGRATION, migrationsFor } from './migrations/index.js';
import { bumpDataVersion } from './data-version.js';
import { stampChangedRuns } from './run-changes.js';
import { enableCopyFrom } from './pg-copy.js';
import { analyzeTables, tablesDueForAnalyze, type AnalyzePacer } from './planner-statistics.js';
import type { Database } from './schema.js';
import { createSqliteDialect, WaitingSqliteDialect } from './sqlite.js';
import { clientStatementMs, storeTimeouts, type StoreTimeouts } from './timeouts.js';
import { parseStoreUrl, type DialectName, type StoreLocation } from './url.js';

export { resolveDbUrl } from './url.js';

/**
 * The SQL store: one Kysely query layer over SQLite (embedded default), PostgreSQL and MariaDB/MySQL.
 *
 * @example
 * const store = await openStore('sqlite:./perfhound.db');   // migrates on first use
 * const n = await store.db.selectFrom('runs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
 * await store.close();
 */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** The URL for messages (password redacted). */
  readonly display: string;
  /** SQLite on a file: where, and how long a write waits for the lock — for another connection of this process (an ingest's writer thread). */
  readonly sqliteFile?: { path: string; lockWaitMs: number };
  /** Runs `fn` in one transaction: all of it is written or none. */
  transaction<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /**
   * A transaction that changes analysed data (runs, documents, test results, acks): like
   * {@link transaction}, and its last statement bumps the data version, so daemons' caches see the change
   * — last, because on PostgreSQL/MariaDB the bump holds that row's lock until the commit.
   */
  writeTransaction<T>(fn: (trx: Transaction<Database>) => Promise<T>, options?: WriteOptions): Promise<T>;
  /**
   * Resolves when the database answers a trivial query within `timeoutMs`; otherwise rejects with a
   * UserError (status 503) that names the database (redacted) and the timeout — never later than
   * `timeoutMs`, whatever the server does. For health checks (the daemon's /healthz). On SQLite it does not
   * wait for this process's transaction in progress.
   */
  ping(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface WriteOptions {
  /**
   * The transaction writes runs only (their rows, metadata, documents: ingest): the runs it wrote are
   * stamped and the version of everything else (data_version row 2) stays, so daemons keep the analyses
   * of other runs (run-changes.ts). Without it every analysis is recomputed, as any write could matter.
   */
  runsOnly?: boolean;
  /**
   * The tables this write pushes past autovacuum's analyze threshold (PostgreSQL) are left to this pacer
   * of a write made of many transactions, instead of analysed right after this commit (planner-statistics.ts).
   */
  analyze?: AnalyzePacer;
}

export interface OpenOptions {
  /** Apply pending migrations (default true: the store migrates on first use). */
  migrate?: boolean;
  /** Timeouts instead of the environment's or the defaults (timeouts.ts). */
  timeouts?: Partial<StoreTimeouts>;
}

/** The database URL from `--db`, else `PERFHOUND_DB`, else `sqlite:./perfhound.db`. */
export async function openStore(url: string, options: OpenOptions = {}): Promise<Store> {
  const location = parseStoreUrl(url);
  const timeouts = storeTimeouts(options.timeouts);
  let db: Kysely<Database> | undefined;
  let dialect: Dialect;
  try {
    dialect = await createDialect(location, timeouts);
    db = new Kysely<Database>({ dialect });
    // A first query proves the server is reachable before anything else is attempted.
    await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
  } catch (err) {
    await db?.destroy().catch(() => undefined);
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot connect to database ${location.display}: ${connectFailure(err, location, timeouts)}`, { field: 'db' });
  }
  const answer = dialect instanceof WaitingSqliteDialect ? async () => dialect.ping() : () => db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
  const store: Store = {
    db,
    dialect: location.dialect,
    display: location.display,
    ...(location.dialect === 'sqlite' && location.target !== ':memory:' ? { sqliteFile: { path: location.target, lockWaitMs: timeouts.sqliteLockWaitMs } } : {}),
    transaction: (fn) => db.transaction().execute(fn),
    writeTransaction: async (fn, writeOptions) => {
      let due: string[] = [];
      const result = await db.transaction().execute(async (trx) => {
        const result = await fn(trx);
        await stampChangedRuns(trx, await bumpDataVersion(trx, writeOptions));
        if (location.dialect === 'postgres') due = await tablesDueForAnalyze(trx);
        return result;
      });
      if (writeOptions?.analyze) await writeOptions.analyze.committed(due);
      else if (due.length) await analyzeTables(db, due);
      return result;
    },
    ping: (timeoutMs) => pingWithin(answer, timeoutMs, location),
    close: () => db.destroy(),
  };
  if (options.migrate !== false) await migrateToLatest(store);
  return store;
}

async function createDialect(location: StoreLocation, timeouts: StoreTimeouts): Promise<Dialect> {
  switch (location.dialect) {
    case 'sqlite':
      return createSqliteDialect(location.target, { lockWaitMs: timeouts.sqliteLockWaitMs });
    case 'postgres': {
      const pg = await import('pg');
      // BIGINT (epoch ms/µs, ids) as JS numbers: every value we store is below 2^53.
      pg.default.types.setTypeParser(20, (v: string) => Number(v));
      // The URL's own statement_timeout/query_timeout win over these (pg reads the URL last).
      const connectSeconds = urlParameter(location.target, 'connect_timeout');
      const pool = new pg.default.Pool({
        connectionString: location.target,
        max: 10,
        connectionTimeoutMillis: connectSeconds === undefined ? timeouts.connectMs : parseInteger(connectSeconds, 'connect_timeout') * 1000,
        statement_timeout: timeouts.statementMs || undefined,
        query_timeout: clientStatementMs(timeouts),
      });
      pool.on('error', (err) => logger().warn({ err: safeMessage(err, location) }, 'postgres pool error'));
      pool.on('connect', (client) => {
        // pg-pool listens for a client's errors only while it is idle: a connection dropped while a
        // transaction holds it (between two of its statements) was an uncaught 'error' event that killed
        // the process. Its queries are refused anyway, and the pool drops it when it is released.
        client.on('error', () => undefined);
        enableCopyFrom(client); // ingest loads documents with COPY (pg-copy.ts)
      });
      return new PostgresDialect({ pool });
    }
    case 'mysql': {
      const { createPool } = await import('mysql2');
      const pool = createPool({
        uri: location.target,
        connectionLimit: 10,
        supportBigNumbers: true,
        bigNumberStrings: false,
        decimalNumbers: true,
        // Undefined lets the URL's connectTimeout in (mysql2 prefers options given here to the URL's).
        connectTimeout: urlParameter(location.target, 'connectTimeout') === undefined ? timeouts.connectMs : undefined,
        charset: 'utf8mb4',
      });
      const queryTimeout = clientStatementMs(timeouts);
      // mysql2 has no pool-wide statement timeout: each query of each connection gets one.
      if (queryTimeout !== undefined) pool.on('connection', (connection) => withQueryTimeout(connection, queryTimeout));
      return new MysqlDialect({ pool });
    }
  }
}

/** The value of a query parameter of a connection URL (undefined if absent or the URL is unreadable). */
function urlParameter(url: string, name: string): string | undefined {
  try {
    return new URL(url).searchParams.get(name) ?? undefined;
  } catch {
    return undefined;
  }
}

/** mysql2 takes a per-query `timeout` when the query is given as an options object. */
function withQueryTimeout(connection: PoolConnection, timeoutMs: number): void {
  const query = connection.query.bind(connection) as (...args: unknown[]) => unknown;
  (connection as { query: unknown }).query = (sql: unknown, ...rest: unknown[]) =>
    query(typeof sql === 'string' ? { sql, timeout: timeoutMs } : sql, ...rest);
}

/** Why a connection failed, with the timeout named when that is what ended it. */
function connectFailure(err: unknown, location: StoreLocation, timeouts: StoreTimeouts): string {
  const message = safeMessage(err, location);
  if (!/timeout|timed out|ETIMEDOUT/i.test(message)) return message;
  return `${message}: no answer within ${timeouts.connectMs / 1000} s (connect timeout: PERFHOUND_DB_CONNECT_TIMEOUT_MS, or the URL's connect_timeout / connectTimeout)`;
}

async function pingWithin(answer: () => Promise<unknown>, timeoutMs: number, location: StoreLocation): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new UserError(`database ${location.display} did not answer within ${timeoutMs / 1000} s`, { field: 'db' }, 503)), timeoutMs);
  });
  const answered = answer().then(
    () => undefined,
    (err: unknown) => {
      throw new UserError(`database ${location.display} is not answering: ${safeMessage(err, location)}`, { field: 'db' }, 503);
    },
  );
  answered.catch(() => undefined); // settled after the timeout: nobody listens any more
  try {
    await Promise.race([answered, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A driver's error message without any credential of the URL (drivers may echo the URL, user or password). */
function safeMessage(err: unknown, location: StoreLocation): string {
  return redactSecrets(errorMessage(err), location.target);
}

function migratorOf(store: Store): Migrator {
  return new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrationsFor(store.dialect) },
    migrationTableName: 'perfhound_migration',
    migrationLockTableName: 'perfhound_migration_lock',
    // Names are NNNN_name: code-unit order is their order. kysely's default, localeCompare, loads ICU's
    // collation on every store opening (~5 ms of a CLI run's start).
    nameComparator: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  });
}

/** Applies pending migrations; returns the names applied. */
export async function migrateToLatest(store: Store): Promise<string[]> {
  const migrator = migratorOf(store);
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const message = errorMessage(error);
    // A migration of a large table may outlast the statement timeout (timeouts.ts).
    const hint = /timeout/i.test(message) ? ' (a long migration: run `perfhound db migrate` with PERFHOUND_DB_STATEMENT_TIMEOUT_MS=0)' : '';
    throw new UserError(`migrating ${store.display} failed: ${message}${hint}`, { field: 'db' });
  }
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (applied.length) logger().info({ applied }, 'database migrated');
  return applied;
}

export interface SchemaStatus {
  version: string | null;
  latest: string;
  pending: string[];
}

export async function schemaStatus(store: Store): Promise<SchemaStatus> {
  const migrator = migratorOf(store);
  const all = await migrator.getMigrations();
  const done = all.filter((m) => m.executedAt !== undefined).map((m) => m.name);
  return {
    version: done.at(-1) ?? null,
    latest: LATEST_MIGRATION,
    pending: all.filter((m) => m.executedAt === undefined).map((m) => m.name),
  };
}
