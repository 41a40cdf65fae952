/**
 * EXPECTED.md over OpenSearch: `perfhound analyze --es-server …` against the OpenSearch test server loaded
 * with Orion's CI corpus prints what Orion prints.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { loadBulkFile, startOpenSearchTestServer, type OpenSearchTestServer } from '../support/opensearch-server/index.js';
import { orionExpectations } from './orion-ci-expectations.js';

let server: OpenSearchTestServer;

beforeAll(async () => {
  server = await startOpenSearchTestServer();
  await loadBulkFile(server.url, 'test/fixtures/opensearch/bulk.ndjson');
});

afterAll(async () => {
  await server?.close();
});

describe('perfhound analyze over OpenSearch (Orion CI corpus)', () => {
  orionExpectations(() => ['--es-server', server.url]);
});
