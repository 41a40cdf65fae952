/**
 * A daemon over a fresh store for route tests (Fastify `inject()`, no socket), plus tokens of each scope.
 *
 * @example
 * const d = useDaemon('sqlite', { readPublic: false });
 * const res = await d.app.inject({ method: 'GET', url: '/api/v1/runs', headers: d.auth('ingest') });
 */
import { readdirSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect } from 'vitest';
import { createToken, type TokenScope } from '../../src/auth/tokens.js';
import { buildServer, type ServerOptions } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/connect.js';
import type { DialectName } from '../../src/store/url.js';
import { useTestDatabase } from '../support/databases.js';

export interface Daemon {
  app: FastifyInstance;
  store: Store;
  /** The database URL (for a second connection: the CLI, another daemon). */
  url: string;
  tokens: Record<TokenScope, string>;
  /** Headers carrying the token of a scope. */
  auth(scope: TokenScope): { authorization: string };
}

export function useDaemon(dialect: DialectName, options: Omit<ServerOptions, 'store'> = {}): Daemon {
  const db = useTestDatabase(dialect);
  const daemon = { tokens: {} } as Daemon;
  daemon.auth = (scope) => ({ authorization: `Bearer ${daemon.tokens[scope]}` });
  beforeAll(async () => {
    daemon.url = db.url;
    daemon.store = await openStore(db.url);
    for (const scope of ['ingest', 'ack', 'admin'] as const) {
      daemon.tokens[scope] = (await createToken(daemon.store.db, { name: `test-${scope}`, scope })).token;
    }
    daemon.app = await buildServer({ ...options, store: daemon.store });
  });
  afterAll(async () => {
    await daemon.app?.close();
    await daemon.store?.close();
  });
  return daemon;
}

/** The JSON body of an inject() answer. */
export function body<T = Record<string, unknown>>(res: { body: string }): T {
  return JSON.parse(res.body) as T;
}

/** A daemon with its own store (own connection pool) on a real listening socket: one of several on a database. */
export interface Listening {
  app: FastifyInstance;
  store: Store;
  /** `http://127.0.0.1:<port>` */
  base: string;
}

export async function listenDaemon(url: string, options: Omit<ServerOptions, 'store'> = {}): Promise<Listening> {
  const store = await openStore(url);
  const app = await buildServer({ ...options, store });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, store, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

/** What no error body may contain: absolute paths, host:port, SQL type names, stack frames. */
export const LEAKS: [string, RegExp][] = [
  ['absolute path', /(^|[\s"'(=:])\/(tmp|home|etc|usr|var|root|opt|srv|work|private|Users|proc|dev|mnt|run)\//],
  ['host:port', /\b(\d{1,3}(\.\d{1,3}){3}|localhost|\[[0-9a-f:]+\]):\d{2,5}\b/i],
  ['SQL type name', /\b(bigint|smallint|integer|varchar|double precision|jsonb|bytea|timestamptz|for type|SQLITE_\w+|ER_\w+)\b/i],
  ['stack frame', /\bat \S+ \(|\.[cm]?[jt]s:\d+:\d+|node_modules|Error: /],
];

export function expectNoLeak(res: { statusCode: number; body: string }, what: string): void {
  for (const [name, pattern] of LEAKS) expect(res.body, `${what} (${res.statusCode}) leaks a ${name}`).not.toMatch(pattern);
}

/** Waits until this process's spool holds `bytes` (the first upload has been read that far). */
export async function spooled(bytes: number): Promise<void> {
  for (;;) {
    const dirs = readdirSync(tmpdir()).filter((f) => f.startsWith(`perfhound-body-${process.pid}-`));
    const sizes = dirs.map((dir) => statSync(join(tmpdir(), dir, 'body'), { throwIfNoEntry: false })?.size ?? 0);
    if (sizes.some((size) => size >= bytes)) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
