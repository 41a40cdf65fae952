import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/connect.js';
import { writeRun, type NewDocument } from '../../src/store/runs.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';

/** Bodies that need escaping in PostgreSQL's COPY text format, or in SQL strings. */
const TRICKY = ['{"path":"C:\\\\tmp\\\\x","q":"a\\"b"}', '{"tab":\t"raw tab"}', '{"cr":1}\r', '{"nl":\n2}', '{"u":"é ✓ 🐕"}', '{"n":"\\\\N"}', '{"e":""}'];

function documents(n: number): NewDocument[] {
  return Array.from({ length: n }, (_, i) => ({
    collection: i % 3 ? 'metrics\\x' : 'jobs\tsummary',
    timestampMs: i % 4 ? Date.UTC(2026, 0, 1) + i : null,
    metricName: i % 5 ? `m${i % 7}\\` : null,
    body: TRICKY[i % TRICKY.length] + ' '.repeat(i % 2),
  }));
}

for (const dialect of DIALECTS) {
  describe(`documents on ${dialect}`, () => {
    const db = useTestDatabase(dialect);

    it('stores every document exactly as given, in order per run and collection', async () => {
      const store = await openStore(db.url);
      try {
        const docs = documents(12_345); // more than one INSERT, more than one COPY
        await store.writeTransaction((trx) => writeRun(trx, { uuid: 'd1', timestampMs: 1, source: 't', collection: 'm', metadata: {} }, docs));
        // Written twice: replacing goes through the same insert.
        await store.writeTransaction((trx) => writeRun(trx, { uuid: 'd1', timestampMs: 1, source: 't', collection: 'm', metadata: {} }, docs));
        const rows = await store.db
          .selectFrom('documents')
          .select(['collection', 'timestamp_ms', 'metric_name', 'body'])
          .orderBy('collection')
          .orderBy('id')
          .execute();
        const expected = [...docs].sort((a, b) => (a.collection < b.collection ? -1 : a.collection > b.collection ? 1 : 0));
        expect(rows.map((r) => ({ collection: r.collection, timestampMs: r.timestamp_ms === null ? null : Number(r.timestamp_ms), metricName: r.metric_name, body: r.body }))).toEqual(expected);
      } finally {
        await store.close();
      }
    });

    // SQLite checks no lengths: only the servers can refuse a well-formed run.
    if (dialect === 'sqlite') return;
    it('writes nothing of a run the database refuses, and goes on with the next', async () => {
      const store = await openStore(db.url);
      try {
        const tooLong: NewDocument = { collection: 'x'.repeat(300), timestampMs: 1, metricName: null, body: '{}' };
        const run = { uuid: 'refused', timestampMs: 1, source: 't', collection: 'm', metadata: {} };
        await expect(store.writeTransaction((trx) => writeRun(trx, run, [...documents(10), tooLong]))).rejects.toThrow();
        expect(await store.db.selectFrom('runs').select('uuid').where('uuid', '=', 'refused').execute()).toEqual([]);
        await store.writeTransaction((trx) => writeRun(trx, { ...run, uuid: 'next' }, documents(3)));
        const next = await store.db.selectFrom('documents').innerJoin('runs', 'runs.id', 'documents.run_id').select('runs.uuid').where('runs.uuid', '=', 'next').execute();
        expect(next).toHaveLength(3);
      } finally {
        await store.close();
      }
    });
  });
}
