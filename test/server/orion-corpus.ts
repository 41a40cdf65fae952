/**
 * The Orion integration corpus (test/fixtures/opensearch/README.md) as the route tests use it: the bulk
 * file, the config folder and its config, and EXPECTED.md's analysis flags as API options.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = new URL('../fixtures/opensearch/', import.meta.url);
export const BULK = readFileSync(new URL('bulk.ndjson', FIXTURES));
export const CONFIG_DIR = fileURLToPath(new URL('configurations/', FIXTURES));
export const CI_TESTS = readFileSync(new URL('configurations/ci-tests.yaml', FIXTURES), 'utf8');
export const EXPECTED_OPTIONS = {
  inputVars: { version: '4.20' },
  lookback: '15d',
  since: '2026-01-20',
  nodeCount: true,
  metadataIndex: 'orion-integration-test-data*',
  benchmarkIndex: 'orion-integration-test-metrics*',
};
