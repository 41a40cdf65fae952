/**
 * The daemon's memoised analyses never outlive the data they were computed from: every write through the
 * API, the CLI's code path (the store directly) or another daemon on the same database changes the answer
 * of the very next request. The Orion CI corpus (test/fixtures/opensearch) is ingested without its newest
 * run first; that run arrives later, by each path in turn.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/tokens.js';
import { openStore } from '../../src/store/connect.js';
import { readDataVersion } from '../../src/store/data-version.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { body, listenDaemon, useDaemon, type Listening } from './support.js';

const FIXTURES = new URL('../fixtures/opensearch/', import.meta.url);
const BULK_LINES = readFileSync(new URL('bulk.ndjson', FIXTURES), 'utf8').split('\n').filter(Boolean);
const CONFIG_DIR = fileURLToPath(new URL('configurations/', FIXTURES));
const CI_TESTS = readFileSync(new URL('configurations/ci-tests.yaml', FIXTURES), 'utf8');
const TEST = 'olm-integration-test';
const COLUMN = 'OCP-84094_catalogdCPU_GCP_avg';
const CP_RUN = 'd4e5f6a7-b8c9-4012-d345-e6f7a8b9c012';
const SERIES_URL = `/api/v1/series?config=ci-tests&test=${TEST}&metric=${COLUMN}&version=4.20&node-count=true&since=2026-01-20&lookback=15d`;
const OPTIONS = { inputVars: { version: '4.20' }, lookback: '15d', since: '2026-01-20', nodeCount: true, metadataIndex: 'orion-integration-test-data*', benchmarkIndex: 'orion-integration-test-metrics*' };

interface Series {
  points: { uuid: string }[];
  changePoints: { uuid: string }[];
}

/** The bulk body split in two: the documents of the runs in `held` and all the others (action + source pairs). */
function splitBulk(held: readonly string[]): { rest: string; held: string } {
  const rest: string[] = [];
  const kept: string[] = [];
  for (let i = 0; i < BULK_LINES.length; i += 2) {
    const doc = JSON.parse(BULK_LINES[i + 1]) as { uuid?: string };
    (held.includes(doc.uuid ?? '') ? kept : rest).push(BULK_LINES[i], BULK_LINES[i + 1]);
  }
  return { rest: rest.join('\n') + '\n', held: kept.join('\n') + '\n' };
}

/** The newest run of the series (the full corpus ingested into a scratch daemon tells which it is). */
function newestOf(series: Series): string {
  return series.points[series.points.length - 1].uuid;
}

const BULK_PATH = '/api/v1/ingest/bulk?metadata-collection=orion-integration-test-data';

for (const dialect of DIALECTS) {
  describe(`memoised analyses on ${dialect}`, () => {
    const full = useDaemon(dialect, { configDir: CONFIG_DIR });
    const d = useDaemon(dialect, { configDir: CONFIG_DIR });
    let parts: { rest: string; held: string };
    let newest: string;

    beforeAll(async () => {
      expect((await full.app.inject({ method: 'POST', url: BULK_PATH, headers: full.auth('ingest'), payload: BULK_LINES.join('\n') + '\n' })).statusCode).toBe(200);
      newest = newestOf(body<Series>(await full.app.inject({ method: 'GET', url: SERIES_URL, headers: full.auth('ingest') })));
      parts = splitBulk([newest]);
      expect(parts.held.length).toBeGreaterThan(1);
      const first = await d.app.inject({ method: 'POST', url: BULK_PATH, headers: d.auth('ingest'), payload: parts.rest });
      expect(first.statusCode, first.body).toBe(200);
    });

    it('answers the same series twice from one data version, and a new one as soon as an ingest through the API lands', async () => {
      const get = async () => body<Series>(await d.app.inject({ method: 'GET', url: SERIES_URL, headers: d.auth('ingest') }));
      const before = await get();
      expect(before.points.map((p) => p.uuid)).not.toContain(newest);
      expect(await get()).toEqual(before);
      const version = await readDataVersion(d.store.db);

      const ingested = await d.app.inject({ method: 'POST', url: BULK_PATH, headers: d.auth('ingest'), payload: parts.held });
      expect(ingested.statusCode, ingested.body).toBe(200);
      expect(await readDataVersion(d.store.db)).toBeGreaterThan(version);
      const after = await get();
      expect(after.points.map((p) => p.uuid)).toEqual([...before.points.map((p) => p.uuid), newest]);
    });

    it('memoises (the /metrics hit counter moves) and still reports the same answer', async () => {
      const hits = async () => {
        const text = (await d.app.inject({ method: 'GET', url: '/metrics' })).body;
        return Number(/perfhound_cache_requests_total\{cache="bodies",result="hit"\} (\d+)/.exec(text)?.[1] ?? NaN);
      };
      const first = (await d.app.inject({ method: 'GET', url: SERIES_URL, headers: d.auth('ingest') })).body;
      const before = await hits();
      const second = (await d.app.inject({ method: 'GET', url: SERIES_URL, headers: d.auth('ingest') })).body;
      expect(second).toBe(first);
      expect(await hits()).toBe(before + 1);
    });

    it('sees a write made past the daemon (the CLI writes to the store directly) on its next request', async () => {
      const get = async () => body<Series>(await d.app.inject({ method: 'GET', url: SERIES_URL, headers: d.auth('ingest') }));
      const before = await get();
      const victim = before.points[0].uuid;
      // What `perfhound db expire` does, by its own connection (another process in real life).
      const cli = await openStore(d.url);
      try {
        const { expireRuns } = await import('../../src/store/tests.js');
        const oldest = await cli.db.selectFrom('runs').select('timestamp_ms').where('uuid', '=', victim).executeTakeFirstOrThrow();
        await expireRuns(cli.db, Number(oldest.timestamp_ms) + 1);
      } finally {
        await cli.close();
      }
      const after = await get();
      expect(after.points.map((p) => p.uuid)).not.toContain(victim);
      expect(after.points.length).toBeLessThan(before.points.length);
    });

    it('honours an ack on the next POST /api/v1/analyze', async () => {
      // A fresh corpus: the previous test expired runs.
      const flagged = async () => {
        const res = await full.app.inject({ method: 'POST', url: '/api/v1/analyze', headers: full.auth('ingest'), payload: { config: CI_TESTS, options: OPTIONS, record: true } });
        expect(res.statusCode, res.body).toBe(200);
        return body<Record<string, { is_changepoint: boolean }[]>>(res)[TEST].filter((r) => r.is_changepoint).length;
      };
      expect(await flagged()).toBe(1);
      expect(await flagged()).toBe(1);
      const open = body<{ regressions: { id: number; runUuid: string }[] }>(await full.app.inject({ method: 'GET', url: '/api/v1/regressions?status=open', headers: full.auth('ack') }));
      const regression = open.regressions.find((r) => r.runUuid === CP_RUN)!;
      expect((await full.app.inject({ method: 'POST', url: `/api/v1/regressions/${regression.id}/ack`, headers: full.auth('ack'), payload: { reason: 'expected' } })).statusCode).toBe(200);
      expect(await flagged()).toBe(0);
    });
  });
}

const start = (url: string) => listenDaemon(url, { configDir: CONFIG_DIR });

describe('two daemons on one PostgreSQL database, each memoising', () => {
  const db = useTestDatabase('postgres');
  let a: Listening;
  let b: Listening;
  let token: string;
  const call = async (d: Listening, method: string, path: string, payload?: string | object) => {
    const isJson = payload !== undefined && typeof payload === 'object';
    const res = await fetch(d.base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(isJson ? { 'content-type': 'application/json' } : {}) },
      body: payload === undefined ? undefined : isJson ? JSON.stringify(payload) : payload,
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    return JSON.parse(text) as unknown;
  };

  beforeAll(async () => {
    a = await start(db.url);
    b = await start(db.url);
    token = (await createToken(a.store.db, { name: 'all', scope: 'admin' })).token;
  });
  afterAll(async () => {
    for (const d of [a, b]) {
      await d?.app.close();
      await d?.store.close();
    }
  });

  it("an ingest through daemon A changes daemon B's next series; an ack through A is honoured by B's next analysis", async () => {
    await call(a, 'POST', BULK_PATH, BULK_LINES.join('\n') + '\n');
    const cached = (await call(b, 'GET', SERIES_URL)) as Series;
    expect(await call(b, 'GET', SERIES_URL)).toEqual(cached);
    // A new run through A: the newest run's documents again under another uuid (same time, same values).
    const newest = newestOf(cached);
    const copy = 'ffffffff-0000-4000-8000-000000000001';
    await call(a, 'POST', BULK_PATH, splitBulk([newest]).held.replaceAll(newest, copy));
    const after = (await call(b, 'GET', SERIES_URL)) as Series;
    expect(after.points.length).toBe(cached.points.length + 1);
    expect(after.points.map((p) => p.uuid)).toContain(copy);

    const flagged = async (d: Listening) =>
      ((await call(d, 'POST', '/api/v1/analyze', { config: CI_TESTS, options: OPTIONS, record: true })) as Record<string, { is_changepoint: boolean }[]>)[TEST].filter((r) => r.is_changepoint).length;
    expect(await flagged(b)).toBe(1);
    expect(await flagged(b)).toBe(1);
    const open = ((await call(a, 'GET', '/api/v1/regressions?status=open')) as { regressions: { id: number; runUuid: string }[] }).regressions;
    const regression = open.find((r) => r.runUuid === CP_RUN)!;
    await call(a, 'POST', `/api/v1/regressions/${regression.id}/ack`, { reason: 'expected' });
    expect(await flagged(b)).toBe(0);
    const series = (await call(b, 'GET', SERIES_URL)) as Series;
    expect(series.changePoints.map((c) => c.uuid)).not.toContain(CP_RUN);
  });
});
