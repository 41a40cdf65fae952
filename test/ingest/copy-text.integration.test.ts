/**
 * Every character a document, collection or metric name may hold reaches the store unchanged on every
 * dialect — PostgreSQL loads documents with COPY's text format, which has its own escapes (`\\`, `\t`,
 * `\n`, `\r`, `\N` for NULL, `\.` for the end of data).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS, ingestBulk } from '../../src/ingest/bulk.js';
import { ingestKubeBurner } from '../../src/ingest/kube-burner.js';
import { openStore } from '../../src/store/connect.js';
import { tableCounts } from '../../src/store/runs.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';

const OPTIONS = { metadataCollections: DEFAULT_METADATA_COLLECTIONS, uuidFields: DEFAULT_UUID_FIELDS, timestampField: 'timestamp', versionField: 'ocpVersion', runMeta: {} };

/** Names that COPY's text format must escape, or that look like its markers, or are not ASCII. */
const NAMES = ['a\\b', '\\N', '\\.', '\\', 'tab\there', 'new\nline', 'cr\rhere', 'crlf\r\n', '\\t\\n', 'é✓🐕', '\u2028\u2029', 'ends\\', ' padded ', '\\\\N'];

function file(lines: string[], ending = '\n'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'perfhound-copy-text-')), 'names.ndjson');
  writeFileSync(path, lines.join(ending) + ending);
  return path;
}

for (const dialect of DIALECTS) {
  describe(`document text on ${dialect}`, () => {
    const db = useTestDatabase(dialect);

    it('stores every name and body as written, and again unchanged when re-ingested', async () => {
      const lines = [JSON.stringify({ index: { _index: 'perf_scale_ci' } }), JSON.stringify({ uuid: 'r1', timestamp: '2026-01-01T00:00:00Z' })];
      const expected: Array<{ collection: string; metric_name: string | null; body: string }> = [];
      for (const name of NAMES) {
        // Raw tabs and CRs are JSON white space: a body may hold them outside its strings.
        const body = `{"uuid":"r1",\t"metricName":${JSON.stringify(name)},\r"v":"${name.replace(/[\\"]/g, '\\$&').replace(/[\n\r\t]/g, ' ')}"}`;
        JSON.parse(body);
        lines.push(JSON.stringify({ index: { _index: `c${name}` } }), body);
        expected.push({ collection: `c${name}`, metric_name: name, body });
      }
      lines.push(JSON.stringify({ index: { _index: 'plain' } }), JSON.stringify({ uuid: 'r1', metricName: 'x'.repeat(255), big: 'y'.repeat(3_000_000) }));
      expected.push({ collection: 'plain', metric_name: 'x'.repeat(255), body: lines.at(-1)! });
      const store = await openStore(db.url);
      try {
        for (const ending of ['\n', '\r\n']) {
          const report = await ingestBulk(store, file(lines, ending), OPTIONS);
          expect(report.runs.map((r) => [r.uuid, r.error ?? r.documents])).toEqual([['r1', NAMES.length + 1]]);
          const rows = await store.db.selectFrom('documents').select(['collection', 'metric_name', 'body']).orderBy('id').execute();
          expect(rows.length).toBe(expected.length);
          rows.forEach((row, i) => expect(row).toEqual(expected[i]));
          expect((await tableCounts(store.db)).documents).toBe(expected.length);
        }
      } finally {
        await store.close();
      }
    });

    it('a NUL in a name (PostgreSQL text cannot hold one) refuses its run whole or writes it whole; the other runs are written', async () => {
      const lines: string[] = [];
      const cases = [['n0', 'ok', 'plain'], ['n1', 'a\u0000b', 'plain'], ['n2', 'ok', 'c\u0000d'], ['n3', 'ok', 'plain']];
      for (const [uuid, metricName, collection] of cases) {
        lines.push(JSON.stringify({ index: { _index: 'perf_scale_ci' } }), JSON.stringify({ uuid, timestamp: '2026-01-03T00:00:00Z' }));
        for (let d = 0; d < 3; d++) lines.push(JSON.stringify({ index: { _index: collection } }), JSON.stringify({ uuid, metricName, d, text: 'escaped \u0000 in JSON' }));
      }
      const store = await openStore(db.url);
      try {
        const report = await ingestBulk(store, file(lines), OPTIONS);
        const refused = dialect === 'postgres' ? ['n1', 'n2'] : [];
        expect(report.runs.map((r) => [r.uuid, r.outcome])).toEqual(cases.map(([uuid]) => [uuid, refused.includes(uuid) ? 'failed' : 'created']));
        for (const r of report.runs.filter((r) => r.outcome === 'failed')) expect(r.error).toMatch(/names\.ndjson:\d+: database refused the run: .*0x00/);
        const rows = await store.db.selectFrom('documents').innerJoin('runs', 'runs.id', 'documents.run_id').select(['uuid', 'metric_name', 'body']).where('uuid', 'like', 'n%').orderBy('documents.id').execute();
        const written = cases.filter(([uuid]) => !refused.includes(uuid));
        expect(rows.map((r) => [r.uuid, r.metric_name])).toEqual(written.flatMap(([uuid, metricName]) => [0, 1, 2].map(() => [uuid, metricName])));
        for (const r of rows) expect(JSON.parse(r.body).text).toBe('escaped \u0000 in JSON');
      } finally {
        await store.close();
      }
    });

    it('kube-burner: pretty-printed elements (raw newlines, tabs, CRLF) are stored as written', async () => {
      const elements = NAMES.map((name, d) => ({ uuid: 'k1', timestamp: '2026-01-02T00:00:00Z', metricName: name, d }));
      const texts = elements.map((e) => JSON.stringify(e, null, '\t').replace(/\n/g, '\r\n'));
      const path = join(mkdtempSync(join(tmpdir(), 'perfhound-copy-text-')), 'metrics.json');
      writeFileSync(path, '[\r\n' + texts.join(',\r\n') + '\r\n]');
      const store = await openStore(db.url);
      try {
        const options = { collection: 'ripsaw-kube-burner', runCollection: 'perf_scale_ci', versionField: 'ocpVersion', runMeta: {} };
        for (let pass = 0; pass < 2; pass++) {
          const report = await ingestKubeBurner(store, path, options);
          expect(report.runs.map((r) => [r.uuid, r.error ?? r.outcome])).toEqual([['k1', pass ? 'replaced' : 'created']]);
          const rows = await store.db.selectFrom('documents').select(['metric_name', 'body']).where('collection', '=', 'ripsaw-kube-burner').orderBy('id').execute();
          expect(rows).toEqual(texts.map((body, i) => ({ metric_name: NAMES[i], body })));
        }
      } finally {
        await store.close();
      }
    });
  });
}
