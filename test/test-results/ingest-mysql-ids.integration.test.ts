import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ingestTestRecords } from '../../src/ingest/subunit/ingest.js';
import { readSubunitTestBatches } from '../../src/ingest/subunit/read.js';
import { encodePacket } from '../../src/ingest/subunit/v2-writer.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { BATCH } from '../../src/store/tests.js';
import { useTestDatabase } from '../support/databases.js';
import { chunked } from './support.js';

/**
 * On MariaDB/MySQL a batch's result ids are worked out from the INSERT's first id (tests.ts,
 * consecutiveIdStep): every tag and attachment must still land on its own result when the session's ids
 * are not one apart (`auto_increment_increment`/`_offset` as Galera or group replication set them), and
 * when earlier statements left gaps in the id sequence.
 */
const T0 = Date.UTC(2026, 5, 1) * 1000;

function stream(count: number, prefix = 'ids'): Buffer {
  const packets: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const testId = `${prefix}.test_${i}[tag${i}]`;
    packets.push(encodePacket({ testId, status: 'inprogress', timestampUs: T0 + i * 1000 }));
    packets.push(encodePacket({ testId, status: i % 3 ? 'success' : 'fail', tags: [`t${i}`], timestampUs: T0 + i * 1000 + 500, fileName: 'log', mimeType: 'text/plain', fileBytes: Buffer.from(`log of ${i}`) }));
  }
  return Buffer.concat(packets);
}

/** The store, with every write transaction's session set by `setup` first. */
function withSession(store: Store, setup: string): Store {
  return {
    ...store,
    writeTransaction: (fn) =>
      store.writeTransaction(async (trx) => {
        await sql.raw(setup).execute(trx);
        return fn(trx);
      }),
  };
}

/** Each stored result's name with its tags, attrs and attachment, as one line. */
async function stored(store: Store, runUuid: string): Promise<string[]> {
  const rows = await store.db
    .selectFrom('test_runs')
    .innerJoin('tests', 'tests.id', 'test_runs.test_id')
    .leftJoin('test_run_metadata as tags', (j) => j.onRef('tags.test_run_id', '=', 'test_runs.id').on('tags.key', '=', 'tags'))
    .leftJoin('test_run_metadata as attrs', (j) => j.onRef('attrs.test_run_id', '=', 'test_runs.id').on('attrs.key', '=', 'attrs'))
    .leftJoin('attachments', 'attachments.test_run_id', 'test_runs.id')
    .innerJoin('runs', 'runs.id', 'test_runs.run_id')
    .select(['tests.test_id as name', 'test_runs.status', 'tags.value as tags', 'attrs.value as attrs', 'attachments.body'])
    .where('runs.uuid', '=', runUuid)
    .execute();
  return rows.map((r) => `${r.name} ${r.status} ${r.tags} ${r.attrs} ${r.body === null ? null : Buffer.from(r.body).toString()}`).sort();
}

function expected(count: number, prefix = 'ids'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}.test_${i} ${i % 3 ? 'success' : 'fail'} t${i} tag${i} log of ${i}`).sort();
}

describe('result ids from the first id on mysql', () => {
  const database = useTestDatabase('mysql');
  const count = BATCH + 321;
  for (const [label, setup] of [
    ['ids two apart', 'set session auto_increment_increment = 2, auto_increment_offset = 1'],
    ['ids three apart from offset 2', 'set session auto_increment_increment = 3, auto_increment_offset = 2'],
    ['an offset above the increment (ignored by the server)', 'set session auto_increment_increment = 2, auto_increment_offset = 5'],
  ] as const) {
    it(`attaches tags and attachments to their own results: ${label}`, async () => {
      const store = await openStore(database.url);
      try {
        const options = { source: 'subunit', runId: `ids-${label}`, storeAttachments: true, attrRegex: '\\[(.*)\\]' } as const;
        // A first ingest leaves the id sequence wherever it ends; the second replaces the run (new ids).
        for (let pass = 0; pass < 2; pass++) {
          const summary = await ingestTestRecords(withSession(store, setup), readSubunitTestBatches(chunked(stream(count), 65536)), options);
          expect(summary.tests).toBe(count);
        }
        const ids = await store.db.selectFrom('test_runs').select('id').where('run_id', 'in', store.db.selectFrom('runs').select('id').where('uuid', '=', options.runId)).orderBy('id').execute();
        const steps = new Set(ids.slice(1).map((r, i) => Number(r.id) - Number(ids[i].id)));
        expect(steps.has(1)).toBe(false); // the session's increment was in force
        expect(await stored(store, options.runId)).toEqual(expected(count));
      } finally {
        await store.close();
      }
    });
  }

  it('attaches them to their own results when two ingests insert at once', async () => {
    const store = await openStore(database.url);
    try {
      const runs = ['left', 'right'];
      const options = (prefix: string) => ({ source: 'subunit', runId: `ids-${prefix}`, storeAttachments: true, attrRegex: '\\[(.*)\\]' }) as const;
      await Promise.all(runs.map((prefix) => ingestTestRecords(store, readSubunitTestBatches(chunked(stream(count, prefix), 4096)), options(prefix))));
      for (const prefix of runs) expect(await stored(store, options(prefix).runId)).toEqual(expected(count, prefix));
    } finally {
      await store.close();
    }
  });
});
