/**
 * The daemon's security guarantees (issue 10): reads never write, one meaning per argument, error bodies
 * in the caller's terms, ack authorship from the token, 4xx for every bad parameter, bounded spooling.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createToken, listTokens } from '../../src/auth/tokens.js';
import { buildServer } from '../../src/server/app.js';
import { openStore } from '../../src/store/connect.js';
import { runCli } from '../support/cli.js';
import { useTestDatabase } from '../support/databases.js';
import { BULK, CI_TESTS, CONFIG_DIR, EXPECTED_OPTIONS } from './orion-corpus.js';
import { body, expectNoLeak, spooled, useDaemon } from './support.js';

const OPTIONS = EXPECTED_OPTIONS;
const CHANGEPOINT = '/daemon/changepoint?test_name=ci-tests&version=4.20&lookback=15d';

describe('reads do not write (regressions are recorded only on request, by a token of scope ingest)', () => {
  const d = useDaemon('sqlite', { readPublic: true, configDir: CONFIG_DIR });
  const regressions = async () => (await d.store.db.selectFrom('regressions').selectAll().execute()).length;
  const analyze = (payload: object, headers: Record<string, string> = {}) => d.app.inject({ method: 'POST', url: '/api/v1/analyze', headers, payload });

  it('POST /api/v1/analyze and GET /daemon/changepoint under read access leave the regressions table unchanged', async () => {
    expect((await d.app.inject({ method: 'POST', url: '/api/v1/ingest/bulk?metadata-collection=orion-integration-test-data', headers: d.auth('ingest'), payload: BULK })).statusCode).toBe(200);
    const anonymous = await analyze({ config: CI_TESTS, options: OPTIONS });
    expect(anonymous.statusCode, anonymous.body).toBe(200);
    expect(Object.values(body<Record<string, { is_changepoint: boolean }[]>>(anonymous)).flat().some((r) => r.is_changepoint)).toBe(true);
    // Any test name a caller likes: still nothing recorded.
    expect((await analyze({ config: CI_TESTS.replace('olm-integration-test', 'made-up-by-caller'), options: OPTIONS }, d.auth('ack'))).statusCode).toBe(200);
    expect((await d.app.inject({ method: 'GET', url: CHANGEPOINT })).statusCode).toBe(200);
    expect((await d.app.inject({ method: 'GET', url: CHANGEPOINT, headers: d.auth('ack') })).statusCode).toBe(200);
    expect(await regressions()).toBe(0);
  });

  it('record: true needs a token of scope ingest (or admin): 401 without one, 403 with an ack token', async () => {
    expect((await analyze({ config: CI_TESTS, options: OPTIONS, record: true })).statusCode).toBe(401);
    expect((await analyze({ config: CI_TESTS, options: OPTIONS, record: true }, d.auth('ack'))).statusCode).toBe(403);
    expect((await d.app.inject({ method: 'GET', url: `${CHANGEPOINT}&record=true` })).statusCode).toBe(401);
    expect((await d.app.inject({ method: 'GET', url: `${CHANGEPOINT}&record=true`, headers: d.auth('ack') })).statusCode).toBe(403);
    expect((await analyze({ config: CI_TESTS, options: OPTIONS, record: 'yes' }, d.auth('ingest'))).statusCode).toBe(400);
    expect(await regressions()).toBe(0);
    const recorded = await analyze({ config: CI_TESTS, options: OPTIONS, record: true }, d.auth('ingest'));
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(await regressions()).toBe(1);
    const viaOrion = await d.app.inject({ method: 'GET', url: `${CHANGEPOINT}&record=true`, headers: d.auth('admin') });
    expect(viaOrion.statusCode, viaOrion.body).toBe(200);
    expect(await regressions()).toBe(1);
  });
});

describe('token revoke: one argument, one meaning', () => {
  const db = useTestDatabase('sqlite');

  it('`token revoke 1` revokes the token named "1"; `token revoke --id N` the token with id N', async () => {
    const store = await openStore(db.url);
    try {
      const first = await createToken(store.db, { name: 'first', scope: 'ack' });
      const named1 = await createToken(store.db, { name: '1', scope: 'ingest' });
      expect(first.info.id).toBe(1);
      expect(named1.info.id).not.toBe(1);
      const byName = await runCli(['token', 'revoke', '1', '--db', db.url]);
      expect(byName.code, byName.stderr).toBe(0);
      const state = async () => Object.fromEntries((await listTokens(store.db)).map((t) => [t.name, t.revoked !== null]));
      expect(await state()).toEqual({ first: false, '1': true });
      const byId = await runCli(['token', 'revoke', '--id', '1', '--db', db.url]);
      expect(byId.code, byId.stderr).toBe(0);
      expect(await state()).toEqual({ first: true, '1': true });
      expect((await runCli(['token', 'revoke', '--id', 'x', '--db', db.url])).code).toBe(1);
      expect((await runCli(['token', 'revoke', 'first', '--id', '1', '--db', db.url])).code).toBe(1);
      expect((await runCli(['token', 'revoke', '--db', db.url])).code).toBe(1);
    } finally {
      await store.close();
    }
  });
});

describe('acks', () => {
  const d = useDaemon('sqlite');

  it("take `by` from the token's name, never from the body", async () => {
    await d.store.db
      .insertInto('regressions')
      .values({ test_name: 't', metric: 'm', run_uuid: 'r1', timestamp_ms: 1, percentage_change: 10, mean_before: 1, mean_after: 2, pvalue: 0.01, status: 'open', first_seen_ms: 1, last_seen_ms: 1 })
      .execute();
    const id = Number((await d.store.db.selectFrom('regressions').select('id').executeTakeFirstOrThrow()).id);
    const forged = await d.app.inject({ method: 'POST', url: `/api/v1/regressions/${id}/ack`, headers: d.auth('ack'), payload: { reason: 'x', by: 'the-boss' } });
    expect(forged.statusCode).toBe(400);
    expect(body<{ place: { field: string } }>(forged).place.field).toBe('by');
    expect(await d.store.db.selectFrom('acks').selectAll().execute()).toEqual([]);
    const ok = await d.app.inject({ method: 'POST', url: `/api/v1/regressions/${id}/ack`, headers: d.auth('ack'), payload: { reason: 'expected' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(body<{ ack: { ackedBy: string } }>(ok).ack.ackedBy).toBe('test-ack');
    expect((await d.store.db.selectFrom('acks').select('acked_by').execute()).map((r) => r.acked_by)).toEqual(['test-ack']);
  });

  it('follow the CLI\'s rules: a resolved regression is not acknowledged (409 here, exit 1 there), nothing written', async () => {
    await d.store.db
      .insertInto('regressions')
      .values({ test_name: 't', metric: 'm', run_uuid: 'r2', timestamp_ms: 1, percentage_change: 10, mean_before: 1, mean_after: 2, pvalue: 0.01, status: 'resolved', first_seen_ms: 1, last_seen_ms: 1 })
      .execute();
    const id = Number((await d.store.db.selectFrom('regressions').select('id').where('run_uuid', '=', 'r2').executeTakeFirstOrThrow()).id);
    const api = await d.app.inject({ method: 'POST', url: `/api/v1/regressions/${id}/ack`, headers: d.auth('ack'), payload: { reason: 'x' } });
    expect(api.statusCode).toBe(409);
    expect(body<{ error: string }>(api).error).toContain(`regression ${id} is resolved already`);
    const cli = await runCli(['regressions', 'ack', String(id), '--reason', 'x', '--db', d.url]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain(`regression ${id} is resolved already`);
    expect(await d.store.db.selectFrom('acks').selectAll().where('run_uuid', '=', 'r2').execute()).toEqual([]);
  });
});

describe('bad parameters are 4xx, never 500', () => {
  const d = useDaemon('sqlite');
  const get = (url: string) => d.app.inject({ method: 'GET', url, headers: d.auth('ingest') });

  it('offsets and limits out of range are 400 naming the parameter', async () => {
    for (const [url, field] of [
      ['/api/v1/runs?offset=1e300', 'offset'],
      ['/api/v1/runs?offset=99999999999999999999', 'offset'],
      ['/api/v1/runs?offset=1.5', 'offset'],
      ['/api/v1/runs?offset=', 'offset'],
      ['/api/v1/runs?limit=0', 'limit'],
      ['/api/v1/runs?limit=%20', 'limit'],
      ['/api/v1/regressions?offset=1e300', 'offset'],
      ['/api/v1/regressions?limit=0', 'limit'],
      ['/api/v1/tests/slowest?limit=0', 'limit'],
      ['/api/v1/tests/failed-runs?key=a&limit=0', 'limit'],
      ['/api/v1/tests/history?test=x&window=0', 'window'],
      ['/api/v1/tests/timing?workers=1e3', 'workers'],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(body<{ place: { field: string } }>(res).place.field, url).toBe(field);
    }
  });

  it('a client following nextOffset always advances and ends', async () => {
    const seen: number[] = [];
    let offset: number | null = 0;
    while (offset !== null && seen.length < 5) {
      const res = await get(`/api/v1/runs?limit=1&offset=${offset}`);
      expect(res.statusCode).toBe(200);
      const page = body<{ nextOffset: number | null }>(res);
      if (page.nextOffset !== null) expect(page.nextOffset).toBeGreaterThan(offset);
      seen.push(offset);
      offset = page.nextOffset;
    }
    expect(offset).toBeNull();
  });

  it('a deeply nested JSON body is a 400 on every JSON route', async () => {
    const deep = (n: number) => '{"config":' + '{"a":'.repeat(n) + '1' + '}'.repeat(n) + '}';
    const deepArray = (n: number) => '{"reason":' + '['.repeat(n) + ']'.repeat(n) + '}';
    for (const [url, payload] of [
      ['/api/v1/analyze', deep(100_000)],
      ['/api/v1/analyze', deep(1000)],
      ['/api/v1/tokens', deep(100_000)],
      ['/api/v1/regressions/1/ack', deepArray(100_000)],
    ] as const) {
      const res = await d.app.inject({ method: 'POST', url, headers: { ...d.auth('admin'), 'content-type': 'application/json' }, payload });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(body<{ error: string }>(res).error).toMatch(/nest/);
    }
    // Still serving, and a reasonable body still works.
    const ok = await d.app.inject({ method: 'POST', url: '/api/v1/analyze', headers: { ...d.auth('admin'), 'content-type': 'application/json' }, payload: deep(20) });
    expect(ok.statusCode).toBe(400);
    expect(body<{ error: string }>(ok).error).not.toMatch(/nest/);
  });
});

describe('5xx answers', () => {
  const d = useDaemon('sqlite');

  it('are generic, with a request id the log carries too', async () => {
    await d.store.close();
    const res = await d.app.inject({ method: 'GET', url: '/api/v1/runs', headers: { authorization: 'Bearer phk_x' } });
    expect(res.statusCode).toBe(500);
    const answer = body<{ error: string; requestId: string }>(res);
    expect(answer.requestId).toMatch(/^[A-Za-z0-9_-]{8,}$/);
    expect(res.headers['x-request-id']).toBe(answer.requestId);
    expect(answer.error).toContain(answer.requestId);
    expectNoLeak(res, 'a 500');
  });
});

describe('error bodies speak in the caller\'s terms', () => {
  const configDir = mkdtempSync(join(tmpdir(), 'perfhound-configs-'));
  writeFileSync(join(configDir, 'broken.yaml'), 'tests:\n  - name: x\n    metrics: 3\n');
  writeFileSync(join(configDir, 'parent.yaml'), 'parentConfig: nothere.yaml\ntests:\n  - name: x\n    metrics: []\n');
  writeFileSync(join(configDir, 'bad-yaml.yaml'), 'tests:\n  - name: x\n   bad: [\n');
  const d = useDaemon('sqlite', { configDir, readPublic: true });

  it('sweep: no error answer holds an absolute path, a host:port, a SQL type name or a stack frame', async () => {
    const requests: [string, string, string?][] = [
      ['GET', '/daemon/changepoint?test_name=broken'],
      ['GET', '/daemon/changepoint?test_name=parent'],
      ['GET', '/daemon/changepoint?test_name=bad-yaml'],
      ['GET', '/daemon/changepoint?test_name=nope'],
      ['GET', '/api/v1/series?config=broken&test=x'],
      ['GET', '/api/v1/series?config=parent&test=x'],
      ['POST', '/api/v1/analyze', JSON.stringify({ config: 'parentConfig: /etc/hostname\ntests: []\n' })],
      ['POST', '/api/v1/analyze', JSON.stringify({ config: 'metricsFile: ../../x.yaml\ntests: []\n' })],
      ['GET', '/api/v1/runs?offset=1e300'],
      ['GET', '/api/v1/runs/nope'],
      ['POST', '/api/v1/ingest/json', '[{"uuid": 1}]'],
      ['POST', '/api/v1/ingest/csv', 'time,x\nnot-a-time,1\n'],
      ['POST', '/api/v1/ingest/kube-burner', '{'],
      ['POST', '/api/v1/ingest/subunit', 'x'],
      ['POST', '/api/v1/ingest/junit', '<testsuite'],
      ['POST', '/api/v1/ingest/bulk', '{"index":{}}\n{'],
    ];
    for (const [method, url, payload] of requests) {
      const res = await d.app.inject({ method: method as 'GET', url, headers: { ...d.auth('admin'), ...(payload?.startsWith('{"config') ? { 'content-type': 'application/json' } : {}) }, payload });
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(500);
      expectNoLeak(res, `${method} ${url}`);
    }
    // A config of --config-dir is named by its file name, as GET /daemon/options lists it.
    const broken = body<{ error: string; place: { file: string } }>(await d.app.inject({ method: 'GET', url: '/daemon/changepoint?test_name=broken' }));
    expect(broken.place.file).toBe('broken.yaml');
    expect(broken.error).toMatch(/^broken\.yaml:3: /);
  });
});

describe('spooled upload bodies', () => {
  const db = useTestDatabase('sqlite');

  it('left behind by a dead daemon are removed at start; those of a live one are kept', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const tmp = tmpdir();
    const stale = join(tmp, `perfhound-body-${dead}-abcdef`);
    const legacy = join(tmp, 'perfhound-body-Xy12Zq');
    const live = join(tmp, `perfhound-body-${process.pid}-ghijkl`);
    for (const dir of [stale, legacy, live]) {
      mkdirSync(dir);
      writeFileSync(join(dir, 'body'), 'x'.repeat(1000));
    }
    const old = new Date(Date.now() - 24 * 3600_000);
    utimesSync(legacy, old, old);
    const store = await openStore(db.url);
    const app = await buildServer({ store });
    try {
      const left = readdirSync(tmp).filter((f) => f.startsWith('perfhound-body-'));
      expect(left).toContain(`perfhound-body-${process.pid}-ghijkl`);
      expect(left).not.toContain(`perfhound-body-${dead}-abcdef`);
      expect(left).not.toContain('perfhound-body-Xy12Zq');
    } finally {
      await app.close();
      await store.close();
    }
  });

  describe('bounded in total', () => {
    const d = useDaemon('sqlite', { ingestLimit: 64 * 1024, spoolLimit: 96 * 1024 });

    it('413 when the uploads in flight would exceed the spool limit; the space is free again afterwards', async () => {
      const slow = new PassThrough();
      const first = d.app.inject({ method: 'POST', url: '/api/v1/ingest/csv', headers: { ...d.auth('ingest'), 'transfer-encoding': 'chunked' }, payload: slow });
      slow.write('x'.repeat(56 * 1024)); // held by the first upload until it ends
      await spooled(56 * 1024);
      const second = await d.app.inject({ method: 'POST', url: '/api/v1/ingest/csv', headers: d.auth('ingest'), payload: 'time,x\n' + '2026-01-02T00:00:00Z,1\n'.repeat(2500) });
      expect(second.statusCode, second.body).toBe(413);
      expect(body<{ error: string }>(second).error).toMatch(/upload space|in flight/);
      slow.end();
      expect((await first).statusCode).toBeLessThan(500);
      const third = await d.app.inject({ method: 'POST', url: '/api/v1/ingest/csv', headers: d.auth('ingest'), payload: 'time,x\n2026-01-03T00:00:00Z,1\n' });
      expect(third.statusCode, third.body).toBe(200);
    });
  });
});
