/**
 * Every route of the daemon, enumerated from the OpenAPI document it serves, with hostile query and path
 * parameters and bodies, under each kind of token (none, unknown, ingest, ack, admin). Invariants: no 5xx;
 * no token, stack or absolute path in answers or logs; a refused request or a read changes nothing in the
 * store; a revoke revokes only the token named; an ack is signed by its token. SQLite (in-process).
 * Template configs in request bodies are the config property's (config.fuzz.test.ts): they run in a child.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/tokens.js';
import { buildServer } from '../../src/server/app.js';
import { openStore } from '../../src/store/connect.js';
import { runCli } from '../support/cli.js';
import { useDaemon } from '../server/support.js';
import { check } from './support/fuzz.js';
import { capturedLogger } from './support/channels.js';
import { deepJson, hostileJsonValue, hostileString } from './support/hostile.js';
import { excerpt, Sweep } from './support/leaks.js';
import { assertUnchanged, storeState } from './support/store-state.js';
import { filesFlags } from '../support/analyze-flags.js';

const FIXTURES = new URL('../fixtures/opensearch/', import.meta.url);
const CONFIG_DIR = fileURLToPath(new URL('configurations/', FIXTURES));
const CI_TESTS = readFileSync(new URL('configurations/ci-tests.yaml', FIXTURES), 'utf8');
const GOOD_ANALYZE = { config: CI_TESTS, options: { inputVars: { version: '4.20' }, metadataIndex: 'orion-integration-test-data*', benchmarkIndex: 'orion-integration-test-metrics*' } };

const log = capturedLogger();
const d = useDaemon('sqlite', { configDir: CONFIG_DIR, logger: log.logger, bodyLimit: 1024 * 1024, ingestLimit: 1024 * 1024 });
const sweep = new Sweep();

interface Route {
  method: 'GET' | 'POST';
  path: string;
  query: string[];
  pathParams: string[];
  body: boolean;
}

/** The routes as the daemon's own /openapi.json lists them (read from a throw-away daemon at load time). */
async function servedRoutes(): Promise<Route[]> {
  const store = await openStore('sqlite::memory:');
  const app = await buildServer({ store });
  const spec = JSON.parse((await app.inject({ method: 'GET', url: '/openapi.json' })).body) as {
    paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; requestBody?: unknown }>>;
  };
  await app.close();
  await store.close();
  const out: Route[] = [];
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = op.parameters ?? [];
      out.push({
        method: method.toUpperCase() as Route['method'],
        path,
        query: params.filter((p) => p.in === 'query').map((p) => p.name),
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        body: op.requestBody !== undefined,
      });
    }
  }
  return out.sort((a, b) => `${a.method} ${a.path}`.localeCompare(`${b.method} ${b.path}`));
}
const routes = await servedRoutes();

const TOKEN_KINDS = ['none', 'unknown', 'ingest', 'ack', 'admin'] as const;
type TokenKind = (typeof TOKEN_KINDS)[number];

function headersOf(kind: TokenKind): Record<string, string> {
  if (kind === 'none') return {};
  if (kind === 'unknown') return { authorization: 'Bearer phk_not-a-real-token-0000000000' };
  return d.auth(kind);
}

/** Our tokens are valid again (a fuzzed revoke may have revoked one). */
async function restoreTokens(): Promise<void> {
  const valid = await d.store.db.selectFrom('api_tokens').select('name').where('revoked_ms', 'is', null).execute();
  for (const scope of ['ingest', 'ack', 'admin'] as const) {
    if (valid.some((t) => t.name === `test-${scope}`)) continue;
    d.tokens[scope] = (await createToken(d.store.db, { name: `test-${scope}`, scope })).token;
    sweep.secret(d.tokens[scope]);
  }
}

/** Values a route accepts, so a hostile value elsewhere in the request meets a route that goes on working. */
const PLAUSIBLE: Record<string, string[]> = {
  test_name: ['ci-tests'], config: ['ci-tests'], version: ['4.20'], test: ['olm-integration-test'], metric: ['OCP-84094_catalogdCPU_GCP_avg'],
  convert_tinyurl: ['false'], since: ['2026-01-01'], until: ['2026-12-31'], limit: ['5'], offset: ['0'], key: ['platform'], where: ['platform=GCP'],
  status: ['open'], format: ['json', 'subunit'], workers: ['2'], filter_changepoints: ['true'], resolution: ['day'], 'metadata-collection': ['orion-integration-test-data'],
};

/** Percent-encodes every byte of the UTF-8 form (a lone surrogate too, which encodeURIComponent refuses). */
function pct(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');
}

const queryValue = fc.oneof(
  fc.constantFrom('1e300', '-1', '', 'NaN', '0', '1e-7', '99999999999999999999', 'true', 'maybe', '2026-13-45', '2026-01-20', '15d', '4.20', 'x=y', '__proto__', '../../../etc/passwd', 'ci-tests', 'olm-integration-test', 'q'.repeat(20_000), '🐛\u202e', '%', '[]'),
  hostileString.filter((s) => s.length < 2000),
);

const bodyOf = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom<unknown>(GOOD_ANALYZE, { reason: 'fuzz' }, { reason: 'fuzz', by: 'someone-else' }, { name: 'fz', scope: 'ack' }) },
  fc.constantFrom<unknown>(null, 42, 'text', [], {}, { config: 42 }, { config: { tests: 'x' } }, { config: { tests: [{ name: '__proto__', metrics: [] }] } }, GOOD_ANALYZE,
    { ...GOOD_ANALYZE, options: { lookback: '1e300', since: 'NaN', uuid: '__proto__' } }, { reason: 'fuzz', by: 'someone-else' }, { reason: '' }, { name: 'fz', scope: 'admin' },
    { name: '1', scope: 'ingest' }, { name: 'n'.repeat(5000), scope: 'ack' }, { name: 'fz', scope: 'root' }),
  hostileJsonValue.map((v) => `{"config":${v},"options":{}}`),
  deepJson.map((v) => `{"reason":${v}}`),
  fc.dictionary(fc.constantFrom('config', 'options', 'reason', 'by', 'name', 'scope', '__proto__', 'constructor'), hostileJsonValue.map((v) => JSON.parse(v.length > 5000 ? '0' : v.replace(/1e400/g, '1').replace(/-?99999999999999999/g, '1')) as unknown), { maxKeys: 3 }),
);

const pathParam = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('1', '1', '0', '-1', '1e300', 'abc', 'test-ingest', 'fz', 'victim', '..', '%00', 'p'.repeat(400), '__proto__', '9007199254740993') }, hostileString.filter((s) => s.length > 0 && s.length < 300));

interface Request {
  route: Route;
  token: TokenKind;
  query: Array<[string, string]>;
  pathValues: string[];
  body: unknown;
}

const requestOf = (route: Route) =>
    fc.record({
      route: fc.constant(route),
      token: fc.oneof(fc.constantFrom(...TOKEN_KINDS), fc.constantFrom<TokenKind>('ingest', 'ack', 'admin')),
      // A plausible request with a few hostile parts, so the hostile part meets a route that goes on working.
      query: fc.array(fc.tuple(fc.constantFrom('unknown', 'meta.__proto__', 'meta.a', ...route.query), queryValue), { maxLength: 2 }).map((hostile) => {
        const query = new Map(route.query.filter((name) => PLAUSIBLE[name]).map((name) => [name, PLAUSIBLE[name][0]]));
        for (const [name, value] of hostile) query.set(name, value);
        return [...query.entries()];
      }),
      pathValues: fc.array(pathParam, { minLength: route.pathParams.length, maxLength: route.pathParams.length }),
      body: route.body ? bodyOf : fc.constant(undefined),
    });

function urlOf(r: Request): string {
  let path = r.route.path;
  r.route.pathParams.forEach((name, i) => (path = path.replace(`{${name}}`, pct(r.pathValues[i]))));
  const qs = new URLSearchParams(r.query).toString();
  return qs ? `${path}?${qs}` : path;
}

beforeAll(async () => {
  for (const token of Object.values(d.tokens)) sweep.secret(token);
  // Data for the analysis routes to find a change point in (and so regressions to record).
  const bulk = readFileSync(new URL('bulk.ndjson', FIXTURES));
  const ingested = await d.app.inject({ method: 'POST', url: '/api/v1/ingest/bulk?metadata-collection=orion-integration-test-data', headers: d.auth('ingest'), payload: bulk });
  expect(ingested.statusCode).toBe(200);
});

async function forgetRegressions(): Promise<void> {
  await d.store.db.deleteFrom('acks').execute();
  await d.store.db.deleteFrom('regressions').execute();
}

/** A regression to acknowledge: the CLI's analysis (a write by design) records the fixture's change point. */
async function recordRegression(): Promise<void> {
  if ((await d.store.db.selectFrom('regressions').select('id').execute()).length) return;
  const r = await runCli(['analyze', '--hunter-analyze', '--config', join(CONFIG_DIR, 'ci-tests.yaml'), '--input-vars', '{"version":"4.20"}', '--db', d.url,
    '--metadata-index', 'orion-integration-test-data*', '--benchmark-index', 'orion-integration-test-metrics*', ...filesFlags()]);
  expect(r.code, r.stderr).toBe(2);
}

/** Reads: answered from the store, never written to it. */
const isRead = (r: Route) => r.method === 'GET' || r.path === '/api/v1/analyze';

describe('every daemon route on hostile requests', () => {
  it('enumerates the routes from /openapi.json', () => {
    expect(routes.length).toBeGreaterThan(15);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toContain('POST /api/v1/ingest/{format}');
  });

  for (const route of routes) {
  it(`${route.method} ${route.path}: no 5xx, no leak, refusals and reads change nothing, revokes and acks do what they say`, async () => {
    await check(
      `route ${route.method} ${route.path}`,
      fc.asyncProperty(requestOf(route), async (r) => {
        await restoreTokens();
        // Each read route must be able to show that it records: no regression recorded by an earlier one.
        if (isRead(r.route)) await forgetRegressions();
        else if (r.route.path === '/api/v1/regressions/{id}/ack') await recordRegression();
        const url = urlOf(r);
        const where = `${r.route.method} ${url.length > 300 ? url.slice(0, 300) + '…' : url} [token ${r.token}]${r.body === undefined ? '' : ` body ${excerpt(typeof r.body === 'string' ? r.body : JSON.stringify(r.body) ?? 'undefined', 200)}`}`;
        const before = await storeState(d.store);
        const logFrom = log.lines.length;
        const isText = typeof r.body === 'string';
        const res = await d.app.inject({
          method: r.route.method,
          url,
          headers: { ...headersOf(r.token), ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}) },
          ...(r.body !== undefined ? { payload: isText ? (r.body as string) : JSON.stringify(r.body) } : {}),
        });
        if (res.statusCode >= 500) throw new Error(`${where} → ${res.statusCode} ${excerpt(res.body)}`);
        // The dashboard's bundled script and style are code, not answers: their text is not swept.
        const asset = /^(?:application|text)\/(?:javascript|css)/.test(String(res.headers['content-type'] ?? ''));
        if (!asset) sweep.assertClean(res.body, `${where} (answer)`);
        sweep.assertClean(log.lines.slice(logFrom).join(''), `${where} (daemon log)`);
        const after = await storeState(d.store);
        if (res.statusCode >= 400) assertUnchanged(before, after, `the refused ${where} → ${res.statusCode}`);
        else if (isRead(r.route)) assertUnchanged(before, after, `the read ${where} → ${res.statusCode}`);
        if (r.route.path === '/api/v1/tokens/{name}/revoke' && res.statusCode === 200) {
          const revoked = await d.store.db.selectFrom('api_tokens').select(['id', 'name']).where('revoked_ms', 'is not', null).execute();
          const wrong = revoked.filter((t) => t.name.startsWith('test-') && t.name !== r.pathValues[0]);
          if (wrong.length) throw new Error(`${where} revoked the token named ${wrong[0].name} (id ${wrong[0].id}), not the one named "${r.pathValues[0]}"`);
        }
        if (r.route.path === '/api/v1/regressions/{id}/ack' && res.statusCode === 200) {
          const ack = await d.store.db.selectFrom('acks').select('acked_by').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
          if (ack.acked_by !== `test-${r.token}`) throw new Error(`${where} stored an ack by "${ack.acked_by}" under the token test-${r.token}`);
        }
      }),
      route.path.startsWith('/daemon/changepoint') || route.path === '/api/v1/analyze' || route.path === '/api/v1/series' ? 6 : 10,
    );
  });
  }
});
