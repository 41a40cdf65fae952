/**
 * The OpenAPI document is the contract: every operation it lists is called on a daemon over a store loaded
 * with the demo data set (its regressions recorded, the subunit fixtures, a report, an experiment), and
 * each answer must have a status the document lists for it, a content type it lists for that status, and —
 * for JSON — a body that its schema accepts (the document's own JSON Schema, `$ref`s resolved, turned into a
 * validator by zod's `fromJSONSchema`). Then each documented refusal is provoked: 401 without a token,
 * 403 with a token of another scope, 400 for an unknown parameter or body field, 404 for an unknown id.
 * Every operation must have a request here: a route added without one fails the test.
 */
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createToken, type TokenScope } from '../../src/auth/tokens.js';
import { buildServer } from '../../src/server/app.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { saveAttempt, saveExperiment } from '../../src/store/experiments.js';
import { writeReport } from '../../src/store/reports.js';
import { loadDemoStore } from '../support/demo-store.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Operation {
  parameters?: { name: string; in: 'query' | 'path'; required?: boolean }[];
  requestBody?: unknown;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
}

/** A request that the operation answers with success, given the data loaded in `beforeAll`. */
interface Example {
  path?: Record<string, string>;
  query?: string;
  body?: unknown;
  /** The token (default admin, which may do everything). */
  scope?: TokenScope;
  /** What the test expects (default 200). */
  status?: number;
  /** An id of the path that does not exist (for the 404 check). */
  missing?: Record<string, string>;
}

/** In the order they run: what is created is used, then removed. */
const EXAMPLES: Record<string, Example> = {
  'GET /healthz': {},
  'GET /metrics': {},
  'GET /openapi.json': {},
  'GET /': { status: 503 },
  'GET /app.js': { status: 503 },
  'GET /style.css': { status: 503 },
  'GET /daemon/options': {},
  'GET /daemon/changepoint': { query: 'test_name=demo&filter_changepoints=true', missing: {} },
  'GET /api/v1/series': { query: 'config=demo&test=node-density-aws-24w&metric=ovnCPU_avg' },
  'POST /api/v1/analyze': { body: { config: 'tests:\n  - name: t\n    metadata:\n      platform: AWS\n    metrics:\n      - name: m\n        metric_of_interest: value\n' } },
  'GET /api/v1/runs': { query: 'limit=5&meta.platform=AWS' },
  'GET /api/v1/runs/{uuid}': { path: { uuid: 'RUN' }, missing: { uuid: 'no-such-run' } },
  'GET /api/v1/runs/{uuid}/tests': { path: { uuid: 'TEST_RUN' }, query: 'limit=3', missing: { uuid: 'no-such-run' } },
  'GET /api/v1/runs/{uuid}/subunit': { path: { uuid: 'TEST_RUN' }, missing: { uuid: 'no-such-run' } },
  'GET /api/v1/regressions': { query: 'status=open&limit=3' },
  'POST /api/v1/regressions/{id}/ack': { path: { id: 'REGRESSION' }, body: { reason: 'contract test' }, scope: 'ack', missing: { id: '999999' } },
  'POST /api/v1/regressions/{id}/unack': { path: { id: 'REGRESSION' }, body: { reason: 'contract test' }, scope: 'ack', missing: { id: '999999' } },
  'POST /api/v1/regressions/{id}/resolve': { path: { id: 'REGRESSION' }, body: { reason: 'contract test' }, scope: 'ack', missing: { id: '999999' } },
  'POST /api/v1/silences': { body: { metric: 'ovnCPU_avg', for: '1d', reason: 'contract test' }, scope: 'ack', status: 201 },
  'GET /api/v1/reports': { query: 'cluster=c1' },
  'GET /api/v1/reports/{uuid}': { path: { uuid: 'report-run' }, missing: { uuid: 'no-such-report' } },
  'GET /api/v1/experiments': {},
  'GET /api/v1/experiments/{name}': { path: { name: 'exp-1' }, missing: { name: 'no-such-experiment' } },
  'GET /api/v1/tests/runs-by-key': { query: 'key=build_name&resolution=week' },
  'GET /api/v1/tests/history': { query: 'test=TEST_ID&window=3' },
  'GET /api/v1/tests/rates': {},
  'GET /api/v1/tests/never-failed': {},
  'GET /api/v1/tests/slowest': { query: 'limit=3' },
  'GET /api/v1/tests/flaky': { query: 'key=build_name' },
  'GET /api/v1/tests/failed-runs': { query: 'key=build_name&limit=2' },
  'GET /api/v1/tests/timing': { query: 'workers=2' },
  'POST /api/v1/ingest/{format}': { path: { format: 'json' }, body: '[{"uuid":"contract-run","timestamp":"2026-03-01T00:00:00Z","metrics":{"x":1}}]', scope: 'ingest', missing: { format: 'xml' } },
  'POST /api/v1/channels': { body: { name: 'contract', kind: 'webhook', settings: { url: 'http://127.0.0.1:9/hook', secret: 'a-secret-of-16-chars-or-more' } }, status: 201 },
  'GET /api/v1/channels': {},
  'POST /api/v1/watches': { body: { name: 'contract', config: 'tests:\n  - name: t\n    metrics:\n      - name: m\n        metric_of_interest: value\n', channels: ['contract'] }, status: 201 },
  'GET /api/v1/watches': {},
  'DELETE /api/v1/watches/{name}': { path: { name: 'contract' }, missing: { name: 'no-such-watch' } },
  'DELETE /api/v1/channels/{name}': { path: { name: 'contract' }, missing: { name: 'no-such-channel' } },
  'GET /api/v1/notify/status': {},
  'GET /api/v1/tokens': {},
  'POST /api/v1/tokens': { body: { name: 'contract', scope: 'ack' }, status: 201 },
  'POST /api/v1/tokens/{name}/revoke': { path: { name: 'contract' }, missing: { name: 'no-such-token' } },
};

/** Names filled in once the store is loaded. */
const SUBSTITUTES: Record<string, string> = {};

let store: Store;
let app: FastifyInstance;
let doc: Document;
const tokens = {} as Record<TokenScope, string>;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'perfhound-contract-'));
  const configs = join(dir, 'configs');
  mkdirSync(configs);
  copyFileSync(join(ROOT, 'data', 'demo', 'config.yaml'), join(configs, 'demo.yaml'));
  store = await openStore(`sqlite:${join(dir, 'store.db')}`);
  await loadDemoStore(store);
  await store.writeTransaction((trx) =>
    writeReport(trx, { uuid: 'report-run', clusterName: 'c1', reportType: 'full', runTimestampMs: 1000, generatedMs: 2000, warnings: 0, body: JSON.stringify({ uuid: 'report-run', openshift_cluster_name: 'c1', metrics: { default: { cpu: { master: { avg: 1.5 } } } }, links: { grafana: 'http://grafana.example/d/1' }, warnings: [] }) }, undefined),
  );
  const experiment = await saveExperiment(store.db, { name: 'exp-1', config: 'x: 1', status: 'running', plannedTests: 2 });
  await saveAttempt(store.db, experiment, { testName: 't-1', attempt: 1, startMs: 1000, endMs: 2000, pings: 3, sshChecks: 1, endStatus: 'passed', combination: '{"qos":"af11"}', comments: '', runUuid: null });
  for (const scope of ['ingest', 'ack', 'admin'] as const) tokens[scope] = (await createToken(store.db, { name: `contract-${scope}`, scope })).token;
  // No dashboard build: its routes answer their documented 503.
  app = await buildServer({ store, configDir: configs, dashboardDir: join(dir, 'no-dashboard') });
  doc = JSON.parse((await app.inject({ method: 'GET', url: '/openapi.json' })).body) as Document;

  const run = await store.db.selectFrom('runs').select('uuid').where('source', '!=', 'subunit').orderBy('id').executeTakeFirstOrThrow();
  const testRun = await store.db.selectFrom('runs').select('uuid').where('fails', '>', 0).orderBy('id').executeTakeFirstOrThrow();
  const test = await store.db.selectFrom('tests').select('test_id').orderBy('id').executeTakeFirstOrThrow();
  const regression = await store.db.selectFrom('regressions').select('id').where('status', '=', 'open').orderBy('id').executeTakeFirstOrThrow();
  Object.assign(SUBSTITUTES, { RUN: run.uuid, TEST_RUN: testRun.uuid, TEST_ID: test.test_id, REGRESSION: String(regression.id) });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await store?.close();
});

const fill = (text: string) => text.replace(/\b(RUN|TEST_RUN|TEST_ID|REGRESSION)\b/g, (name) => encodeURIComponent(SUBSTITUTES[name]));

function url(path: string, values: Record<string, string> = {}, query = ''): string {
  const filled = path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(fill(values[name] ?? '')));
  return query ? `${filled}?${fill(query)}` : filled;
}

function operations(): { key: string; method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, op })));
}

/** A validator of the document's schema: `$ref`s to components become `$defs` of one schema. */
function validator(schema: unknown): z.ZodType {
  const text = JSON.stringify({ ...(schema as object), $defs: doc.components.schemas }).replaceAll('#/components/schemas/', '#/$defs/');
  return z.fromJSONSchema(JSON.parse(text) as Parameters<typeof z.fromJSONSchema>[0]);
}

async function call(method: string, target: string, scope: TokenScope | 'none', body?: unknown) {
  const headers: Record<string, string> = scope === 'none' ? {} : { authorization: `Bearer ${tokens[scope]}` };
  if (body !== undefined) headers['content-type'] = typeof body === 'string' ? 'application/octet-stream' : 'application/json';
  return app.inject({ method: method as 'GET', url: target, headers, payload: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body) });
}

/** The answer has a documented status and content type, and a JSON body the documented schema accepts. */
function expectDocumented(op: Operation, what: string, res: { statusCode: number; headers: Record<string, unknown>; body: string }): void {
  const answer = op.responses[String(res.statusCode)];
  expect(answer, `${what}: status ${res.statusCode} is not documented (${res.body.slice(0, 300)})`).toBeDefined();
  const type = String(res.headers['content-type'] ?? '').split(';')[0];
  const content = answer.content ?? {};
  expect(Object.keys(content), `${what}: content type ${type}`).toContain(type);
  if (type !== 'application/json') return;
  const parsed = validator(content[type].schema).safeParse(JSON.parse(res.body));
  expect(parsed.success ? [] : parsed.error.issues.slice(0, 3), `${what}: the body does not match the document: ${res.body.slice(0, 300)}`).toEqual([]);
}

describe('the OpenAPI document against the daemon', () => {
  it('has a request for every operation, and no request for an operation it does not list', () => {
    const documented = operations().map((o) => o.key).sort();
    expect(Object.keys(EXAMPLES).sort()).toEqual(documented);
  });

  it('answers each operation with a documented status, content type and body', async () => {
    const byKey = new Map(operations().map((o) => [o.key, o]));
    for (const [key, example] of Object.entries(EXAMPLES)) {
      const { method, path, op } = byKey.get(key)!;
      const res = await call(method, url(path, example.path, example.query), example.scope ?? 'admin', example.body);
      expect(res.statusCode, `${key}: ${res.body.slice(0, 300)}`).toBe(example.status ?? 200);
      expectDocumented(op, key, res);
    }
  });

  it('refuses as documented: 401 without a token, 403 with another scope, 400 for an unknown parameter, 404 for an unknown id', async () => {
    let checked = 0;
    for (const { key, method, path, op } of operations()) {
      const example = EXAMPLES[key];
      const target = url(path, example.path, example.query);
      const scope = op.security?.[0]?.bearer?.[0] as TokenScope | undefined;
      if (op.responses['401']) {
        expectDocumented(op, `${key} without a token`, await call(method, target, 'none', example.body));
        expect((await call(method, target, 'none', example.body)).statusCode, key).toBe(401);
        checked++;
      }
      if (op.responses['403']) {
        const other: TokenScope = scope === 'ingest' ? 'ack' : 'ingest';
        const res = await call(method, target, other, example.body);
        // Routes of a scope refuse other scopes; reads refuse only what they do on request (record=true).
        if (scope !== undefined) expect(res.statusCode, `${key} with a token of scope ${other}`).toBe(403);
        expectDocumented(op, `${key} with scope ${other}`, res);
        checked++;
      }
      if (op.responses['400']) {
        // An unknown body field where the body is a JSON object, else an unknown query parameter.
        const inBody = typeof example.body === 'object' && example.body !== null;
        const bad = !inBody
          ? await call(method, url(path, example.path, [example.query, 'zzunknown=1'].filter(Boolean).join('&')), example.scope ?? 'admin', example.body)
          : await call(method, target, example.scope ?? 'admin', { ...(example.body as object), zzunknown: 1 });
        expect(bad.statusCode, `${key} with an unknown parameter: ${bad.body}`).toBe(400);
        expectDocumented(op, `${key} with an unknown parameter`, bad);
        expect(JSON.parse(bad.body).place, key).toEqual({ field: 'zzunknown' });
        checked++;
      }
      if (op.responses['404'] && example.missing) {
        const res = await call(method, url(path, { ...example.path, ...example.missing }, key === 'GET /daemon/changepoint' ? 'test_name=no-such-config' : example.query), example.scope ?? 'admin', example.body);
        expect(res.statusCode, `${key} for something that does not exist: ${res.body}`).toBe(404);
        expectDocumented(op, `${key} (404)`, res);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });
});
