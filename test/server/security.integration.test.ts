/**
 * The daemon when PostgreSQL stops answering or refuses a value: /healthz answers within its own timeout,
 * and no answer names the database's host:port, a SQL type or a driver's message.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createToken } from '../../src/auth/tokens.js';
import { buildServer } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { useTestDatabase } from '../support/databases.js';
import { PassThrough } from 'node:stream';
import { body, expectNoLeak, spooled } from './support.js';
import { startProxy, type Proxy } from './tcp-proxy.js';

describe('PostgreSQL behind a proxy that stops answering', () => {
  const db = useTestDatabase('postgres');
  const opened: { proxy: Proxy; store: Store; app: FastifyInstance }[] = [];

  /** A daemon whose database connections all go through a proxy of its own. */
  async function daemon(): Promise<{ proxy: Proxy; app: FastifyInstance; auth: { authorization: string } }> {
    const target = new URL(db.url);
    const proxy = await startProxy(target.hostname, Number(target.port || 5432));
    const store = await openStore(proxy.rewrite(db.url));
    const name = `ci-${opened.length}`;
    const auth = { authorization: `Bearer ${(await createToken(store.db, { name, scope: 'admin' })).token}` };
    const app = await buildServer({ store, healthTimeoutMs: 500 });
    opened.push({ proxy, store, app });
    return { proxy, app, auth };
  }
  afterAll(async () => {
    for (const { proxy, store, app } of opened) {
      await app.close();
      await proxy.close();
      await store.close().catch(() => undefined);
    }
  });

  it('answers NUL characters in parameters and bodies with 400, not a database error', async () => {
    const { app, auth } = await daemon();
    for (const [method, url, payload] of [
      ['GET', '/api/v1/runs?where=a=%00'],
      ['GET', '/api/v1/runs?meta.a=x%00'],
      ['GET', '/api/v1/runs?collection=%00'],
      ['GET', '/api/v1/runs/%00'],
      ['GET', '/api/v1/regressions?test=%00'],
      ['GET', '/api/v1/tests/history?test=a%00'],
      ['POST', '/api/v1/tokens', { name: 'a\u0000b', scope: 'ack' }],
      ['POST', '/api/v1/tokens/a%00b/revoke'],
    ] as const) {
      const res = await app.inject({ method, url, headers: auth, payload });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expectNoLeak(res, url);
    }
  });

  it('an ingest the database refuses a value of names no column type', async () => {
    const { app, auth } = await daemon();
    const res = await app.inject({ method: 'POST', url: '/api/v1/ingest/json', headers: auth, payload: JSON.stringify([{ uuid: 'u'.repeat(300), timestamp: '2026-01-01T00:00:00Z', metrics: { x: 1 } }]) });
    expect(res.statusCode, res.body).toBe(400);
    expectNoLeak(res, 'a run id too long for its column');
  });

  it('/healthz answers 200, then 503 within its own timeout once the database stops answering', async () => {
    const { app, proxy } = await daemon();
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    proxy.freeze();
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode, res.body).toBe(503);
    expect(body(res)).toEqual({ status: 'unavailable', database: 'postgres', error: 'the database did not answer within 500 ms' });
    // A second check while the first query still hangs: answered too, and no pile-up of probes.
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(503);
  }, 20_000);

  it("an ingest the database refuses names neither its host:port nor the driver's words", async () => {
    const { app, proxy, auth } = await daemon();
    // The run gets to the database after the token was checked: the database goes away meanwhile.
    const upload = new PassThrough();
    const pending = app.inject({ method: 'POST', url: '/api/v1/ingest/json', headers: { ...auth, 'transfer-encoding': 'chunked' }, payload: upload });
    upload.write('[{"uuid":"a","timestamp":"2026-01-01T00:00:00Z","metrics":{"x":1}}');
    await spooled(10);
    await proxy.refuse();
    upload.end(']');
    const res = await pending;
    expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
    expectNoLeak(res, 'ingest with the database gone');
    expect(res.body).not.toMatch(/ECONN|terminated|timeout expired/i);
  }, 30_000);
});
