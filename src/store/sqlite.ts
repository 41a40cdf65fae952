import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDatabase } from 'kysely';
import type { Database as BetterSqliteDatabase } from 'better-sqlite3';
import { UserError, errorMessage } from '../util/errors.js';

/**
 * The SQLite side of the store: one better-sqlite3 connection per process, in WAL mode, whose write
 * transactions wait for their turn instead of failing with "database is locked".
 *
 * Why: a deferred `BEGIN` reads first and asks for the write lock at its first write; if another process
 * has committed in between, SQLite cannot let it write on its stale snapshot and answers SQLITE_BUSY at
 * once, whatever the busy timeout. Every transaction here starts with `BEGIN IMMEDIATE`, which takes the
 * write lock before the first read. While another process holds it, the wait is asynchronous: a busy
 * timeout in better-sqlite3 would block the event loop (a daemon's every request) for as long as the
 * other writer takes, so `BEGIN IMMEDIATE` is tried without one, and retried after short sleeps during
 * which the connection is released — this process's reads go on meanwhile. Past `lockWaitMs` the write
 * is refused with a clear error.
 */
export interface SqliteOptions {
  /** How long a write transaction waits for another process's write lock. */
  lockWaitMs: number;
}

export async function createSqliteDialect(path: string, options: SqliteOptions): Promise<WaitingSqliteDialect> {
  const { openBetterSqlite } = await import('./sqlite-addon.js');
  let database: BetterSqliteDatabase;
  try {
    database = openBetterSqlite(path);
  } catch (err) {
    throw new UserError(`cannot open SQLite database ${path}: ${errorMessage(err)}`, { field: 'db' });
  }
  // WAL lets the daemon read while an ingest writes; NORMAL sync is durable at checkpoints and fast.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  // For what is not a transaction (single statements, a WAL recovery): a short blocking wait.
  database.pragma(`busy_timeout = ${STATEMENT_BUSY_TIMEOUT_MS}`);
  database.pragma('cache_size = -32768'); // 32 MB: ingest speed is the same as with 64 MB, peak RSS lower
  // Checkpoints are what fsync in WAL mode: one per ~40 MB of writes instead of SQLite's ~4 MB halves
  // the wall time of a large ingest, at no cost in durability; the WAL file is trimmed back afterwards.
  database.pragma('wal_autocheckpoint = 10000');
  database.pragma('journal_size_limit = 67108864');
  return new WaitingSqliteDialect(database, options);
}

const STATEMENT_BUSY_TIMEOUT_MS = 1000;
const FIRST_RETRY_MS = 2;
const LONGEST_RETRY_MS = 25;

export class WaitingSqliteDialect extends SqliteDialect {
  private readonly cached: SqliteDatabase;

  constructor(
    private readonly database: BetterSqliteDatabase,
    private readonly options: SqliteOptions,
  ) {
    const cached = withStatementCache(database);
    super({ database: cached });
    this.cached = cached;
  }

  /** A trivial read on the connection, outside Kysely's queue: a transaction in progress does not delay it. */
  ping(): void {
    this.database.prepare('select 1').get();
  }

  override createDriver(): Driver {
    return new WaitingSqliteDriver({ database: this.cached }, this.database, this.options);
  }
}

class WaitingSqliteDriver extends SqliteDriver {
  constructor(
    config: ConstructorParameters<typeof SqliteDriver>[0],
    private readonly database: BetterSqliteDatabase,
    private readonly options: SqliteOptions,
  ) {
    super(config);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const deadline = Date.now() + this.options.lockWaitMs;
    for (let pause = FIRST_RETRY_MS; ; pause = Math.min(LONGEST_RETRY_MS, pause * 2)) {
      if (await this.tryBeginImmediate(connection)) return;
      if (Date.now() >= deadline) {
        throw new UserError(
          `the SQLite database is busy: another process has held its write lock for over ${this.options.lockWaitMs / 1000} s ` +
            '(PERFHOUND_SQLITE_LOCK_TIMEOUT_MS sets the wait)',
          { field: 'db' },
          503,
        );
      }
      // Let this process's other queries use the connection while the other writer finishes.
      await this.releaseConnection();
      await new Promise((resolve) => setTimeout(resolve, pause * (0.5 + Math.random())));
      await this.acquireConnection();
    }
  }

  /** `BEGIN IMMEDIATE` without a blocking wait: true when this connection now holds the write lock. */
  private async tryBeginImmediate(connection: DatabaseConnection): Promise<boolean> {
    // Only this connection's holder runs statements on it (Kysely's mutex), so the pragma is ours alone.
    this.database.pragma('busy_timeout = 0');
    try {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      return true;
    } catch (err) {
      if (String((err as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return false;
      throw err;
    } finally {
      this.database.pragma(`busy_timeout = ${STATEMENT_BUSY_TIMEOUT_MS}`);
    }
  }
}

const STATEMENT_CACHE_SIZE = 200;

/**
 * Kysely's SQLite driver prepares every query anew; ingest and the daemon run the same few statements
 * thousands of times (a 1 000-row INSERT costs ~1 ms to prepare), so prepared statements are kept by
 * their SQL (least recently used dropped). Safe: one connection, and Kysely runs one query at a time on it.
 */
function withStatementCache(database: BetterSqliteDatabase): SqliteDatabase {
  const statements = new Map<string, ReturnType<BetterSqliteDatabase['prepare']>>();
  return {
    close: () => void database.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
