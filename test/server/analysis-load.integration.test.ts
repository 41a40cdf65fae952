/**
 * The daemon under concurrent cache misses (issue 17): right after an ingest every series is a full
 * analysis. Identical analyses must be computed once however many requests want them — even when the
 * memo is smaller than the set of analyses in flight — and past the bound of analyses running and waiting
 * a request is answered 503 with Retry-After, never 500 (which is what a drained connection pool gave).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { body, useDaemon, type Daemon } from './support.js';

const FIXTURES = new URL('../fixtures/opensearch/', import.meta.url);
const BULK = readFileSync(new URL('bulk.ndjson', FIXTURES), 'utf8');
const CI_TESTS = readFileSync(new URL('configurations/ci-tests.yaml', FIXTURES), 'utf8');
const TEST = 'olm-integration-test';
const COLUMN = 'OCP-84094_catalogdCPU_GCP_avg';
const BULK_PATH = '/api/v1/ingest/bulk?metadata-collection=orion-integration-test-data';

/** A config folder whose config holds the CI test twice (two analyses per data version). */
function configDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'perfhound-load-'));
  const second = CI_TESTS.slice(CI_TESTS.indexOf('  - name:')).replace(`name: ${TEST}`, `name: ${TEST}-2`);
  writeFileSync(join(dir, 'two.yaml'), `${CI_TESTS.trimEnd()}\n${second}`);
  return dir;
}

function seriesUrl(test: string, extra: string): string {
  return `/api/v1/series?config=two&test=${test}&version=4.20&node-count=true&lookback=15d${extra}`;
}

async function ingest(d: Daemon): Promise<void> {
  const res = await d.app.inject({ method: 'POST', url: BULK_PATH, headers: d.auth('ingest'), payload: BULK });
  expect(res.statusCode, res.body).toBe(200);
}

async function reportMisses(d: Daemon): Promise<number> {
  const text = (await d.app.inject({ method: 'GET', url: '/metrics' })).body;
  return Number(/perfhound_cache_requests_total\{cache="reports",result="miss"\} (\d+)/.exec(text)?.[1] ?? NaN);
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`daemon under concurrent analyses (${dialect})`, () => {
    const dir = configDir();
    const shared = useDaemon(dialect, { configDir: dir, cacheSizes: { configs: 16, reports: 1, bodies: 64 } });
    const bounded = useDaemon(dialect, { configDir: dir, analysisLimits: { running: 1, queued: 1 } });

    beforeAll(async () => {
      await ingest(shared);
      await ingest(bounded);
    });

    it('computes each analysis once for 32 concurrent requests that need it, with a memo of one entry', async () => {
      const before = await reportMisses(shared);
      // Four different answers (two tests, with and without a metric) over two analyses.
      const urls = [seriesUrl(TEST, `&metric=${COLUMN}&since=2026-01-20`), seriesUrl(`${TEST}-2`, `&metric=${COLUMN}&since=2026-01-20`), seriesUrl(TEST, '&since=2026-01-20'), seriesUrl(`${TEST}-2`, '&since=2026-01-20')];
      const answers = await Promise.all(Array.from({ length: 32 }, (_, i) => shared.app.inject({ method: 'GET', url: urls[i % 4], headers: shared.auth('ingest') })));
      for (const res of answers) expect(res.statusCode, res.body).toBe(200);
      expect(body<{ points: unknown[] }>(answers[0]).points.length).toBeGreaterThan(0);
      expect((await reportMisses(shared)) - before).toBe(2);
    });

    it('answers 503 with Retry-After beyond the bound of analyses, never 500, and serves the retry', async () => {
      const urls = Array.from({ length: 12 }, (_, i) => seriesUrl(TEST, `&metric=${COLUMN}&since=2026-01-${String(10 + i).padStart(2, '0')}`));
      const answers = await Promise.all(urls.map((url) => bounded.app.inject({ method: 'GET', url, headers: bounded.auth('ingest') })));
      const statuses = answers.map((r) => r.statusCode);
      expect(statuses.filter((s) => s !== 200 && s !== 503), JSON.stringify(statuses)).toEqual([]);
      const refused = answers.flatMap((r, i) => (r.statusCode === 503 ? [{ r, url: urls[i] }] : []));
      expect(refused.length, JSON.stringify(statuses)).toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
      for (const { r } of refused) {
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(body<{ error: string }>(r).error).toMatch(/retry later/);
      }
      const retried = await bounded.app.inject({ method: 'GET', url: refused[0].url, headers: bounded.auth('ingest') });
      expect(retried.statusCode, retried.body).toBe(200);
    });
  });
}
