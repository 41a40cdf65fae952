/**
 * Orion reads its server and indices from `ES_SERVER`/`es_server`, `ES_METADATA_INDEX`/`es_metadata_index`,
 * `ES_BENCHMARK_INDEX`/`es_benchmark_index`: the lower-case names work as the upper-case ones (a flag wins).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { filesFlags } from '../support/analyze-flags.js';
import { runCli } from '../support/cli.js';
import { loadBulkFile, startOpenSearchTestServer, type OpenSearchTestServer } from '../support/opensearch-server/index.js';

let server: OpenSearchTestServer;
const NAMES = ['es_server', 'es_metadata_index', 'es_benchmark_index', 'ES_SERVER', 'ES_METADATA_INDEX', 'ES_BENCHMARK_INDEX'];

beforeAll(async () => {
  server = await startOpenSearchTestServer();
  await loadBulkFile(server.url, 'test/fixtures/opensearch/bulk.ndjson');
});
afterAll(async () => server?.close());
afterEach(() => {
  for (const name of NAMES) delete process.env[name];
});

const analyze = (extra: string[] = []) =>
  runCli([
    'analyze', '--hunter-analyze', '--config', 'test/fixtures/analyze/configurations/ci-tests.yaml',
    '--lookback', '15d', '--since', '2026-01-20', '--node-count', 'true', '--input-vars', '{"version": "4.20"}',
    ...filesFlags(), ...extra,
  ]);

describe("Orion's lower-case environment variables", () => {
  it('es_server, es_metadata_index and es_benchmark_index select the server and indices', async () => {
    process.env.es_server = server.url;
    process.env.es_metadata_index = 'orion-integration-test-data*';
    process.env.es_benchmark_index = 'orion-integration-test-metrics*';
    const r = await analyze();
    expect(r.stderr).not.toMatch(/perfhound:/);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('+404.5%');
  });

  it('the upper-case name and the flag win over the lower-case one', async () => {
    process.env.es_server = 'http://127.0.0.1:1';
    process.env.ES_SERVER = server.url;
    process.env.es_metadata_index = 'no-such-index*';
    const r = await analyze(['--metadata-index', 'orion-integration-test-data*', '--benchmark-index', 'orion-integration-test-metrics*']);
    expect(r.code).toBe(2);
  });
});
