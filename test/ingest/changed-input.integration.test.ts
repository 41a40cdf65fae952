/**
 * An input that changes between the two passes (truncated, rewritten, removed while the runs are written):
 * the runs whose documents cannot be read back as the first pass saw them are refused, by name, and the
 * others are written and reported — never a run written with bytes left in a reused read buffer, never
 * an ingest that gives up while a run's transaction is still open.
 */
import { mkdirSync, mkdtempSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS, ingestBulk } from '../../src/ingest/bulk.js';
import { ingestKubeBurner } from '../../src/ingest/kube-burner.js';
import { openStore } from '../../src/store/connect.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';

const BULK = { metadataCollections: DEFAULT_METADATA_COLLECTIONS, uuidFields: DEFAULT_UUID_FIELDS, timestampField: 'timestamp', versionField: 'ocpVersion', runMeta: {} };
const KUBE = { collection: 'ripsaw-kube-burner', runCollection: 'perf_scale_ci', versionField: 'ocpVersion', runMeta: {} };
const timestamp = (r: number) => new Date(Date.UTC(2026, 0, 1 + r)).toISOString();
const doc = (uuid: string, d: number) => JSON.stringify({ uuid, timestamp: timestamp(0), metricName: 'cpu', d });

for (const dialect of DIALECTS) {
  describe(`input changed during the second pass on ${dialect}`, () => {
    const db = useTestDatabase(dialect);

    it('bulk: a run whose documents were cut off is refused, not written with another run\'s bytes', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'perfhound-changed-'));
      const file = join(dir, 'runs.ndjson');
      let text = '';
      let r3Start = 0;
      for (let r = 0; r < 4; r++) {
        if (r === 3) r3Start = Buffer.byteLength(text);
        text += JSON.stringify({ index: { _index: 'perf_scale_ci' } }) + '\n' + JSON.stringify({ uuid: `r${r}`, timestamp: timestamp(r) }) + '\n';
        for (let d = 0; d < 20; d++) text += JSON.stringify({ index: { _index: 'results' } }) + '\n' + doc(`r${r}`, d) + '\n';
        // r2 ends 1.2 MB on: what the second pass reads ahead (1 MB past a range) holds none of r3 before the cut.
        if (r === 2) text += JSON.stringify({ index: { _index: 'results' } }) + '\n' + JSON.stringify({ uuid: `r${r}`, pad: 'x'.repeat(1_200_000) }) + '\n';
      }
      writeFileSync(file, text);
      const store = await openStore(db.url);
      try {
        // One run per transaction: r3's documents are read once r0 is reported; the file loses them before that.
        const report = await ingestBulk(store, file, { ...BULK, batchRuns: 1, onProgress: (done) => done === 1 && truncateSync(file, r3Start) });
        expect(report.runs.map((r) => [r.uuid, r.outcome])).toEqual([['r0', 'created'], ['r1', 'created'], ['r2', 'created'], ['r3', 'failed']]);
        expect(report.runs[3].error).toMatch(/runs\.ndjson:\d+: .*changed/);
        const bodies = await store.db.selectFrom('documents').innerJoin('runs', 'runs.id', 'documents.run_id').select(['uuid', 'body']).execute();
        expect(bodies.length).toBe(61);
        for (const b of bodies) expect(JSON.parse(b.body).uuid).toBe(b.uuid);
      } finally {
        await store.close();
      }
    });

    it('kube-burner: a file removed before its run is read refuses that run; the run being written is written and reported', async () => {
      const dir = join(mkdtempSync(join(tmpdir(), 'perfhound-changed-')), 'metrics');
      mkdirSync(dir);
      for (let r = 0; r < 4; r++) {
        const docs = [{ uuid: `k${r}`, timestamp: timestamp(r), metricName: 'jobSummary', jobName: 'cluster-density', metadata: { platform: 'AWS' } }];
        for (let d = 0; d < 20; d++) docs.push(JSON.parse(doc(`k${r}`, d)));
        writeFileSync(join(dir, `${r}.json`), JSON.stringify(docs));
      }
      const store = await openStore(db.url);
      try {
        const gone = join(dir, '3.json');
        expect(statSync(gone).size).toBeGreaterThan(0);
        const report = await ingestKubeBurner(store, dir, { ...KUBE, batchRuns: 1, onProgress: (done) => done === 1 && unlinkSync(gone) });
        expect(report.runs.map((r) => [r.uuid, r.outcome])).toEqual([['k0', 'created'], ['k1', 'created'], ['k2', 'created'], ['k3', 'failed']]);
        expect(report.runs[3].error).toMatch(/3\.json:1: cannot read the run's documents back: .*3\.json/);
        const runs = await store.db.selectFrom('runs').select('uuid').where('uuid', 'like', 'k%').orderBy('id').execute();
        expect(runs.map((r) => r.uuid)).toEqual(['k0', 'k1', 'k2']);
      } finally {
        await store.close();
      }
    });
  });
}
