import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodePacket } from '../../src/ingest/subunit/v2-writer.js';
import { DIALECTS } from '../support/databases.js';
import { body, useDaemon } from './support.js';

const BULK = readFileSync(new URL('../fixtures/opensearch/bulk.ndjson', import.meta.url));
const ORION_QUERY = 'metadata-collection=orion-integration-test-data';
const CP_RUN = 'd4e5f6a7-b8c9-4012-d345-e6f7a8b9c012';

/** A subunit v2 stream of one run: test_a passes, test_b fails, each taking `seconds`. */
function subunitRun(startS: number, seconds: number): Buffer {
  const packets: Buffer[] = [];
  let t = startS * 1e6;
  for (const [test, status] of [['pkg.test_a', 'success'], ['pkg.test_b', 'fail']] as const) {
    packets.push(encodePacket({ testId: test, status: 'inprogress', timestampUs: t }));
    t += seconds * 1e6;
    packets.push(encodePacket({ testId: test, status, timestampUs: t }));
  }
  return Buffer.concat(packets);
}

for (const dialect of DIALECTS) {
  describe(`daemon routes on ${dialect}`, () => {
    const d = useDaemon(dialect);
    const ingestBulk = (headers: Record<string, string>) =>
      d.app.inject({ method: 'POST', url: `/api/v1/ingest/bulk?${ORION_QUERY}`, headers: { 'content-type': 'application/x-ndjson', ...headers }, payload: BULK });

    it('refuses an ingest without a token (401) or with a token of another scope (403), writing nothing', async () => {
      const none = await ingestBulk({});
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      expect((await ingestBulk({ authorization: 'Bearer phk_not-a-token' })).statusCode).toBe(401);
      const wrong = await ingestBulk(d.auth('ack'));
      expect(wrong.statusCode).toBe(403);
      expect(body(wrong).error).toMatch(/scope ingest/);
      expect(await d.store.db.selectFrom('runs').select('id').execute()).toHaveLength(0);
    });

    it('ingests the Orion CI corpus with an ingest token and lists its runs', async () => {
      const res = await ingestBulk(d.auth('ingest'));
      expect(res.statusCode).toBe(200);
      const report = body<{ runs: { uuid: string; outcome: string }[]; errors: string[] }>(res);
      expect(report.errors).toEqual([]);
      expect(report.runs.filter((r) => r.outcome === 'created')).toHaveLength(12);

      const listed = await d.app.inject({ method: 'GET', url: '/api/v1/runs?limit=1000', headers: d.auth('ack') });
      expect(listed.statusCode).toBe(200);
      const runs = body<{ runs: { uuid: string; timestampMs: number }[] }>(listed).runs;
      expect(runs.map((r) => r.uuid).sort()).toEqual(report.runs.map((r) => r.uuid).sort());
      const times = runs.map((r) => r.timestampMs);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    });

    it('filters runs by metadata (where= and meta.) and time, and pages back from the newest', async () => {
      const get = async (qs: string) => {
        const res = await d.app.inject({ method: 'GET', url: `/api/v1/runs?${qs}`, headers: d.auth('ingest') });
        expect(res.statusCode, res.body).toBe(200);
        return body<{ runs: { uuid: string; metadata: Record<string, unknown>; timestamp: string }[]; nextOffset: number | null }>(res);
      };
      const gcp = await get('where=platform=GCP&where=benchmark=olm');
      expect(gcp.runs).toHaveLength(10);
      expect(gcp.runs.every((r) => r.metadata.platform === 'GCP')).toBe(true);
      expect((await get('meta.platform=GCP&meta.benchmark=olm')).runs.map((r) => r.uuid)).toEqual(gcp.runs.map((r) => r.uuid));
      expect((await get('meta.platform=AWS')).runs).toHaveLength(0);
      const cut = gcp.runs[5].timestamp;
      const later = await get(`meta.benchmark=olm&since=${encodeURIComponent(cut)}`);
      expect(later.runs.map((r) => r.uuid)).toEqual(gcp.runs.slice(5).map((r) => r.uuid));
      const page1 = await get('meta.benchmark=olm&limit=4');
      const page2 = await get('meta.benchmark=olm&limit=4&offset=4');
      expect(page1.runs.map((r) => r.uuid)).toEqual(gcp.runs.slice(6).map((r) => r.uuid));
      expect(page2.runs.map((r) => r.uuid)).toEqual(gcp.runs.slice(2, 6).map((r) => r.uuid));
      expect(page1.nextOffset).toBe(4);
    });

    it('shows one run with its document counts, 404 for an unknown uuid', async () => {
      const res = await d.app.inject({ method: 'GET', url: `/api/v1/runs/${CP_RUN}`, headers: d.auth('ingest') });
      expect(res.statusCode).toBe(200);
      const run = body<{ uuid: string; documents: Record<string, number> }>(res);
      expect(run.uuid).toBe(CP_RUN);
      expect(run.documents['orion-integration-test-metrics']).toBe(50);
      const missing = await d.app.inject({ method: 'GET', url: '/api/v1/runs/nope', headers: d.auth('ingest') });
      expect(missing.statusCode).toBe(404);
      expect(body(missing).error).toMatch(/no run with uuid nope/);
    });

    it('names the bad line of a refused run (400) and still writes the good ones', async () => {
      const payload = [
        '{"index":{"_index":"perf_scale_ci"}}',
        '{"uuid":"good-1","timestamp":"2026-02-01T00:00:00Z","platform":"AWS"}',
        '{"index":{"_index":"perf_scale_ci"}}',
        '{"uuid":"bad-1","timestamp":"2026-02-02T00:00:00Z",',
      ].join('\n');
      const res = await d.app.inject({ method: 'POST', url: '/api/v1/ingest/bulk', headers: d.auth('ingest'), payload });
      expect(res.statusCode).toBe(400);
      const answer = body<{ error: string; report: { runs: { uuid: string; outcome: string }[] } }>(res);
      expect(answer.error).toMatch(/^body:4: /);
      expect(answer.report.runs.find((r) => r.uuid === 'good-1')?.outcome).toBe('created');
      expect((await d.app.inject({ method: 'GET', url: '/api/v1/runs/good-1', headers: d.auth('ingest') })).statusCode).toBe(200);
    });

    it('ingests subunit and JUnit bodies with the CLI options as query parameters and serves the test analytics', async () => {
      for (const [i, seconds] of [1, 2, 3].entries()) {
        const res = await d.app.inject({
          method: 'POST',
          url: `/api/v1/ingest/subunit?run-id=sub-${i}&run-meta=build_name:gate&runMeta=job=unit`,
          headers: { ...d.auth('admin'), 'content-type': 'application/octet-stream' },
          payload: subunitRun(1_780_000_000 + i * 3600, seconds),
        });
        expect(res.statusCode, res.body).toBe(200);
      }
      const run = body<{ metadata: Record<string, string>; passes: number; fails: number }>(await d.app.inject({ method: 'GET', url: '/api/v1/runs/sub-1', headers: d.auth('admin') }));
      expect(run.metadata).toMatchObject({ build_name: 'gate', job: 'unit' });
      expect([run.passes, run.fails]).toEqual([1, 1]);

      const junit = readFileSync(new URL('../fixtures/subunit/junit-sample.xml', import.meta.url));
      const j = await d.app.inject({ method: 'POST', url: '/api/v1/ingest/junit?run-id=ju-1', headers: { ...d.auth('ingest'), 'content-type': 'application/xml' }, payload: junit });
      expect(j.statusCode, j.body).toBe(200);

      const get = async (url: string) => {
        const res = await d.app.inject({ method: 'GET', url, headers: d.auth('ack') });
        expect(res.statusCode, res.body).toBe(200);
        return body<Record<string, unknown>>(res);
      };
      const rates = (await get('/api/v1/tests/rates?meta=build_name=gate')).tests as { test: string; failures: number; passes: number }[];
      expect(rates.map((t) => [t.test, t.passes, t.failures]).sort()).toEqual([['pkg.test_a', 3, 0], ['pkg.test_b', 0, 3]]);
      const slowest = (await get('/api/v1/tests/slowest?limit=1&meta=build_name=gate')).tests as { test: string; meanRunTime: number }[];
      expect(slowest).toEqual([expect.objectContaining({ test: 'pkg.test_a', meanRunTime: 2 })]);
      const history = await get('/api/v1/tests/history?test=pkg.test_a');
      expect((history.results as unknown[]).length).toBe(3);
      const byKey = (await get('/api/v1/tests/runs-by-key?key=build_name&resolution=hour')).buckets as unknown[];
      expect(byKey).toHaveLength(3);
      const timing = await get('/api/v1/tests/timing?workers=2&meta=build_name=gate');
      expect(timing.durations).toEqual({ 'pkg.test_a': 2 });
      const failed = (await get('/api/v1/tests/failed-runs?key=build_name')).runs as { failedTests: string[] }[];
      expect(failed[0].failedTests).toEqual(['pkg.test_b']);
      // 1_780_000_000 s is Thursday 2026-05-28: the three runs (an hour apart) are in the week of Monday 2026-05-25.
      const byWeek = (await get('/api/v1/tests/runs-by-key?key=build_name&resolution=week')).buckets as { bucket: string; groups: Record<string, { runs: { uuid: string }[] }> }[];
      expect(byWeek.map((b) => [b.bucket, b.groups.gate.runs.map((r) => r.uuid)])).toEqual([['2026-05-25', ['sub-0', 'sub-1', 'sub-2']]]);

      // A run's test results: counts over the run, the tests slowest first (ties by id), filtered by class.
      const start = (1_780_000_000 + 2 * 3600) * 1e6;
      expect(await get('/api/v1/runs/sub-2/tests')).toEqual({
        run: 'sub-2',
        counts: { pass: 1, fail: 1, skip: 0, other: 0 },
        tests: [
          { test_id: 'pkg.test_a', status: 'success', start_us: start, stop_us: start + 3e6, duration_s: 3 },
          { test_id: 'pkg.test_b', status: 'fail', start_us: start + 3e6, stop_us: start + 6e6, duration_s: 3 },
        ],
      });
      const failing = await get('/api/v1/runs/sub-2/tests?status=fail&limit=5');
      expect((failing.tests as { test_id: string }[]).map((t) => t.test_id)).toEqual(['pkg.test_b']);
      expect(failing.counts).toEqual({ pass: 1, fail: 1, skip: 0, other: 0 });
      expect(((await get('/api/v1/runs/sub-2/tests?limit=1')).tests as unknown[]).length).toBe(1);
      const unknownRun = await d.app.inject({ method: 'GET', url: '/api/v1/runs/nope/tests', headers: d.auth('ack') });
      expect([unknownRun.statusCode, body(unknownRun)]).toEqual([404, { error: 'field uuid: no run with uuid nope', place: { field: 'uuid' } }]);
      const badClass = await d.app.inject({ method: 'GET', url: '/api/v1/runs/sub-2/tests?status=broken', headers: d.auth('ack') });
      expect([badClass.statusCode, body<{ place: unknown }>(badClass).place]).toEqual([400, { field: 'status' }]);

      const exported = await d.app.inject({ method: 'GET', url: '/api/v1/runs/sub-0/subunit', headers: d.auth('ack') });
      expect(exported.statusCode).toBe(200);
      expect(exported.rawPayload.equals(subunitRun(1_780_000_000, 1))).toBe(true);
      const bad = await d.app.inject({ method: 'GET', url: '/api/v1/tests/runs-by-key?key=x&resolution=fortnight', headers: d.auth('ack') });
      expect(bad.statusCode).toBe(400);
      expect(body(bad).error).toMatch(/resolution/);
    });

    it('lists regressions by status and acknowledges one with an ack token, storing the ack', async () => {
      const now = Date.now();
      await d.store.db
        .insertInto('regressions')
        .values([
          { test_name: 'olm', metric: 'cpu_avg', run_uuid: CP_RUN, timestamp_ms: now - 1000, percentage_change: 404.5, mean_before: 1.5, mean_after: 7.9, pvalue: 1e-7, status: 'open', first_seen_ms: now, last_seen_ms: now },
          { test_name: 'olm', metric: 'mem_avg', run_uuid: CP_RUN, timestamp_ms: now - 1000, percentage_change: 12, mean_before: 1, mean_after: 1.12, pvalue: 0.01, status: 'open', first_seen_ms: now, last_seen_ms: now - 5 },
        ])
        .execute();
      const list = async (status: string) =>
        body<{ regressions: { id: number; metric: string; status: string }[] }>(await d.app.inject({ method: 'GET', url: `/api/v1/regressions?status=${status}`, headers: d.auth('ingest') })).regressions;
      const open = await list('open');
      expect(open.map((r) => r.metric)).toEqual(['cpu_avg', 'mem_avg']);
      const id = open[0].id;

      const url = `/api/v1/regressions/${id}/ack`;
      expect((await d.app.inject({ method: 'POST', url, payload: { reason: 'expected' } })).statusCode).toBe(401);
      expect((await d.app.inject({ method: 'POST', url, headers: d.auth('ingest'), payload: { reason: 'expected' } })).statusCode).toBe(403);
      const noReason = await d.app.inject({ method: 'POST', url, headers: d.auth('ack'), payload: { reason: ' ' } });
      expect(noReason.statusCode).toBe(400);
      expect(body(noReason).place).toEqual({ field: 'reason' });
      expect((await d.app.inject({ method: 'POST', url: '/api/v1/regressions/999999/ack', headers: d.auth('ack'), payload: { reason: 'x' } })).statusCode).toBe(404);

      const ok = await d.app.inject({ method: 'POST', url, headers: d.auth('ack'), payload: { reason: 'new catalogd build, expected' } });
      expect(ok.statusCode, ok.body).toBe(200);
      expect((await list('open')).map((r) => r.metric)).toEqual(['mem_avg']);
      expect((await list('acknowledged')).map((r) => r.id)).toEqual([id]);
      const acks = await d.store.db.selectFrom('acks').selectAll().execute();
      expect(acks).toEqual([expect.objectContaining({ run_uuid: CP_RUN, test_name: 'olm', metric: 'cpu_avg', reason: 'new catalogd build, expected', acked_by: 'test-ack' })]);
      expect((await d.app.inject({ method: 'GET', url: '/api/v1/regressions?status=closed', headers: d.auth('ack') })).statusCode).toBe(400);
    });

    it('counts requests, latencies and ingested runs in /metrics', async () => {
      const res = await d.app.inject({ method: 'GET', url: '/metrics' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/);
      expect(res.body).toMatch(/perfhound_http_requests_total\{method="POST",route="\/api\/v1\/ingest\/:format",status="401"\} 2/);
      expect(res.body).toMatch(/perfhound_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/runs"\} \d+/);
      expect(res.body).toMatch(/perfhound_ingested_runs_total\{format="bulk",outcome="created"\} 13/);
      expect(res.body).toMatch(/perfhound_ingested_runs_total\{format="bulk",outcome="failed"\} 1/);
    });
  });
}
