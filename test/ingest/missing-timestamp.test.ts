import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS, ingestBulk } from '../../src/ingest/bulk.js';
import { ingestKubeBurner } from '../../src/ingest/kube-burner.js';
import { documentCounts, getRun, listRuns } from '../../src/store/runs.js';
import { useTempStore } from '../support/temp-store.js';

const BULK_OPTIONS = {
  metadataCollections: DEFAULT_METADATA_COLLECTIONS,
  uuidFields: DEFAULT_UUID_FIELDS,
  timestampField: 'timestamp',
  versionField: 'ocpVersion',
  runMeta: {},
};

describe('a new run whose time is nowhere to be found is refused, not put at 1970', () => {
  const env = useTempStore('perfhound-no-time-');

  it('kube-burner: documents without a jobSummary or any timestamp', async () => {
    const file = join(env.dir, 'kb.json');
    writeFileSync(file, JSON.stringify([
      { uuid: 'kb-none', metricName: 'podLatencyQuantilesMeasurement', P99: 1 },
      { uuid: 'kb-some', metricName: 'podLatencyQuantilesMeasurement', P99: 2, timestamp: '2024-01-15T20:01:00Z' },
    ]));
    const report = await ingestKubeBurner(env.store, file, { collection: 'kb', runCollection: 'perf_scale_ci', versionField: 'ocpVersion', runMeta: {} });
    expect(report.runs.map((r) => [r.uuid, r.outcome])).toEqual([['kb-none', 'failed'], ['kb-some', 'created']]);
    expect(report.runs[0].error).toBe(`${file}:1: field timestamp: run kb-none has no timestamp`);
    expect((await listRuns(env.store.db)).map((r) => r.uuid)).toEqual(['kb-some']);
  });

  it('bulk: documents of a run that already exists need no time of their own', async () => {
    const action = (index: string) => JSON.stringify({ index: { _index: index } });
    const file = join(env.dir, 'bulk.ndjson');
    writeFileSync(file, [action('results'), JSON.stringify({ uuid: 'kb-some', cpu: 3 }), action('results'), JSON.stringify({ uuid: 'b-new', cpu: 4 })].join('\n') + '\n');
    const report = await ingestBulk(env.store, file, BULK_OPTIONS);
    expect(report.runs.map((r) => [r.uuid, r.outcome])).toEqual([['kb-some', 'replaced'], ['b-new', 'failed']]);
    expect(report.runs[1].error).toMatch(/bulk\.ndjson:4: field timestamp: run b-new has no timestamp$/);
    expect((await getRun(env.store.db, 'kb-some')).timestamp).toBe('2024-01-15T20:01:00.000Z');
    expect(await documentCounts(env.store.db, 'kb-some')).toEqual({ kb: 1, results: 1 });
  });
});
