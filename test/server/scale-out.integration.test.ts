import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/tokens.js';
import { useTestDatabase } from '../support/databases.js';
import { listenDaemon, type Listening } from './support.js';

const FIXTURES = new URL('../fixtures/opensearch/', import.meta.url);
const BULK = readFileSync(new URL('bulk.ndjson', FIXTURES));
const CI_TESTS = readFileSync(new URL('configurations/ci-tests.yaml', FIXTURES), 'utf8');
const CP_RUN = 'd4e5f6a7-b8c9-4012-d345-e6f7a8b9c012';
const OPTIONS = { inputVars: { version: '4.20' }, lookback: '15d', since: '2026-01-20', nodeCount: true, metadataIndex: 'orion-integration-test-data*', benchmarkIndex: 'orion-integration-test-metrics*' };

const start = (url: string) => listenDaemon(url);

describe('two daemons on one PostgreSQL database', () => {
  const db = useTestDatabase('postgres');
  let a: Listening;
  let b: Listening;
  let admin: string;

  beforeAll(async () => {
    a = await start(db.url);
    b = await start(db.url);
    admin = (await createToken(a.store.db, { name: 'bootstrap', scope: 'admin' })).token;
  });
  afterAll(async () => {
    for (const d of [a, b]) {
      await d?.app.close();
      await d?.store.close();
    }
  });

  const call = async (d: Listening, method: string, path: string, token: string, payload?: string | Buffer | object) => {
    const isJson = payload !== undefined && !Buffer.isBuffer(payload) && typeof payload === 'object';
    const res = await fetch(d.base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(isJson ? { 'content-type': 'application/json' } : {}) },
      body: payload === undefined ? undefined : isJson ? JSON.stringify(payload) : (payload as string | Buffer),
    });
    const text = await res.text();
    return { status: res.status, text, json: <T = Record<string, unknown>>() => JSON.parse(text) as T };
  };

  it('a token created through one daemon works on the other, and a revocation through either is seen by both', async () => {
    const created = await call(a, 'POST', '/api/v1/tokens', admin, { name: 'ci', scope: 'ingest' });
    expect(created.status).toBe(201);
    const token = created.json<{ token: string }>().token;
    expect((await call(b, 'GET', '/api/v1/runs', token)).status).toBe(200);
    const temp = (await call(b, 'POST', '/api/v1/tokens', admin, { name: 'temp', scope: 'ack' })).json<{ token: string }>().token;
    expect((await call(a, 'GET', '/api/v1/runs', temp)).status).toBe(200);
    expect((await call(a, 'POST', '/api/v1/tokens/temp/revoke', admin)).status).toBe(200);
    expect((await call(b, 'GET', '/api/v1/runs', temp)).status).toBe(401);
  });

  it('an ingest through one daemon is listed by the other', async () => {
    const token = (await call(a, 'POST', '/api/v1/tokens', admin, { name: 'ingester', scope: 'ingest' })).json<{ token: string }>().token;
    const ingested = await call(b, 'POST', '/api/v1/ingest/bulk?metadata-collection=orion-integration-test-data', token, BULK);
    expect(ingested.status, ingested.text).toBe(200);
    const listed = await call(a, 'GET', '/api/v1/runs?limit=100', token);
    expect(listed.json<{ runs: { uuid: string }[] }>().runs.map((r) => r.uuid)).toContain(CP_RUN);
    expect((await call(a, 'GET', `/api/v1/runs/${CP_RUN}`, token)).status).toBe(200);
  });

  it('an ack through one daemon is seen by the other and honoured by its analyses', async () => {
    const ackToken = (await call(b, 'POST', '/api/v1/tokens', admin, { name: 'acker', scope: 'ack' })).json<{ token: string }>().token;
    // Recording needs scope ingest (or admin); the ack token reads and acknowledges.
    const first = await call(a, 'POST', '/api/v1/analyze', admin, { config: CI_TESTS, options: OPTIONS, record: true });
    expect(first.status, first.text).toBe(200);
    const flagged = (r: { is_changepoint: boolean }[]) => r.filter((x) => x.is_changepoint).length;
    expect(flagged(first.json<Record<string, { is_changepoint: boolean }[]>>()['olm-integration-test'])).toBe(1);

    const open = (await call(b, 'GET', '/api/v1/regressions?status=open', ackToken)).json<{ regressions: { id: number; runUuid: string }[] }>().regressions;
    const regression = open.find((r) => r.runUuid === CP_RUN)!;
    expect(regression).toBeDefined();
    expect((await call(b, 'POST', `/api/v1/regressions/${regression.id}/ack`, ackToken, { reason: 'expected' })).status).toBe(200);

    const seen = (await call(a, 'GET', '/api/v1/regressions?status=acknowledged', ackToken)).json<{ regressions: { id: number }[] }>().regressions;
    expect(seen.map((r) => r.id)).toContain(regression.id);
    const again = await call(a, 'POST', '/api/v1/analyze', ackToken, { config: CI_TESTS, options: OPTIONS });
    expect(flagged(again.json<Record<string, { is_changepoint: boolean }[]>>()['olm-integration-test'])).toBe(0);
  });

  it('keeps its request metrics per process', async () => {
    const metricsA = await (await fetch(a.base + '/metrics')).text();
    const metricsB = await (await fetch(b.base + '/metrics')).text();
    expect(metricsB).toMatch(/perfhound_ingested_runs_total\{format="bulk",outcome="created"\} 12/);
    expect(metricsA).not.toMatch(/perfhound_ingested_runs_total\{/);
  });
});
