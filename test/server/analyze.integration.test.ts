import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.js';
import { BULK, CI_TESTS, CONFIG_DIR, EXPECTED_OPTIONS } from './orion-corpus.js';
import { body, useDaemon } from './support.js';

const TEST = 'olm-integration-test';
const COLUMN = 'OCP-84094_catalogdCPU_GCP_avg';
const CP_RUN = 'd4e5f6a7-b8c9-4012-d345-e6f7a8b9c012';
/** Per-run averages the corpus must give (README: relative tolerance 1e-6). */
const AVERAGES = [1.5699, 1.5699, 1.5699, 1.5699, 1.5699, 1.5699, 6.5699, 7.857, 8.0199, 9.2369];

interface Row {
  uuid: string;
  timestamp: number;
  buildUrl: string;
  ocpVersion: string;
  metrics: Record<string, { value: number; percentage_change: number }>;
  is_changepoint: boolean;
}

for (const dialect of DIALECTS) {
  describe(`analysis routes on ${dialect}`, () => {
    const d = useDaemon(dialect, { configDir: CONFIG_DIR });
    const analyze = (payload: unknown, headers = d.auth('ingest')) => d.app.inject({ method: 'POST', url: '/api/v1/analyze', headers, payload: payload as object });

    it('answers the seed JSON shape with the change point at …2026-01-15-195655 (+404.549 %)', async () => {
      const ingested = await d.app.inject({ method: 'POST', url: '/api/v1/ingest/bulk?metadata-collection=orion-integration-test-data', headers: d.auth('ingest'), payload: BULK });
      expect(ingested.statusCode).toBe(200);

      // record: the regression is kept for the ack test below (an ingest token may ask for it).
      const res = await analyze({ config: CI_TESTS, options: EXPECTED_OPTIONS, record: true });
      expect(res.statusCode, res.body).toBe(200);
      const result = body<Record<string, Row[]>>(res);
      expect(Object.keys(result)).toEqual([TEST]);
      const rows = result[TEST];
      expect(rows).toHaveLength(10);
      for (const row of rows) {
        expect(Object.keys(row)).toEqual(expect.arrayContaining(['uuid', 'timestamp', 'buildUrl', 'metrics', 'is_changepoint']));
        expect(Number.isInteger(row.timestamp)).toBe(true);
      }
      rows.forEach((row, i) => expect(Math.abs(row.metrics[COLUMN].value - AVERAGES[i]) / AVERAGES[i]).toBeLessThan(1e-4));
      const cps = rows.filter((r) => r.is_changepoint);
      expect(cps.map((r) => r.uuid)).toEqual([CP_RUN]);
      expect(cps[0].ocpVersion).toMatch(/2026-01-15-195655$/);
      expect(cps[0].metrics[COLUMN].percentage_change).toBeCloseTo(404.549, 3);
      expect(rows.filter((r) => !r.is_changepoint).every((r) => r.metrics[COLUMN].percentage_change === 0)).toBe(true);
    });

    it('takes the config as a JSON object too, and collapse keeps the change point and its neighbours', async () => {
      const config = {
        tests: [{ name: 'as-json', metadata: { platform: 'GCP', 'benchmark.keyword': 'olm', wildcard: { ocpVersion: '4.20*' } }, metrics: [{ name: 'cpu', 'metricName.keyword': 'catalogd_cpu_usage_cores', metric_of_interest: 'value', agg: { value: 'cpu', agg_type: 'avg' } }] }],
      };
      const res = await analyze({ config, options: { ...EXPECTED_OPTIONS, collapse: true } });
      expect(res.statusCode, res.body).toBe(200);
      const rows = body<Record<string, Row[]>>(res)['as-json'];
      expect(rows.map((r) => r.is_changepoint)).toEqual([false, true, false]);
      expect(rows[1].uuid).toBe(CP_RUN);
    });

    it('serves one series with its points and change points', async () => {
      const url = `/api/v1/series?config=ci-tests&test=${TEST}&metric=${COLUMN}&version=4.20&node-count=true&since=2026-01-20&lookback=15d`;
      const res = await d.app.inject({ method: 'GET', url, headers: d.auth('ack') });
      expect(res.statusCode, res.body).toBe(200);
      const series = body<{ points: { uuid: string; value: number; buildUrl: string | null; timestamp: string }[]; changePoints: { uuid: string; percentageChange: number }[] }>(res);
      expect(series.points.map((p) => p.value).every((v, i) => Math.abs(v - AVERAGES[i]) / AVERAGES[i] < 1e-4)).toBe(true);
      expect(series.points.every((p) => typeof p.buildUrl === 'string')).toBe(true);
      expect(series.changePoints).toEqual([expect.objectContaining({ uuid: CP_RUN })]);
      expect(series.changePoints[0].percentageChange).toBeCloseTo(404.549, 3);
      const unknown = await d.app.inject({ method: 'GET', url: url.replace(COLUMN, 'nope'), headers: d.auth('ack') });
      expect(unknown.statusCode).toBe(404);
    });
    it('records the regression; an ack through the API silences it in later analyses', async () => {
      const open = body<{ regressions: { id: number; runUuid: string; metric: string }[] }>(
        await d.app.inject({ method: 'GET', url: '/api/v1/regressions?status=open', headers: d.auth('ack') }),
      ).regressions;
      const regression = open.find((r) => r.runUuid === CP_RUN && r.metric === COLUMN);
      expect(regression).toBeDefined();
      const ack = await d.app.inject({ method: 'POST', url: `/api/v1/regressions/${regression!.id}/ack`, headers: d.auth('ack'), payload: { reason: 'catalogd change, expected' } });
      expect(ack.statusCode, ack.body).toBe(200);
      const again = body<Record<string, Row[]>>(await analyze({ config: CI_TESTS, options: EXPECTED_OPTIONS }));
      expect(again[TEST].filter((r) => r.is_changepoint)).toEqual([]);
      const status = body<{ regressions: { id: number; status: string }[] }>(await d.app.inject({ method: 'GET', url: `/api/v1/regressions?test=${TEST}`, headers: d.auth('ack') }));
      expect(status.regressions.find((r) => r.id === regression!.id)?.status).toBe('acknowledged');
    });

    it('answers 400 naming the YAML line of a malformed config, and the field path of a wrong one', async () => {
      const broken = 'tests:\n  - name: x\n    metadata:\n      platform: GCP\n     bad: [\n';
      const res = await analyze({ config: broken });
      expect(res.statusCode).toBe(400);
      const answer = body<{ error: string; place: { line?: number; file?: string } }>(res);
      expect(answer.place.line).toBeGreaterThanOrEqual(4);
      expect(answer.error).toContain(`config:${answer.place.line}`);

      const wrong = await analyze({ config: 'tests:\n  - name: x\n    metrics:\n      - name: m\n        metric_of_interest: value\n        agg:\n          agg_type: median\n' });
      expect(wrong.statusCode).toBe(400);
      const placed = body<{ error: string; place: { line?: number; field?: string } }>(wrong);
      expect(placed.place.field).toMatch(/agg/);
      expect(placed.place.line).toBe(7);
      expect(JSON.stringify(placed)).not.toMatch(/at .*\.ts:\d+/);
    });

    it('refuses options that would reach outside the store, and unknown ones', async () => {
      for (const [options, field] of [
        [{ esServer: 'http://127.0.0.1:9200' }, 'options.esServer'],
        [{ ack: '/etc/passwd' }, 'options.ack'],
        [{ lookbak: '15d' }, 'options.lookbak'],
        [{ nodeCount: 'maybe' }, 'options.nodeCount'],
        [{ cmr: true, anomalyDetection: true }, 'options'],
        [{ inputVars: [1] }, 'options.inputVars'],
      ] as const) {
        const res = await analyze({ config: CI_TESTS, options });
        expect(res.statusCode, JSON.stringify(options)).toBe(400);
        expect(body<{ place: { field: string } }>(res).place.field).toBe(field);
      }
      expect((await analyze({ options: {} })).statusCode).toBe(400);
      expect((await analyze({ config: 'tests: []', extra: 1 })).statusCode).toBe(400);
      // A config from the network may not include files of the server.
      const include = await analyze({ config: 'parentConfig: /etc/hostname\ntests:\n  - name: x\n    metrics: []\n' });
      expect(include.statusCode).toBe(400);
    });

    it("serves Orion's daemon routes over --config-dir", async () => {
      const options = body<{ options: string[] }>(await d.app.inject({ method: 'GET', url: '/daemon/options', headers: d.auth('ack') }));
      expect(options.options).toEqual(['ci-tests']);
      const res = await d.app.inject({ method: 'GET', url: '/daemon/changepoint?test_name=ci-tests&version=4.20&filter_changepoints=false', headers: d.auth('ack') });
      expect(res.statusCode, res.body).toBe(200);
      expect(Object.keys(body(res))).toEqual([TEST]);
      expect(body<Record<string, Row[]>>(res)[TEST].length).toBeGreaterThan(0);
      const missing = await d.app.inject({ method: 'GET', url: '/daemon/changepoint?test_name=../../etc/passwd', headers: d.auth('ack') });
      expect(missing.statusCode).toBe(400);
      expect((await d.app.inject({ method: 'GET', url: '/daemon/changepoint?test_name=nope', headers: d.auth('ack') })).statusCode).toBe(404);
    });

  });
}
