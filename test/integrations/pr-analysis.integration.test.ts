/**
 * `--pr-analysis` over the OpenSearch test server loaded with Orion's CI corpus plus two runs of pull
 * request 1234 (clones of the two newest periodic runs with `jobType: pull`, `pullNumber`, organization and
 * repository, and half their metric values): the periodic runs are the baseline (their regression decides
 * exit 2), each PR's runs are analysed from the PR's creation (GitHub `created_at`), a PR without runs is
 * shown empty. A GitHub that is down costs one warning: the PR runs are then bounded by --lookback.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { filesFlags } from '../support/analyze-flags.js';
import { loadBulk, loadBulkFile, startOpenSearchTestServer, type OpenSearchTestServer } from '../support/opensearch-server/index.js';
import { downUrl, startRecordingServer, type RecordingServer } from '../support/recording-server.js';
import { warnings } from './csv-run.js';

const BULK = 'test/fixtures/opensearch/bulk.ndjson';
const NEWEST = ['a1b2c3d4-e5f6-4789-a012-b3c4d5e6f789', 'b2c3d4e5-f6a7-4890-b123-c4d5e6f7a890'];
/** The clones of NEWEST, in that order (so oldest first: run-a, then run-b). */
const PR_RUNS = ['pr-1234-run-b', 'pr-1234-run-a'];
const PR_ROWS = ['pr-1234-run-a', 'pr-1234-run-b'];
const METRIC = 'OCP-84094_catalogdCPU_GCP_avg';

let opensearch: OpenSearchTestServer;
let github: RecordingServer;

/** The PR runs: the newest periodic runs' documents under new uuids, as pull runs, values halved. */
function pullRunsBulk(): string {
  const lines = readFileSync(BULK, 'utf8').trim().split('\n');
  let out = '';
  for (let i = 0; i < lines.length; i += 2) {
    const action = JSON.parse(lines[i]) as { index: { _index: string; _id: string } };
    const doc = JSON.parse(lines[i + 1]) as Record<string, unknown>;
    const which = NEWEST.indexOf(doc.uuid as string);
    if (which < 0) continue;
    const uuid = PR_RUNS[which];
    const clone = action.index._index === 'orion-integration-test-data'
      ? { ...doc, uuid, jobType: 'pull', pullNumber: '1234', organization: 'openshift', repository: 'origin', buildUrl: `https://prow.ci/pr-1234/${which}` }
      : { ...doc, uuid, value: (doc.value as number) / 2 };
    out += `${JSON.stringify({ index: { _index: action.index._index, _id: `${uuid}-${i}` } })}\n${JSON.stringify(clone)}\n`;
  }
  return out;
}

beforeAll(async () => {
  opensearch = await startOpenSearchTestServer();
  await loadBulkFile(opensearch.url, BULK);
  await loadBulk(opensearch.url, pullRunsBulk());
  github = await startRecordingServer((req) =>
    req.path === '/repos/openshift/origin/pulls/1234' ? { json: { number: 1234, created_at: '2026-01-17T00:00:00Z' } } : { status: 404, json: { message: 'Not Found' } },
  );
}, 60_000);
afterAll(async () => {
  await github?.close();
  await opensearch?.close();
});

const INPUT_VARS = JSON.stringify({ version: '4.20', jobtype: 'pull', organization: 'openshift', repository: 'origin', pull_number: '1234' });
const prAnalyze = (extra: string[], files = filesFlags()) =>
  runCli([
    'analyze', '--hunter-analyze', '--pr-analysis', '--pull-number', '1235',
    '--config', 'test/fixtures/opensearch/configurations/ci-tests.yaml', '--input-vars', INPUT_VARS,
    '--es-server', opensearch.url, '--metadata-index', 'orion-integration-test-data*', '--benchmark-index', 'orion-integration-test-metrics*',
    '--lookback', '15d', '--since', '2026-01-20', '--node-count', 'true', ...files, ...extra,
  ]);

type Row = { uuid: string; is_changepoint: boolean; metrics: Record<string, { value: number }> };
type PrJson = { periodic: Row[]; periodic_avg: Record<string, number>; pulls: { pr: number; data: Row[] }[] };

describe('analyze --pr-analysis', () => {
  it('json: the periodic baseline with its average, and each PR’s runs since the PR was opened; exit 2 from the periodic regression', async () => {
    github.requests.length = 0;
    const files = filesFlags();
    const r = await prAnalyze(['-o', 'json', '--github-url', github.url], files);
    expect(r.code).toBe(2);
    expect(github.requests.map((q) => q.path)).toEqual(['/repos/openshift/origin/pulls/1234', '/repos/openshift/origin/pulls/1235']);
    expect(warnings(r.stderr)).toEqual([
      expect.stringMatching(/^warning: GitHub .*\/repos\/openshift\/origin\/pulls\/1235: not found \(404\)/),
      'warning: PR #1235: test olm-integration-test: no runs match its metadata',
    ]);
    const out = JSON.parse(r.stdout) as PrJson;
    expect(out.periodic).toHaveLength(10);
    expect(out.periodic.filter((row) => row.is_changepoint).map((row) => row.uuid)).toEqual(['d4e5f6a7-b8c9-4012-d345-e6f7a8b9c012']);
    const values = out.periodic.map((row) => row.metrics[METRIC].value);
    expect(out.periodic_avg[METRIC]).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 10);
    expect(out.pulls.map((p) => [p.pr, p.data.map((row) => row.uuid)])).toEqual([[1234, PR_ROWS], [1235, []]]);
    const periodicByUuid = new Map(out.periodic.map((row) => [row.uuid, row.metrics[METRIC].value]));
    for (const [i, row] of out.pulls[0].data.entries()) expect(row.metrics[METRIC].value).toBeCloseTo((periodicByUuid.get(NEWEST[1 - i]) as number) / 2, 10);
    expect(JSON.parse(readFileSync(join(dirname(files[1]), 'output_olm-integration-test.json'), 'utf8'))).toEqual(out);
  }, 60_000);

  it('text: periodic section, average, a section per PR, the comparison table; the PR table file', async () => {
    const files = filesFlags();
    const r = await prAnalyze(['--github-url', github.url], files);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('olm-integration-test | Average of above Periodic runs\n');
    expect(r.stdout).toContain('olm-integration-test | Pull Request #1234\n');
    expect(r.stdout).toContain('olm-integration-test | Pull Request #1235\n');
    expect(r.stdout).toMatch(/\| Metric +\| +Baseline AVG \| +Pre-CP#1 \| +CP#1 \| +PR#1234 \| PR#1235 +\|/);
    // Baseline = the 6 runs before the change point, Pre-CP#1 = the run before it, CP#1 = the changed run.
    expect(r.stdout).toMatch(new RegExp(`\\| ${METRIC} \\| +1\\.5699 \\| +1\\.5699 \\| +6\\.5699 \\| +\\d\\.\\d+ \\| +\\|`));
    const folder = dirname(files[1]);
    expect(readFileSync(join(folder, 'output_table_olm-integration-test_pr_1234.txt'), 'utf8')).toContain(PR_RUNS[0]);
    expect(existsSync(join(folder, 'output_table_olm-integration-test.txt'))).toBe(true);
  }, 60_000);

  it('junit: the periodic suite, periodic_avg and one pull suite per PR', async () => {
    const r = await prAnalyze(['-o', 'junit', '--github-url', github.url]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('<testsuite name="olm-integration-test nightly compare" failures="1"');
    expect(r.stdout).toMatch(new RegExp(`<periodic_avg name="olm-integration-test_average nightly compare" failures="0" tests="1">\\n\\t\\t<testcase name="\\[Jira: OLM\\] ${METRIC} average" value="[0-9.]+"/>`));
    expect(r.stdout).toContain('<pull pr="1234" name="olm-integration-test nightly compare" failures="0" tests="1">');
    expect(r.stdout).toContain('<pull pr="1235" ');
  }, 60_000);

  it('a GitHub that is down: one warning, the PR runs bounded by --lookback instead, exit 2', async () => {
    const r = await prAnalyze(['-o', 'json', '--github-url', await downUrl()]);
    expect(r.code).toBe(2);
    expect(warnings(r.stderr)).toEqual([
      expect.stringMatching(/^warning: GitHub .*pulls\/1234: request failed: ECONNREFUSED/),
      'warning: PR #1235: test olm-integration-test: no runs match its metadata',
    ]);
    expect((JSON.parse(r.stdout) as PrJson).pulls[0].data.map((row) => row.uuid)).toEqual(PR_ROWS);
  }, 60_000);

  it('PR mode without its input variables is an error before anything is analysed', async () => {
    const r = await runCli(['analyze', '--hunter-analyze', '--pr-analysis', '--config', 'test/fixtures/opensearch/configurations/ci-tests.yaml', '--input-vars', '{"version": "4.20"}', '--es-server', opensearch.url, '--metadata-index', 'x', ...filesFlags()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--pr-analysis.*PR mode needs the input variables jobtype, pull_number, organization, repository/);
    expect(r.stdout).toBe('');
  });
});
