import { parseInteger } from '../util/params.js';

/**
 * How long the store waits, so that a database that does not answer makes a call fail with a clear error
 * instead of hanging it. Defaults below; the environment overrides them for every dialect, and a
 * PostgreSQL/MariaDB URL overrides them with its driver's own parameters:
 *
 * | what | default | environment | URL parameter |
 * |---|---|---|---|
 * | connecting (TCP, TLS, authentication) | 5 s | `PERFHOUND_DB_CONNECT_TIMEOUT_MS` | PostgreSQL `connect_timeout` (seconds, as libpq); MariaDB `connectTimeout` (ms) |
 * | one statement (0: none) | 300 s | `PERFHOUND_DB_STATEMENT_TIMEOUT_MS` | PostgreSQL `statement_timeout` (ms; the server cancels) and `query_timeout` (ms; the client gives up) |
 * | SQLite: a write waiting for another process's write | 60 s | `PERFHOUND_SQLITE_LOCK_TIMEOUT_MS` | — |
 *
 * The server cancels a statement at the statement timeout (PostgreSQL `statement_timeout`); the client
 * gives up 5 s later (or the statement timeout again, if shorter: pg `query_timeout`, mysql2's query `timeout`), so a server that stopped answering
 * mid-query frees the call too. The daemon's `/healthz` does not wait for these: it uses
 * `store.ping(timeoutMs)`, which answers within its own timeout.
 *
 * @example
 * PERFHOUND_DB_CONNECT_TIMEOUT_MS=2000 perfhound db status --db 'postgres://perf@db/perf?statement_timeout=60000'
 */
export interface StoreTimeouts {
  connectMs: number;
  /** 0: statements may run for ever. */
  statementMs: number;
  sqliteLockWaitMs: number;
}

export const DEFAULT_TIMEOUTS: StoreTimeouts = { connectMs: 5_000, statementMs: 300_000, sqliteLockWaitMs: 60_000 };

/** The client's grace after the server's own statement timeout. */
export const CLIENT_GRACE_MS = 5_000;

const ENVIRONMENT: Array<[keyof StoreTimeouts, string, number]> = [
  ['connectMs', 'PERFHOUND_DB_CONNECT_TIMEOUT_MS', 1],
  ['statementMs', 'PERFHOUND_DB_STATEMENT_TIMEOUT_MS', 0],
  ['sqliteLockWaitMs', 'PERFHOUND_SQLITE_LOCK_TIMEOUT_MS', 0],
];

/** The defaults, then the environment, then `given` (what a program passes to `openStore`). */
export function storeTimeouts(given: Partial<StoreTimeouts> = {}, env: NodeJS.ProcessEnv = process.env): StoreTimeouts {
  const out = { ...DEFAULT_TIMEOUTS };
  for (const [key, name, min] of ENVIRONMENT) {
    const text = env[name];
    if (text !== undefined) out[key] = parseInteger(text, name, { min });
  }
  return { ...out, ...given };
}

/** The client-side limit of one statement: the server's plus a grace, or none. */
export function clientStatementMs(timeouts: StoreTimeouts): number | undefined {
  return timeouts.statementMs > 0 ? timeouts.statementMs + Math.min(CLIENT_GRACE_MS, timeouts.statementMs) : undefined;
}
