import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS } from '../../src/ingest/bulk.js';

/** `perfhound ingest bulk`'s defaults. */
export const BULK_OPTIONS = { metadataCollections: DEFAULT_METADATA_COLLECTIONS, uuidFields: DEFAULT_UUID_FIELDS, timestampField: 'timestamp', versionField: 'ocpVersion', runMeta: {} };

/**
 * A bulk file of runs r0…r{n-1}, a day apart, each with a metadata document (3 metadata keys) and `docs`
 * documents in `results`; the last document of r1 carries the marker `refuse-me` for triggers to refuse.
 */
export function bulkRunsFile(n: number, docs: number): string {
  const lines: string[] = [];
  for (let r = 0; r < n; r++) {
    const uuid = `r${r}`;
    const timestamp = new Date(Date.UTC(2026, 0, 1 + r)).toISOString();
    lines.push(JSON.stringify({ index: { _index: 'perf_scale_ci' } }), JSON.stringify({ uuid, timestamp, platform: 'AWS' }));
    for (let d = 0; d < docs; d++) {
      const mark = r === 1 && d === docs - 1 ? 'refuse-me' : '';
      lines.push(JSON.stringify({ index: { _index: 'results' } }), JSON.stringify({ uuid, timestamp, metricName: 'cpu', d, mark }));
    }
  }
  const file = join(mkdtempSync(join(tmpdir(), 'perfhound-bulk-runs-')), 'runs.ndjson');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
