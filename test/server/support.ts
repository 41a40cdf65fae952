/**
 * A daemon over a fresh store for route tests (Fastify `inject()`, no socket), plus tokens of each scope.
 *
 * @example
 * const d = useDaemon('sqlite', { readPublic: false });
 * const res = await d.app.inject({ method: 'GET', url: '/api/v1/runs', headers: d.auth('ingest') });
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
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
