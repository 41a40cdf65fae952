import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS, ingestBulk } from '../../src/ingest/bulk.js';
import { documentCounts } from '../../src/store/runs.js';
import { useTempStore } from '../support/temp-store.js';

const OPTIONS = { metadataCollections: DEFAULT_METADATA_COLLECTIONS, uuidFields: DEFAULT_UUID_FIELDS, timestampField: 'timestamp', versionField: 'ocpVersion', runMeta: {} };
const action = (index: string) => JSON.stringify({ index: { _index: index } });
const doc = (uuid: string, n: number) => JSON.stringify({ uuid, timestamp: '2026-01-01T00:00:00Z', metricName: 'cpu', n });

describe('bulk lines: repeated action lines, blank lines, near-repeats', () => {
  const env = useTempStore('perfhound-bulk-lines-');

  it('reads every action line as written, repeated or not', async () => {
    const file = join(env.dir, 'lines.ndjson');
    writeFileSync(file, [
      '', // a blank line before any action line is skipped, not an action
      action('perf_scale_ci'), doc('r1', 0),
      action('a'), doc('r1', 1),
      action('a'), doc('r1', 2), // the same action again
      '',
      action('a'), doc('r1', 3),
      action('b'), doc('r1', 4), // same length as `a`'s line, other bytes
      action('b'), doc('r1', 5),
      action('a'), doc('r1', 6),
      '{"index":{"_index":"a"}} ', doc('r2', 7), // not the same bytes: decoded and parsed
      '{"delete":{"_index":"a"}}', doc('r3', 8), // same length, not an action that carries a document
      action('a'), doc('r3', 9),
      action('a'), doc('r', 10), // a run whose id is part of others' ids
    ].join('\n') + '\n');
    const report = await ingestBulk(env.store, file, OPTIONS);
    // The delete line carries no document, so r3's document on line 20 is read as an action line: r3 is
    // refused rather than written without it; r, whose id is only part of "r3", is not.
    expect(report.runs.map((r) => [r.uuid, r.outcome, r.documents])).toEqual([['r1', 'created', 6], ['r2', 'created', 1], ['r3', 'failed', 0], ['r', 'created', 1]]);
    expect(report.runs[2].error).toMatch(/lines\.ndjson:20: unsupported bulk action "uuid"/);
    expect(await documentCounts(env.store.db, 'r1')).toEqual({ a: 4, b: 2 });
    expect(await documentCounts(env.store.db, 'r2')).toEqual({ a: 1 });
    expect(report.errors).toEqual([expect.stringMatching(/lines\.ndjson:19: unsupported bulk action "delete" .* \(its run could not be told\)$/)]);
  });
});
