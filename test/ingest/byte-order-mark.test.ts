import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

/** Files saved by Windows editors begin with UTF-8's byte order mark: it is not part of the first line. */
const BOM = '\uFEFF';
const BULK = join(import.meta.dirname, '../fixtures/opensearch/bulk.ndjson');

it('bulk NDJSON, a kube-burner JSON array, generic JSON lines and CSV after a byte order mark ingest as without it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'perfhound-bom-'));
  const db = `sqlite:${join(dir, 'bom.db')}`;
  const bulk = join(dir, 'bulk.ndjson');
  writeFileSync(bulk, BOM + readFileSync(BULK, 'utf8'));
  const bulkResult = await runCli(['ingest', 'bulk', bulk, '--metadata-collection', 'orion-integration-test-data', '--db', db]);
  expect(bulkResult.stderr).toBe('');
  expect(bulkResult.stdout).toContain('ingested 12 runs (12 new, 0 replaced), 502 documents');

  const kb = join(dir, 'collected-metrics');
  mkdirSync(kb);
  writeFileSync(join(kb, 'jobSummary.json'), BOM + JSON.stringify([{ uuid: 'bom-kb', timestamp: '2026-01-01T00:00:00Z', metricName: 'jobSummary', jobName: 'j' }], null, 2));
  const kbResult = await runCli(['ingest', 'kube-burner', kb, '--db', db]);
  expect(kbResult.stderr).toBe('');
  expect(kbResult.stdout).toContain('ingested 1 run (1 new, 0 replaced), 1 document');

  const json = join(dir, 'runs.ndjson');
  writeFileSync(json, BOM + JSON.stringify({ uuid: 'bom-json', timestamp: '2026-01-02T00:00:00Z', metadata: { k: 'v' }, documents: [{ metricName: 'm', value: 1 }] }) + '\n');
  const jsonResult = await runCli(['ingest', 'json', json, '--db', db]);
  expect(jsonResult.stderr).toBe('');
  expect(jsonResult.code).toBe(0);
  const shown = JSON.parse((await runCli(['runs', 'show', 'bom-json', '--output', 'json', '--db', db])).stdout) as { metadata: Record<string, unknown> };
  expect(shown.metadata).toMatchObject({ k: 'v' });

  // A quoted first header cell: the mark would sit before its opening quote.
  const csv = join(dir, 'otava.csv');
  writeFileSync(csv, BOM + '"time",commit,cpu\n1700000000,abc,1.5\n');
  const csvResult = await runCli(['ingest', 'csv', csv, '--db', db]);
  expect(csvResult.stderr).toBe('');
  expect(csvResult.stdout).toContain('ingested 1 run (1 new, 0 replaced)');
});
