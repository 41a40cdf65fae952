/**
 * Sippy through `analyze`: `--sippy-prs` asks the payload's pull requests per version (Orion's request,
 * byte for byte) and puts them in each row's `prs`; `--sippy-pr-search` asks the payload diff at the
 * regression and lists it in the summary. A Sippy that fails, is down or hangs is one warning line.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonValues } from '../support/json-stream.js';
import { downUrl, startRecordingServer, type RecordingServer } from '../support/recording-server.js';
import { analyzeCsv, CHANGED, warnings } from './csv-run.js';

let sippy: RecordingServer;
const prOf = (version: string) => `https://github.com/openshift/origin/pull/${version.split('.').pop()}`;

beforeAll(async () => {
  sippy = await startRecordingServer((req) => {
    if (req.path === '/api/releases/pull_requests') {
      const filter = JSON.parse(req.query.get('filter') ?? '{}') as { items: { value: string }[] };
      return { json: [{ id: 1, pull_request_id: '1', url: prOf(filter.items[0].value), name: 'origin' }] };
    }
    if (req.path === '/api/payloads/diff') return { json: [{ url: 'https://github.com/openshift/ovn-kubernetes/pull/9', pull_request_id: '9', name: 'ovn-kubernetes', description: '', bug_url: '' }] };
    return { status: 404, json: {} };
  });
});
afterAll(() => sippy.close());

type Row = { uuid: string; version: string; prs: string[]; is_changepoint: boolean };

describe('analyze with Sippy', () => {
  it('--sippy-prs: one request per version, as Orion sends it; each row gets its payload pull requests', async () => {
    sippy.requests.length = 0;
    const r = await analyzeCsv(['-o', 'json', '--sippy-prs', '--sippy-url', sippy.url]);
    expect(r.code).toBe(2);
    expect(warnings(r.stderr)).toEqual([]);
    expect(sippy.requests.map((q) => `${q.method} ${q.path}`)).toEqual(Array(10).fill('GET /api/releases/pull_requests'));
    // Python's urlencode of json.dumps({"items": [...]}) — what Orion's sippy_pr_search requests.
    expect(sippy.requests[5].rawQuery).toBe(
      'filter=%7B%22items%22%3A+%5B%7B%22columnField%22%3A+%22release_tag%22%2C+%22operatorValue%22%3A+%22equals%22%2C+%22value%22%3A+%224.20.5%22%7D%5D%7D&sortField=pull_request_id&sort=asc',
    );
    const rows = jsonValues<Row[]>(r.stdout)[0];
    expect(rows.map((row) => row.prs)).toEqual(rows.map((row) => [prOf(row.version)]));
    const saved = JSON.parse(readFileSync(join(dirname(r.files[1]), 'output_csv-test.json'), 'utf8')) as Row[];
    expect(saved[5].prs).toEqual([prOf('4.20.5')]);
  });

  it('--sippy-pr-search: the diff previous → changed payload replaces the pull requests of the regression', async () => {
    sippy.requests.length = 0;
    const r = await analyzeCsv(['--sippy-pr-search', '--sippy-url', `${sippy.url}/`]);
    expect(r.code).toBe(2);
    expect(sippy.requests.map((q) => `${q.path}?${q.rawQuery}`)).toEqual([`/api/payloads/diff?fromPayload=${CHANGED.previous}&toPayload=${CHANGED.version}`]);
    expect(r.stdout).toContain('\nRelated PRs (1):\n  * https://github.com/openshift/ovn-kubernetes/pull/9\n');
  });

  it('without Sippy flags nothing is asked and the summary says N/A', async () => {
    sippy.requests.length = 0;
    const r = await analyzeCsv(['--sippy-url', sippy.url]);
    expect(r.code).toBe(2);
    expect(sippy.requests).toHaveLength(0);
    expect(r.stdout).toContain('\nRelated PRs:\nN/A\n');
  });

  for (const failure of ['500', 'down', 'hang'] as const) {
    it(`a Sippy that ${failure === 'down' ? 'is down' : failure === 'hang' ? 'hangs' : 'answers 500'}: one warning line, the analysis and its files complete (exit 2)`, async () => {
      sippy.mode = failure === 'down' ? 'ok' : failure;
      const url = failure === 'down' ? await downUrl() : sippy.url;
      try {
        const r = await analyzeCsv(['-o', 'json', '--sippy-prs', '--sippy-pr-search', '--sippy-url', url, '--http-timeout', '1']);
        expect(r.code).toBe(2);
        expect(warnings(r.stderr)).toHaveLength(1);
        expect(warnings(r.stderr)[0]).toMatch(/^warning: Sippy \(http:\/\/127\.0\.0\.1:\d+\) failed for payload 4\.20\.0: (HTTP 500|ECONNREFUSED|no answer within 1 s); pull requests left out$/);
        const rows = jsonValues<Row[]>(r.stdout)[0];
        expect(rows.filter((row) => row.is_changepoint).map((row) => row.uuid)).toEqual([CHANGED.uuid]);
        expect(rows.every((row) => row.prs.length === 0)).toBe(true);
        expect(JSON.parse(readFileSync(join(dirname(r.files[1]), 'output_csv-test.json'), 'utf8'))).toHaveLength(10);
      } finally {
        sippy.mode = 'ok';
      }
    }, 20_000);
  }
});
