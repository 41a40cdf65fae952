import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS } from '../../src/ingest/bulk.js';
import type { Store } from '../../src/store/connect.js';
import type { DialectName } from '../../src/store/url.js';

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

/** A trigger that refuses the document marked `refuse-me` (while the next run's statements run). */
export async function refuseMarkedDocument(store: Store, dialect: DialectName): Promise<void> {
  if (dialect === 'sqlite') {
    await sql`create trigger refuse_doc before insert on documents when new.body like '%refuse-me%' begin select raise(abort, 'refused document'); end`.execute(store.db);
  } else if (dialect === 'postgres') {
    await sql.raw(`create function refuse_doc() returns trigger language plpgsql as $$ begin
      if new.body like '%refuse-me%' then raise exception 'refused document'; end if; return new; end $$`).execute(store.db);
    await sql`create trigger refuse_doc before insert on documents for each row execute function refuse_doc()`.execute(store.db);
  } else {
    await sql.raw(`create trigger refuse_doc before insert on documents for each row
      begin if new.body like '%refuse-me%' then signal sqlstate '45000' set message_text = 'refused document'; end if; end`).execute(store.db);
  }
}

