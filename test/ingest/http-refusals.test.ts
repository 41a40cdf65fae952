import { describe, expect, it } from 'vitest';
import { body, useDaemon } from '../server/support.js';

/**
 * The HTTP ingest route runs the same ingest functions as the CLI (issue 10, items 9, 12, 13, 14, 19):
 * bad json/csv inputs and inputs that would destroy a run answer 4xx naming the place, never 500, and
 * leave every stored run as it was.
 */
describe('POST /api/v1/ingest on inputs that must be refused', () => {
  const d = useDaemon('sqlite');
  const post = (path: string, payload: string) => d.app.inject({ method: 'POST', url: `/api/v1/ingest/${path}`, payload, headers: { ...d.auth('ingest'), 'content-type': 'text/plain' } });
  const getRun = async (uuid: string) => body((await d.app.inject({ method: 'GET', url: `/api/v1/runs/${uuid}`, headers: d.auth('ingest') })));
  /** Epoch milliseconds beyond what a date can hold (as a number in the JSON text). */
  const FAR_FUTURE = '9'.repeat(17);
  const run = (uuid: string, extra: Record<string, unknown> = {}) => JSON.stringify({ uuid, timestamp: '2026-01-10T12:00:00Z', metrics: { cpu: 1 }, ...extra });
  const JUNIT = '<testsuite name="s"><testcase classname="pkg.A" name="one" time="0.5"/></testsuite>';

  it('item 9: a 1-byte or record-less body with the run id of a stored run is a 400 and the run stays', async () => {
    expect((await post('junit?run-id=http-target', JUNIT)).statusCode).toBe(200);
    const before = await getRun('http-target');
    for (const [format, payload] of [['junit', ' '], ['junit', '\n'], ['subunit', '\n'], ['junit', '<testsuites/>']]) {
      const res = await post(`${format}?run-id=http-target`, payload);
      expect(res.statusCode, `${format} ${JSON.stringify(payload)}: ${res.body}`).toBe(400);
      expect(body<{ error: string }>(res).error).toMatch(/^body: /);
    }
    expect(await getRun('http-target')).toEqual(before);
    for (const format of ['json', 'csv', 'bulk', 'kube-burner']) {
      const res = await post(format, ' ');
      expect(res.statusCode, `${format}: ${res.body}`).toBe(400);
      expect(body<{ error: string }>(res).error).toContain('allow-empty');
    }
    expect((await post('json?allow-empty=true', '[]')).statusCode).toBe(200);
  });

  it('item 12: a test-result body with the id of a benchmark run is a 400 unless replace is asked', async () => {
    expect((await post('json', `[${run('http-bench')}]`)).statusCode).toBe(200);
    const before = await getRun('http-bench');
    const res = await post('junit?run-id=http-bench', JUNIT);
    expect(res.statusCode, res.body).toBe(400);
    expect(body<{ error: string }>(res).error).toMatch(/http-bench.*replace/);
    expect(await getRun('http-bench')).toEqual(before);
    expect((await post('junit?run-id=http-bench&replace=true', JUNIT)).statusCode).toBe(200);
  });

  it('items 13, 14, 19: bad json and csv bodies are 4xx naming the place; good runs beside them are written', async () => {
    const deep = '{"uuid":"deep","timestamp":"2026-01-10T12:00:00Z","documents":[' + '{"a":'.repeat(20000) + '1' + '}'.repeat(20000) + ']}';
    const bodies: Array<[string, string, RegExp]> = [
      ['json', `${run('h1')}\n${run('h-far').replace('"2026-01-10T12:00:00Z"', FAR_FUTURE)}\n${run('h2')}\n`, /^body:2: field timestamp: /],
      ['json', `${run('h3')}\n${deep}\n`, /^body:2: field documents\[0\]: .*nested/],
      ['json', `${run('h4')}\n${run('h4')}\n`, /^body:1: .*body:2/],
      ['json', `[${run('h5')},\n{"uuid":"h6"`, /^body:2: the JSON array is not closed/],
      ['csv', 'uuid,time,cpu\nc1,2026-01-01T00:00:00Z,1\nc2,99999999999999999,1\n', /^body:3: field time: /],
      ['csv', 'uuid,time,cpu\nc3,2026-01-01T00:00:00Z,1\nc3,2026-01-02T00:00:00Z,1\n', /^body:2: .*body:3/],
      ['csv', 'uuid,time,cpu,cpu\nc4,2026-01-01T00:00:00Z,1,2\n', /^body:1: field cpu: column "cpu" appears twice/],
    ];
    for (const [format, payload, message] of bodies) {
      const res = await post(format, payload);
      expect(res.statusCode, `${format} ${payload.slice(0, 60)}: ${res.body}`).toBe(400);
      expect(body<{ error: string }>(res).error).toMatch(message);
    }
    for (const uuid of ['h1', 'h2', 'h3', 'h5', 'c1']) expect((await getRun(uuid)).uuid).toBe(uuid);
  });
});
