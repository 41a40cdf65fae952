import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS, ingestBulk } from '../../src/ingest/bulk.js';
import { ingestJson } from '../../src/ingest/json.js';
import { ingestKubeBurner } from '../../src/ingest/kube-burner.js';
import { getRun, listRuns } from '../../src/store/runs.js';
import { useTempStore } from '../support/temp-store.js';

/**
 * Input is stored exactly or refused: a number beyond a double (1e400, which JSON.parse reads as
 * Infinity and JSON.stringify writes as null) and bytes that are not UTF-8 (decoded as U+FFFD) refuse
 * their run, named with file, line and byte offset or field; the other runs are stored.
 */
const env = useTempStore('perfhound-exact-');
const BULK = { metadataCollections: DEFAULT_METADATA_COLLECTIONS, uuidFields: DEFAULT_UUID_FIELDS, timestampField: 'timestamp', versionField: 'ocpVersion', runMeta: {} };
const KB = { collection: 'kb', runCollection: 'perf_scale_ci', versionField: 'ocpVersion', runMeta: {} };
const JSON_OPTIONS = { collection: 'results', runCollection: 'results', versionField: 'version', runMeta: {} };
const T = '2026-01-10T12:00:00Z';

function file(name: string, ...parts: (string | Buffer)[]): string {
  const path = join(env.dir, name);
  writeFileSync(path, Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
  return path;
}
const LATIN1_E = Buffer.from([0xe9]);
const outcomes = (report: { runs: { uuid: string; outcome: string }[] }) => report.runs.map((r) => [r.uuid, r.outcome]);

describe('numbers beyond a double', () => {
  it('bulk: in run metadata the run is refused naming the field; a document keeps its own text', async () => {
    const action = (index: string) => `{"index":{"_index":"${index}"}}\n`;
    const path = file('big.ndjson',
      action('perf_scale_ci'), `{"uuid":"b-meta","timestamp":"${T}","nodes":{"count":1e400}}\n`,
      action('perf_scale_ci'), `{"uuid":"b-doc","timestamp":"${T}"}\n`,
      action('results'), `{"uuid":"b-doc","values":[1,-2E+999]}\n`,
      action('perf_scale_ci'), `{"uuid":"b-ok","timestamp":"${T}","tiny":1e-400,"big":1.7e308,"note":"e400 ${'9'.repeat(250)}"}\n`);
    const report = await ingestBulk(env.store, path, BULK);
    expect(outcomes(report)).toEqual([['b-meta', 'failed'], ['b-doc', 'created'], ['b-ok', 'created']]);
    expect(report.runs[0].error).toMatch(/big\.ndjson:2: the number of field nodes\.count is beyond what a double holds/);
    const [body] = await env.store.db.selectFrom('documents').innerJoin('runs', 'runs.id', 'documents.run_id').select('documents.body').where('runs.uuid', '=', 'b-doc').execute();
    expect(body.body).toBe('{"uuid":"b-doc","values":[1,-2E+999]}');
    expect((await getRun(env.store.db, 'b-ok')).metadata).toMatchObject({ big: 1.7e308 });
  });

  it('json and kube-burner (array and NDJSON)', async () => {
    const json = await ingestJson(env.store, file('big.json', JSON.stringify([{ uuid: 'j-ok', timestamp: T }]).slice(0, -1), `,{"uuid":"j-big","timestamp":"${T}","documents":[{"p99":1e400}]}]`), JSON_OPTIONS);
    expect(outcomes(json)).toEqual([['j-ok', 'created'], ['j-big', 'failed']]);
    expect(json.runs[1].error).toMatch(/field documents\[0\]\.p99 is beyond what a double holds/);
    const kb = await ingestKubeBurner(env.store, file('kb.ndjson', `{"uuid":"k-big","metricName":"jobSummary","timestamp":"${T}","metadata":{"x":1e999}}\n`), KB);
    expect(kb.runs[0]).toMatchObject({ uuid: 'k-big', outcome: 'failed' });
    expect(kb.runs[0].error).toMatch(/kb\.ndjson:1: the number of field metadata\.x is beyond what a double holds/);
    expect((await listRuns(env.store.db)).map((r) => r.uuid)).not.toContain('k-big');
  });
});

describe('bytes that are not UTF-8', () => {
  it('bulk: the run is refused with the line and byte offset, valid runs stored', async () => {
    const head = `{"index":{"_index":"perf_scale_ci"}}\n{"uuid":"u-bad","timestamp":"${T}","name":"caf`;
    const path = file('latin1.ndjson', head, LATIN1_E, `"}\n{"index":{"_index":"perf_scale_ci"}}\n{"uuid":"u-good","timestamp":"${T}","name":"café"}\n`);
    const report = await ingestBulk(env.store, path, BULK);
    expect(outcomes(report)).toEqual([['u-bad', 'failed'], ['u-good', 'created']]);
    expect(report.runs[0].error).toMatch(new RegExp(`latin1\\.ndjson:2: .*byte offset ${Buffer.byteLength(head)} are not UTF-8`));
    expect((await getRun(env.store.db, 'u-good')).metadata.name).toBe('café');
  });

  it('json (array) and kube-burner (NDJSON)', async () => {
    const head = `[{"uuid":"ju-bad","timestamp":"${T}","metadata":{"who":"`;
    const json = await ingestJson(env.store, file('latin1.json', head, LATIN1_E, `"}}]`), JSON_OPTIONS);
    expect(json.runs[0].outcome).toBe('failed');
    expect(json.runs[0].error).toMatch(new RegExp(`latin1\\.json:1: .*byte offset ${Buffer.byteLength(head)} are not UTF-8`));
    const kb = await ingestKubeBurner(env.store, file('latin1-kb.ndjson', `{"uuid":"ku-bad","metricName":"jobSummary","timestamp":"${T}","x":"`, LATIN1_E, `"}\n`), KB);
    expect(kb.runs[0]).toMatchObject({ uuid: 'ku-bad', outcome: 'failed' });
    expect(kb.runs[0].error).toMatch(/not UTF-8/);
    expect((await listRuns(env.store.db)).map((r) => r.uuid)).not.toContain('ku-bad');
  });
});
