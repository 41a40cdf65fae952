import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS, ingestBulk } from '../../src/ingest/bulk.js';
import { openStore } from '../../src/store/connect.js';
import { readDataVersion } from '../../src/store/data-version.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';

const OPTIONS = { metadataCollections: DEFAULT_METADATA_COLLECTIONS, uuidFields: DEFAULT_UUID_FIELDS, timestampField: 'timestamp', versionField: 'ocpVersion', runMeta: {} };

/** Runs r0…r{n-1} with `docs` documents each; run `refused` has a collection name no server column takes. */
function bulkFile(n: number, docs: number, refused: number): string {
  const lines: string[] = [];
  for (let r = 0; r < n; r++) {
    const uuid = `r${r}`;
    const timestamp = new Date(Date.UTC(2026, 0, 1 + r)).toISOString();
    lines.push(JSON.stringify({ index: { _index: 'perf_scale_ci' } }), JSON.stringify({ uuid, timestamp, platform: 'AWS' }));
    const collection = r === refused ? 'x'.repeat(300) : 'results';
    for (let d = 0; d < docs; d++) lines.push(JSON.stringify({ index: { _index: collection } }), JSON.stringify({ uuid, timestamp, metricName: 'cpu', d }));
  }
  const file = join(mkdtempSync(join(tmpdir(), 'perfhound-bulk-order-')), 'runs.ndjson');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

for (const dialect of DIALECTS) {
  describe(`bulk ingest order on ${dialect}`, () => {
    const db = useTestDatabase(dialect);

    it('writes runs and their documents in file order, reports them in file order, one data version per transaction', async () => {
      const store = await openStore(db.url);
      try {
        // SQLite checks no lengths: there every run is written.
        const refused = dialect === 'sqlite' ? -1 : 3;
        const before = await readDataVersion(store.db);
        const report = await ingestBulk(store, bulkFile(8, 50, refused), OPTIONS);
        expect(report.runs.map((r) => [r.uuid, r.outcome])).toEqual(
          Array.from({ length: 8 }, (_, r) => [`r${r}`, r === refused ? 'failed' : 'created']),
        );
        if (refused >= 0) expect(report.runs[refused].error).toMatch(/runs\.ndjson:\d+: database refused the run/);
        const runs = await store.db.selectFrom('runs').select(['id', 'uuid']).orderBy('id').execute();
        expect(runs.map((r) => r.uuid)).toEqual(report.runs.filter((r) => r.outcome !== 'failed').map((r) => r.uuid));
        // Each run's documents have ids above the previous run's: ids follow the file.
        const spans = await store.db
          .selectFrom('documents')
          .select(['run_id', (eb) => eb.fn.min('id').as('first'), (eb) => eb.fn.max('id').as('last'), (eb) => eb.fn.countAll().as('n')])
          .groupBy('run_id')
          .orderBy('run_id')
          .execute();
        expect(spans.map((s) => Number(s.n))).toEqual(runs.map(() => 50));
        for (let i = 1; i < spans.length; i++) expect(Number(spans[i].first)).toBeGreaterThan(Number(spans[i - 1].last));
        // Runs share transactions (a savepoint each): fewer bumps than runs (8 small runs are one batch
        // unless the machine takes half a second per run).
        const after = await readDataVersion(store.db);
        expect(after).toBeGreaterThan(before);
        expect(after).toBeLessThan(before + runs.length);
      } finally {
        await store.close();
      }
    });
  });
}
