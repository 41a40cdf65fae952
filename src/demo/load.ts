import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Store } from '../store/connect.js';
import { ingestBulk } from '../ingest/bulk.js';
import type { IngestReport } from '../ingest/report.js';
import { demoBulkLines } from './dataset.js';

/** Loads the demo data set into the store through the ordinary bulk ingest (re-loading replaces it). */
export async function loadDemo(store: Store): Promise<IngestReport> {
  const dir = mkdtempSync(join(tmpdir(), 'perfhound-demo-'));
  try {
    const path = join(dir, 'demo.ndjson');
    await pipeline(
      Readable.from((function* () {
        for (const line of demoBulkLines()) yield line + '\n';
      })()),
      createWriteStream(path),
    );
    return await ingestBulk(store, path, {
      label: 'demo data set',
      metadataCollections: ['perf_scale_ci'],
      uuidFields: ['uuid'],
      timestampField: 'timestamp',
      versionField: 'ocpVersion',
      runMeta: {},
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
