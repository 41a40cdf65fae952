import { describe, expect, it } from 'vitest';
import { body, useDaemon } from './support.js';

/** Answers must be JSON errors with a message, never a stack trace or an internal path. */
function expectCleanError(res: { statusCode: number; body: string }, status: number): void {
  expect(res.statusCode, res.body).toBe(status);
  const answer = body<{ error: string }>(res);
  expect(typeof answer.error).toBe('string');
  expect(answer.error.length).toBeGreaterThan(0);
  expect(res.body).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+|Error: /);
}

describe('the daemon on bad input', () => {
  const d = useDaemon('sqlite', { bodyLimit: 64 * 1024, ingestLimit: 256 * 1024 });

  it('answers 4xx to garbage bodies and wrong content types, and keeps serving', async () => {
    const post = (url: string, payload: string | Buffer, contentType?: string, headers = d.auth('admin')) =>
      d.app.inject({ method: 'POST', url, payload, headers: { ...headers, ...(contentType ? { 'content-type': contentType } : {}) } });
    expectCleanError(await post('/api/v1/analyze', '{"config": ', 'application/json'), 400);
    expectCleanError(await post('/api/v1/analyze', '[1,2,3]', 'application/json'), 400);
    expectCleanError(await post('/api/v1/analyze', 'null', 'application/json'), 400);
    expectCleanError(await post('/api/v1/analyze', 'tests: []', 'text/plain'), 400);
    expectCleanError(await post('/api/v1/analyze', 'tests: []', 'application/yaml'), 415);
    expectCleanError(await post('/api/v1/analyze', JSON.stringify({ config: 42 }), 'application/json'), 400);
    expectCleanError(await post('/api/v1/analyze', JSON.stringify({ config: '{{ unclosed' }), 'application/json'), 400);
    expectCleanError(await post('/api/v1/analyze', JSON.stringify({ config: ': : :\n\t- [' }), 'application/json'), 400);
    expectCleanError(await post('/api/v1/regressions/1/ack', 'reason=x', 'application/x-www-form-urlencoded'), 415);
    expectCleanError(await post('/api/v1/regressions/abc/ack', '{"reason":"x"}', 'application/json'), 400);
    expectCleanError(await post('/api/v1/tokens', '{"name":"x","scope":"root"}', 'application/json'), 400);
    for (const format of ['bulk', 'kube-burner', 'csv', 'json', 'subunit', 'junit']) {
      const res = await post(`/api/v1/ingest/${format}`, Buffer.from([0xff, 0x00, 0x7b, 0x22, 0x0a, 0xde, 0xad]), 'image/png');
      expect(res.statusCode, `${format}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.body).not.toMatch(/\.ts:\d+/);
    }
    expectCleanError(await post('/api/v1/ingest/xml', 'x'), 404);
    expectCleanError(await post('/api/v1/ingest/json', ''), 400);
    expect((await d.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('refuses bodies over the limits with 413 (JSON and ingest) without reading them into memory first', async () => {
    const big = JSON.stringify({ config: 'x'.repeat(100 * 1024) });
    expectCleanError(await d.app.inject({ method: 'POST', url: '/api/v1/analyze', headers: { ...d.auth('admin'), 'content-type': 'application/json' }, payload: big }), 413);
    const huge = Buffer.alloc(300 * 1024, 0x61);
    expectCleanError(await d.app.inject({ method: 'POST', url: '/api/v1/ingest/csv', headers: d.auth('ingest'), payload: huge }), 413);
    // A body without a declared length is cut off while it streams.
    const { Readable } = await import('node:stream');
    const chunks = Readable.from((function* () {
      for (let i = 0; i < 40; i++) yield Buffer.alloc(16 * 1024, 0x62);
    })());
    expectCleanError(await d.app.inject({ method: 'POST', url: '/api/v1/ingest/csv', headers: { ...d.auth('ingest'), 'transfer-encoding': 'chunked' }, payload: chunks }), 413);
    expect(await d.store.db.selectFrom('runs').select('id').execute()).toHaveLength(0);
  });

  it('answers 400 naming the parameter for bad query parameters', async () => {
    const get = (url: string) => d.app.inject({ method: 'GET', url, headers: d.auth('ingest') });
    for (const [url, field] of [
      ['/api/v1/runs?limit=-1', 'limit'],
      ['/api/v1/runs?limit=abc', 'limit'],
      ['/api/v1/runs?limit=99999999', 'limit'],
      ['/api/v1/runs?since=yesterday', 'since'],
      ['/api/v1/runs?where=novalue', 'where'],
      ['/api/v1/runs?limit=1&limit=2', 'limit'],
      ['/api/v1/runs?colour=red', 'colour'],
      ['/api/v1/regressions?status=maybe', 'status'],
      ['/api/v1/tests/history', 'test'],
      ['/api/v1/tests/flaky?key=a&since=2026-13-45', 'since'],
      ['/api/v1/tests/timing?format=xml', 'format'],
      ['/api/v1/series?test=x', 'config'],
      ['/daemon/changepoint?test_name=ci&filter_changepoints=perhaps', 'test_name'],
    ] as const) {
      const res = await get(url);
      expectCleanError(res, field === 'test_name' ? 404 : 400);
      if (field !== 'test_name') expect(body<{ place: { field: string } }>(res).place.field, url).toBe(field);
    }
    expectCleanError(await d.app.inject({ method: 'POST', url: '/api/v1/ingest/csv?run-meta=nokv&delimiter=;', headers: d.auth('ingest'), payload: 'time;x\n2026-01-01;1\n' }), 400);
    expectCleanError(await d.app.inject({ method: 'POST', url: '/api/v1/ingest/subunit?subunit-version=3', headers: d.auth('ingest'), payload: 'x' }), 400);
    expectCleanError(await d.app.inject({ method: 'POST', url: '/api/v1/ingest/bulk?time-column=t', headers: d.auth('ingest'), payload: 'x' }), 400);
    expectCleanError(await d.app.inject({ method: 'GET', url: '/no/such/route' }), 404);
    expectCleanError(await d.app.inject({ method: 'GET', url: '/api/v1/runs/%E0%A4%A' , headers: d.auth('ingest') }), 400);
  });

  it('needs a token for reads unless --read-public, and rejects malformed Authorization headers', async () => {
    expectCleanError(await d.app.inject({ method: 'GET', url: '/api/v1/runs' }), 401);
    expectCleanError(await d.app.inject({ method: 'GET', url: '/api/v1/runs', headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401);
    expectCleanError(await d.app.inject({ method: 'GET', url: '/api/v1/runs', headers: { authorization: 'Bearer' } }), 401);
    expect((await d.app.inject({ method: 'GET', url: '/api/v1/runs', headers: d.auth('ack') })).statusCode).toBe(200);
    for (const url of ['/healthz', '/metrics', '/openapi.json']) expect((await d.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    expectCleanError(await d.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: d.auth('ingest') }), 403);
  });

  it('has CORS off unless configured', async () => {
    const res = await d.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect((await d.app.inject({ method: 'OPTIONS', url: '/api/v1/runs', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } })).statusCode).toBe(404);
  });

  it('creates and revokes tokens through the admin routes', async () => {
    const created = await d.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: d.auth('admin'), payload: { name: 'dash', scope: 'ingest' } });
    expect(created.statusCode).toBe(201);
    const token = body<{ token: string }>(created).token;
    const withIt = { authorization: `Bearer ${token}` };
    expect((await d.app.inject({ method: 'GET', url: '/api/v1/runs', headers: withIt })).statusCode).toBe(200);
    const listed = await d.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: d.auth('admin') });
    expect(listed.body).not.toContain(token);
    expect((await d.app.inject({ method: 'POST', url: '/api/v1/tokens/dash/revoke', headers: d.auth('admin') })).statusCode).toBe(200);
    expectCleanError(await d.app.inject({ method: 'GET', url: '/api/v1/runs', headers: withIt }), 401);
  });
});

describe('the daemon with --read-public and --cors-origin', () => {
  const d = useDaemon('sqlite', { readPublic: true, corsOrigins: ['https://dash.example'] });

  it('serves reads without a token but still guards writes', async () => {
    expect((await d.app.inject({ method: 'GET', url: '/api/v1/runs' })).statusCode).toBe(200);
    expect((await d.app.inject({ method: 'POST', url: '/api/v1/ingest/json', payload: '[]' })).statusCode).toBe(401);
    expect((await d.app.inject({ method: 'GET', url: '/api/v1/tokens' })).statusCode).toBe(401);
  });

  it('answers CORS for the configured origin only, preflight included', async () => {
    const ok = await d.app.inject({ method: 'GET', url: '/api/v1/runs', headers: { origin: 'https://dash.example' } });
    expect(ok.headers['access-control-allow-origin']).toBe('https://dash.example');
    const other = await d.app.inject({ method: 'GET', url: '/api/v1/runs', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await d.app.inject({ method: 'OPTIONS', url: '/api/v1/ingest/bulk', headers: { origin: 'https://dash.example', 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Authorization/);
  });
});

/** `METHOD /path/{param}` of every GET/POST route, from Fastify's route tree (children continue their parent's path). */
function servedRoutes(tree: string): string[] {
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([\s│]*)[├└]── (\S+) \(([A-Z, ]+)\)/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    stack.push(m[2]);
    const path = stack.join('').replace(/:(\w+)/g, '{$1}');
    for (const method of m[3].split(', ')) if (method === 'GET' || method === 'POST' || method === 'DELETE') out.push(`${method} ${path}`);
  }
  return out.sort();
}

describe('the OpenAPI document', () => {
  const d = useDaemon('sqlite');

  it('lists exactly the routes the server has, with their methods and path parameters', async () => {
    type Op = { parameters?: { in: string; name: string }[]; responses: Record<string, unknown> };
    const served = body<{ openapi: string; paths: Record<string, Record<string, Op>> }>(await d.app.inject({ method: 'GET', url: '/openapi.json' }));
    expect(served.openapi).toBe('3.1.0');
    const documented = Object.entries(served.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    const routes = servedRoutes(d.app.printRoutes({ commonPrefix: false }));
    expect(documented).toEqual(routes);
    for (const [path, ops] of Object.entries(served.paths)) {
      const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(ops)) {
        expect(op.responses['200'] ?? op.responses['201'], path).toBeDefined();
        for (const p of params) expect(op.parameters?.some((x) => x.in === 'path' && x.name === p), `${path} ${p}`).toBe(true);
      }
    }
  });
});
