/**
 * Orion's CI scripts, unchanged, against perfhound over the OpenSearch test server loaded with Orion's CI
 * corpus: the server and indices from the environment (`ES_SERVER`, the lower-case `es_metadata_index` /
 * `es_benchmark_index` the openshift/release step exports), no file flags, run in a job folder; then the
 * script's checks: `jq '.[] | select(.is_changepoint)'` on stdout and the files it collects
 * (`output_<test>.json|xml`, `output_table_<test>.txt`, `data-<test>.csv`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { loadBulkFile, startOpenSearchTestServer, type OpenSearchTestServer } from '../support/opensearch-server/index.js';

const CONFIG = resolve('test/fixtures/analyze/configurations/ci-tests.yaml');
const TEST = 'olm-integration-test';
const CHANGED_RUN = 'd4e5f6a7-b8c9-4012-d345-e6f7a8b9c012';
const ENV = ['ES_SERVER', 'es_metadata_index', 'es_benchmark_index'];
const home = process.cwd();
let server: OpenSearchTestServer;

beforeAll(async () => {
  server = await startOpenSearchTestServer();
  await loadBulkFile(server.url, 'test/fixtures/opensearch/bulk.ndjson');
});
afterAll(async () => server?.close());
afterEach(() => {
  process.chdir(home);
  for (const name of ENV) delete process.env[name];
});

/** Orion's invocation in a fresh job folder, as the CI step runs it. */
async function orionStep(extra: string[]): Promise<{ code: number; stdout: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'orion-job-'));
  process.chdir(dir);
  Object.assign(process.env, { ES_SERVER: server.url, es_metadata_index: 'orion-integration-test-data*', es_benchmark_index: 'orion-integration-test-metrics*' });
  const r = await runCli(['analyze', '--hunter-analyze', '--config', CONFIG, '--lookback', '15d', '--since', '2026-01-20', '--node-count', 'true', '--input-vars', '{"version": "4.20"}', ...extra]);
  return { code: r.code, stdout: r.stdout, dir };
}

const jq = (filter: string, input: string) => execFileSync('jq', ['-c', filter], { input }).toString().trim().split('\n');

describe("Orion's CI script checks against perfhound", () => {
  it("-o json: jq '.[] | select(.is_changepoint)' on stdout and on the collected output_<test>.json", async () => {
    const { code, stdout, dir } = await orionStep(['-o', 'json']);
    expect(code).toBe(2);
    expect(jq('.[] | select(.is_changepoint) | .uuid', stdout)).toEqual([JSON.stringify(CHANGED_RUN)]);
    expect(jq('[.[] | select(.is_changepoint) | .metrics[].percentage_change | floor]', stdout)).toEqual(['[404]']);
    expect(jq('[.[] | has("prs")] | all', stdout)).toEqual(['true']);
    expect(readdirSync(dir).sort()).toEqual([`data-${TEST}.csv`, `output_${TEST}.json`]);
    expect(jq('.[] | select(.is_changepoint) | .uuid', readFileSync(join(dir, `output_${TEST}.json`), 'utf8'))).toEqual([JSON.stringify(CHANGED_RUN)]);
  });

  it('-o junit and text: failures="1" in output_<test>.xml, the summary in output_table_<test>.txt', async () => {
    const junit = await orionStep(['-o', 'junit']);
    expect(junit.code).toBe(2);
    expect(readdirSync(junit.dir).sort()).toEqual([`data-${TEST}.csv`, `output_${TEST}.xml`]);
    expect(readFileSync(join(junit.dir, `output_${TEST}.xml`), 'utf8')).toContain('failures="1"');
    const text = await orionStep([]);
    expect(text.code).toBe(2);
    expect(readdirSync(text.dir).sort()).toEqual([`data-${TEST}.csv`, `output_table_${TEST}.txt`]);
    expect(readFileSync(join(text.dir, `output_table_${TEST}.txt`), 'utf8')).toContain('+404.5%');
    expect(readFileSync(join(text.dir, `data-${TEST}.csv`), 'utf8')).toContain(CHANGED_RUN);
  });
});
