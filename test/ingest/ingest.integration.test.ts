import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { runCli } from '../support/cli.js';

const BULK = join(import.meta.dirname, '../fixtures/opensearch/bulk.ndjson');
const OLM_UUIDS_IN_TIME_ORDER = [
  'd0e1f2a3-b4c5-4678-d901-e2f3a4b5c678', 'c9d0e1f2-a3b4-4567-c890-d1e2f3a4b567', 'b8c9d0e1-f2a3-4456-b789-c0d1e2f3a456',
  'a7b8c9d0-e1f2-4345-a678-b9c0d1e2f345', 'f6a7b8c9-d0e1-4234-f567-a8b9c0d1e234', 'e5f6a7b8-c9d0-4123-e456-f7a8b9c0d123',
  'd4e5f6a7-b8c9-4012-d345-e6f7a8b9c012', 'c3d4e5f6-a7b8-4901-c234-d5e6f7a8b901', 'b2c3d4e5-f6a7-4890-b123-c4d5e6f7a890',
  'a1b2c3d4-e5f6-4789-a012-b3c4d5e6f789',
];

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'perfhound-ingest-'));
}

async function counts(db: string): Promise<Record<string, number>> {
  const { stdout, code } = await runCli(['db', 'status', '--db', db, '--output', 'json']);
  expect(code).toBe(0);
  return (JSON.parse(stdout) as { counts: Record<string, number> }).counts;
}

for (const dialect of DIALECTS) {
  describe(`ingest on ${dialect}`, () => {
    const db = useTestDatabase(dialect);

    it('ingests the Orion CI bulk corpus and lists the 10 OLM runs in time order with their metadata', async () => {
      const ingest = await runCli(['ingest', 'bulk', BULK, '--metadata-collection', 'orion-integration-test-data', '--db', db.url]);
      expect(ingest.stderr).toBe('');
      expect(ingest.code).toBe(0);
      expect(ingest.stdout).toContain('ingested 12 runs (12 new, 0 replaced), 502 documents');

      const list = await runCli(['runs', 'list', '--where', 'platform=GCP', '--output', 'json', '--db', db.url]);
      expect(list.code).toBe(0);
      const runs = JSON.parse(list.stdout) as Array<{ uuid: string; timestampMs: number; buildUrl: string; metadata: Record<string, unknown> }>;
      expect(runs.map((r) => r.uuid)).toEqual(OLM_UUIDS_IN_TIME_ORDER);
      expect(runs[9].metadata.ocpVersion).toBe('4.20.0-0.nightly-2026-01-18-195655');
      expect(runs[9].metadata.masterNodesCount).toBe(3);
      expect(runs[9].buildUrl).toBe('https://prow.ci/2013174937652563968');

      const show = await runCli(['runs', 'show', OLM_UUIDS_IN_TIME_ORDER[0], '--output', 'json', '--db', db.url]);
      expect(JSON.parse(show.stdout).documents).toEqual({ 'orion-integration-test-metrics': 50 });
      const text = await runCli(['runs', 'show', OLM_UUIDS_IN_TIME_ORDER[0], '--db', db.url]);
      expect(text.stdout).toContain(`uuid:        ${OLM_UUIDS_IN_TIME_ORDER[0]}\n`);
      expect(text.stdout).toContain('version:     4.20.0-0.nightly-2026-01-09-195655\n');
      expect(text.stdout).not.toContain('passes:');
      expect(text.stdout).toMatch(/\ndocuments:\n {2}orion-integration-test-metrics: 50\n$/);

      const before = await counts(db.url);
      const again = await runCli(['ingest', 'bulk', BULK, '--metadata-collection', 'orion-integration-test-data', '--db', db.url]);
      expect(again.stdout).toContain('(0 new, 12 replaced)');
      expect(await counts(db.url)).toEqual(before);
    });

    it('refuses only the run of a corrupt line, names the line, and exits 1', async () => {
      const dir = tempDir();
      const lines = readFileSync(BULK, 'utf8').split('\n');
      // Line 30 is a metric document of one OLM run: break its JSON.
      const victim = JSON.parse(lines[29]) as { uuid: string };
      lines[29] = lines[29].slice(0, 80);
      const broken = join(dir, 'broken.ndjson');
      writeFileSync(broken, lines.join('\n'));
      const fresh = `${db.url}`;
      const result = await runCli(['ingest', 'bulk', broken, '--metadata-collection', 'orion-integration-test-data', '--db', fresh, '--output', 'json']);
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as { runs: Array<{ uuid: string; outcome: string; error?: string }> };
      const failed = report.runs.filter((r) => r.outcome === 'failed');
      expect(failed.map((r) => r.uuid)).toEqual([victim.uuid]);
      expect(failed[0].error).toMatch(new RegExp(`broken\\.ndjson:30: malformed JSON`));
      expect(report.runs.filter((r) => r.outcome !== 'failed')).toHaveLength(11);
    });

    it('ingests kube-burner output directories, CSV and generic JSON', async () => {
      const dir = tempDir();
      const kb = join(dir, 'collected-metrics');
      mkdirSync(kb);
      const uuid = '90189fbf-7181-4129-8ca5-3cc8d656b595';
      writeFileSync(join(kb, 'jobSummary.json'), JSON.stringify([{
        timestamp: '2024-01-15T20:00:46.307453873Z', endTimestamp: '2024-01-15T20:30:57.853708171Z', uuid, metricName: 'jobSummary',
        jobName: 'cluster-density-v2', jobConfig: { jobIterations: 216 }, metadata: { ocpVersion: '4.15.0-0.nightly-2024-01-15-022811', platform: 'AWS' },
      }], null, 2));
      writeFileSync(join(kb, 'podLatencyQuantilesMeasurement-cluster-density-v2.json'), JSON.stringify([
        { quantileName: 'Ready', uuid, P99: 3774, metricName: 'podLatencyQuantilesMeasurement', timestamp: '2024-01-15T20:01:00Z' },
        { quantileName: 'PodScheduled', uuid, P99: 12, metricName: 'podLatencyQuantilesMeasurement', timestamp: '2024-01-15T20:01:00Z' },
      ]));
      const kbResult = await runCli(['ingest', 'kube-burner', kb, '--run-meta', 'jobType=periodic', '--db', db.url]);
      expect(kbResult.code).toBe(0);
      expect(kbResult.stdout).toContain('ingested 1 run (1 new, 0 replaced), 3 documents');
      const run = JSON.parse((await runCli(['runs', 'show', uuid, '--output', 'json', '--db', db.url])).stdout);
      expect(run).toMatchObject({ version: '4.15.0-0.nightly-2024-01-15-022811', timestamp: '2024-01-15T20:00:46.307Z', collection: 'perf_scale_ci' });
      expect(run.metadata).toMatchObject({ platform: 'AWS', benchmark: 'cluster-density-v2', jobType: 'periodic' });
      expect(run.documents).toEqual({ 'ripsaw-kube-burner': 3 });

      const csv = join(dir, 'otava.csv');
      writeFileSync(csv, 'time,commit,throughput,latency\n1700000000,abc,100.5,12\n1700086400,def,,13\nnot-a-time,ghi,1,2\n1700172800,"j,k",nan,14\n');
      const csvResult = await runCli(['ingest', 'csv', csv, '--db', db.url, '--output', 'json']);
      expect(csvResult.code).toBe(1);
      const csvReport = JSON.parse(csvResult.stdout) as { runs: Array<{ outcome: string; error?: string }> };
      expect(csvReport.runs.map((r) => r.outcome)).toEqual(['created', 'created', 'failed', 'created']);
      expect(csvReport.runs[2].error).toMatch(/otava\.csv:4: field time: "not-a-time" is not a time/);
      const csvRuns = JSON.parse((await runCli(['runs', 'list', '--collection', 'results', '--output', 'json', '--db', db.url])).stdout);
      expect(csvRuns.map((r: { metadata: { commit: string } }) => r.metadata.commit)).toEqual(['abc', 'def', 'j,k']);
      const again = await runCli(['ingest', 'csv', csv, '--db', db.url]);
      expect(again.stdout).toContain('(0 new, 3 replaced)');

      const json = join(dir, 'runs.json');
      writeFileSync(json, JSON.stringify([
        { uuid: 'j1', timestamp: '2026-01-01T00:00:00Z', metadata: { platform: 'X' }, metrics: { cpu: 1.5 } },
        { uuid: 'j2', timestamp: 1767312000, metrics: { cpu: 'high' } },
      ]));
      const jsonResult = await runCli(['ingest', 'json', json, '--db', db.url, '--output', 'json']);
      expect(jsonResult.code).toBe(1);
      const jsonReport = JSON.parse(jsonResult.stdout) as { runs: Array<{ uuid: string; outcome: string; error?: string }> };
      expect(jsonReport.runs[0]).toMatchObject({ uuid: 'j1', outcome: 'created', documents: 1 });
      expect(jsonReport.runs[1].error).toMatch(/runs\.json:1: field metrics\.cpu: metric value must be a finite number/);
    });
  });
}

describe('ingest errors', () => {
  it('names an unknown format in one line', async () => {
    const r = await runCli(['ingest', 'parquet', 'x', '--db', 'sqlite::memory:']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('perfhound: field format: unknown format "parquet" (known: bulk, kube-burner, csv, json' + (r.stderr.includes('subunit') ? ', subunit, junit)' : ')'));
  });
  it('reports an unreachable database in one line without a stack trace', async () => {
    const r = await runCli(['runs', 'list', '--db', 'postgres://nobody@127.0.0.1:1/none']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^perfhound: field db: cannot connect to database postgres:\/\/nobody@127\.0\.0\.1:1\/none/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
