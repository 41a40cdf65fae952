import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/connect.js';
import { storeTimeouts } from '../../src/store/timeouts.js';
import { errorMessage } from '../../src/util/errors.js';
import { useTestDatabase } from '../support/databases.js';

/**
 * Item 18 of the security issue (store side): with PostgreSQL not answering, calls hung for over 55 s.
 * A loopback TCP proxy stands between the store and the real server; "frozen", it keeps every connection
 * open and passes nothing on, as a stopped server does. Connecting then fails at the connect timeout with
 * a message that says so, a statement in flight fails at the client's statement timeout, and
 * `store.ping(ms)` — what the daemon's /healthz uses — rejects within its own timeout.
 */
interface Proxy {
  port: number;
  freeze(): void;
  close(): Promise<void>;
}

async function startProxy(targetPort: number): Promise<Proxy> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('error', () => undefined);
    if (frozen) return; // accepted, never answered
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(upstream);
    upstream.on('error', () => undefined);
    client.on('data', (chunk) => frozen || upstream.write(chunk));
    upstream.on('data', (chunk) => frozen || client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as { port: number }).port,
    freeze: () => void (frozen = true),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The message a promise rejects with (a failure if it resolves). */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return errorMessage(err);
  }
  throw new Error('expected a refusal');
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  // In order: the proxy goes first, so that closing a store does not wait for a frozen server.
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const SERVERS = [
  { dialect: 'postgres', port: 5432 },
  { dialect: 'mysql', port: 3306 },
] as const;

for (const { dialect, port } of SERVERS) {
  describe(dialect, () => {
    const db = useTestDatabase(dialect);
    const through = (proxy: Proxy) => db.url.replace(`127.0.0.1:${port}`, `127.0.0.1:${proxy.port}`);

    async function openThroughProxy(): Promise<{ proxy: Proxy; store: Store }> {
      const proxy = await startProxy(port);
      cleanups.push(() => proxy.close());
      await (await openStore(db.url)).close(); // migrated with the default timeouts: DDL under load takes its time
      const store = await openStore(through(proxy), { migrate: false, timeouts: { connectMs: 500, statementMs: 1000 } });
      cleanups.push(() => store.close().catch(() => undefined));
      return { proxy, store };
    }

    it('a server that accepts and never answers: connecting fails at the connect timeout, saying so', async () => {
      const proxy = await startProxy(port);
      cleanups.push(() => proxy.close());
      proxy.freeze();
      const message = await refusal(openStore(through(proxy), { timeouts: { connectMs: 500 } }));
      expect(message).toMatch(/^field db: cannot connect to database \S+: .*no answer within 0\.5 s \(connect timeout/);
    });

    it('ping answers while the server does, and rejects within its own timeout once it stops', async () => {
      const { proxy, store } = await openThroughProxy();
      await expect(store.ping(2000)).resolves.toBeUndefined();
      proxy.freeze();
      const message = await refusal(store.ping(300));
      expect(message).toMatch(/database \S+ did not answer within 0\.3 s/);
    });

    it('a statement in flight when the server stops fails at the client statement timeout', async () => {
      const { proxy, store } = await openThroughProxy();
      await store.db.selectFrom('runs').select('id').execute(); // a pooled connection, in use before the stop
      proxy.freeze();
      const message = await refusal(store.db.selectFrom('runs').select('id').execute());
      expect(message).toMatch(/timeout/i);
    });
  });
}

describe('timeouts from the environment', () => {
  it('are read strictly, and the defaults otherwise', () => {
    expect(storeTimeouts({}, {})).toEqual({ connectMs: 5000, statementMs: 300_000, sqliteLockWaitMs: 60_000 });
    expect(storeTimeouts({}, { PERFHOUND_DB_CONNECT_TIMEOUT_MS: '2000', PERFHOUND_DB_STATEMENT_TIMEOUT_MS: '0' })).toMatchObject({ connectMs: 2000, statementMs: 0 });
    expect(() => storeTimeouts({}, { PERFHOUND_DB_CONNECT_TIMEOUT_MS: '' })).toThrow('field PERFHOUND_DB_CONNECT_TIMEOUT_MS: expected a whole number ≥ 1, got ""');
    expect(() => storeTimeouts({}, { PERFHOUND_DB_STATEMENT_TIMEOUT_MS: '5s' })).toThrow(/PERFHOUND_DB_STATEMENT_TIMEOUT_MS/);
  });
});

describe('sqlite', () => {
  const db = useTestDatabase('sqlite');
  it('ping answers even while this process holds a write transaction open', async () => {
    const store = await openStore(db.url);
    cleanups.push(() => store.close());
    let release = (): void => undefined;
    const held = new Promise<void>((r) => (release = r));
    const writing = store.writeTransaction(() => held);
    await expect(store.ping(500)).resolves.toBeUndefined();
    release();
    await writing;
  });
});
