/**
 * `ingest bulk` of Orion's CI corpus without --metadata-collection: its metadata index
 * (orion-integration-test-data) matches neither default pattern. That is said loudly (the indices seen,
 * the flag), and the uuid-bearing documents that look like run metadata (no metricName, a version or
 * build field) are recognised as such, so the runs keep their metadata and times.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const CHANGED_RUN = 'd4e5f6a7-b8c9-4012-d345-e6f7a8b9c012';

describe('ingest bulk when no collection is a run collection', () => {
  it('warns naming the indices and --metadata-collection, and recognises the metadata documents', async () => {
    const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'bulk-meta-')), 'p.db')}`;
    const r = await runCli(['ingest', 'bulk', 'test/fixtures/opensearch/bulk.ndjson', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: no collection matched the run metadata patterns/);
    expect(r.stderr).toContain('orion-integration-test-data');
    expect(r.stderr).toContain('orion-integration-test-metrics');
    expect(r.stderr).toContain('--metadata-collection');
    expect(r.stderr).toMatch(/12 document\(s\) of orion-integration-test-data recognised as run metadata/);
    const show = await runCli(['runs', 'show', CHANGED_RUN, '--db', db, '--output', 'json']);
    const run = JSON.parse(show.stdout) as { metadata: Record<string, unknown> };
    expect(run.metadata.ocpVersion).toBe('4.20.0-0.nightly-2026-01-15-195655');
    // The runs (and their times) are those of an ingest that names the metadata index.
    const named = `sqlite:${join(mkdtempSync(join(tmpdir(), 'bulk-meta-')), 'p.db')}`;
    await runCli(['ingest', 'bulk', 'test/fixtures/opensearch/bulk.ndjson', '--db', named, '--metadata-collection', 'orion-integration-test-data']);
    const runs = async (url: string) => (await runCli(['runs', 'list', '--db', url, '--output', 'json'])).stdout;
    expect(JSON.parse(await runs(db))).toEqual(JSON.parse(await runs(named)));
  });

  it('no warning when --metadata-collection names the index', async () => {
    const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'bulk-meta-')), 'p.db')}`;
    const r = await runCli(['ingest', 'bulk', 'test/fixtures/opensearch/bulk.ndjson', '--db', db, '--metadata-collection', 'orion-integration-test-data*']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('warning');
  });
});
