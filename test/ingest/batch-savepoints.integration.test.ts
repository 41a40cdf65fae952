/**
 * Many runs per transaction, a savepoint per run (write-groups.ts): a run the database refuses in the middle
 * of a batch is refused alone — nothing of it stays (row, metadata, terms, times, documents, the name of a
 * collection only it had) while the batch's other runs are written; and an ingest interrupted between
 * batches, run again, leaves the store as one uninterrupted ingest does. Each with the sets written in this
 * thread, and handed to the thread writer's protocol (src/ingest/set-writer-thread.ts, over a channel).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { ingestBulk, type BulkOptions } from '../../src/ingest/bulk.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { listDocumentCollections } from '../../src/store/document-collections.js';
import { tableCounts } from '../../src/store/runs.js';
import { createTestDatabase, DIALECTS } from '../support/databases.js';
import { channelSetWriter } from '../support/channel-set-writer.js';
import { runsWithTerm } from '../support/term-runs.js';
import { BULK_OPTIONS, refuseMarkedDocument } from './bulk-runs.js';

const RUNS = 40;
const DOCS = 5;
const REFUSED = new Set([7, 23]);

/** Runs s0…s39 of 5 documents; the refused ones also write a collection of their own, marked `refuse-me`. */
function smallRunsFile(): string {
  const lines: string[] = [];
  for (let r = 0; r < RUNS; r++) {
    const uuid = `s${r}`;
    const timestamp = new Date(Date.UTC(2026, 0, 1, 0, r)).toISOString();
    lines.push(JSON.stringify({ index: { _index: 'perf_scale_ci' } }), JSON.stringify({ uuid, timestamp, platform: 'AWS', nodes: r }));
    for (let d = 0; d < DOCS; d++) lines.push(JSON.stringify({ index: { _index: 'results' } }), JSON.stringify({ uuid, timestamp, metricName: 'cpu', d }));
    if (REFUSED.has(r)) lines.push(JSON.stringify({ index: { _index: `only-${uuid}` } }), JSON.stringify({ uuid, timestamp, mark: 'refuse-me' }));
  }
  const file = join(mkdtempSync(join(tmpdir(), 'perfhound-savepoints-')), 'runs.ndjson');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Every row count a run writes, and the stored runs with their document counts. */
async function snapshot(store: Store): Promise<unknown> {
  const counts = await tableCounts(store.db);
  const extra: Record<string, unknown> = {};
  extra.run_times = Number((await store.db.selectFrom('run_times').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  // Every run is on platform AWS: the runs the term index finds by it.
  extra.run_terms = await runsWithTerm(store, 'platform', 'k:AWS');
  const runs = await store.db
    .selectFrom('runs')
    .leftJoin('documents', 'documents.run_id', 'runs.id')
    .select(['uuid', 'metadata', (eb) => eb.fn.count('documents.id').as('n')])
    .groupBy(['uuid', 'metadata'])
    .orderBy('uuid')
    .execute();
  return { counts, extra, runs: runs.map((r) => [r.uuid, r.metadata, Number(r.n)]), collections: await listDocumentCollections(store.db) };
}

/** The writers the scenarios run with: this thread's, and the thread writer's over a channel. */
const WRITERS: Record<string, (url: string) => BulkOptions['setWriter']> = {
  'this thread': () => undefined,
  'the thread writer': (url) => async () => (await channelSetWriter(url)).writer,
};

for (const dialect of DIALECTS) for (const [writerName, writerFor] of Object.entries(WRITERS)) {
  describe(`runs in savepoints on ${dialect}, written by ${writerName}`, () => {
    it('refuses the runs the database refuses in the middle of a batch, alone and without a trace', async () => {
      const created = await createTestDatabase(dialect);
      const store = await openStore(created.url);
      try {
        await refuseMarkedDocument(store, dialect);
        const report = await ingestBulk(store, smallRunsFile(), { ...BULK_OPTIONS, setWriter: writerFor(created.url) });
        expect(report.runs.map((r) => [r.uuid, r.outcome])).toEqual(Array.from({ length: RUNS }, (_, r) => [`s${r}`, REFUSED.has(r) ? 'failed' : 'created']));
        for (const r of REFUSED) expect(report.runs[r].error).toMatch(/database refused the run: .*refused document/);
        const snap = (await snapshot(store)) as { counts: Record<string, number>; extra: Record<string, unknown>; runs: [string, string, number][]; collections: string[] };
        const written = RUNS - REFUSED.size;
        expect(snap.runs.map(([uuid, , n]) => [uuid, n])).toEqual(
          Array.from({ length: RUNS }, (_, r) => r).filter((r) => !REFUSED.has(r)).map((r) => [`s${r}`, DOCS]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        );
        expect([snap.counts.runs, snap.counts.run_metadata, snap.counts.documents]).toEqual([written, written * 4, written * DOCS]);
        // Each written run's terms and times: `nodes` is a number (a time too), `timestamp` a date.
        expect(await runsWithTerm(store, 'platform', 'k:AWS')).toEqual(snap.runs.map(([uuid]) => uuid));
        const times = await store.db.selectFrom('run_times').select('run_id').distinct().execute();
        expect(times.length).toBe(written);
        expect(snap.collections).toEqual(['results']);
      } finally {
        await store.close();
        await created.drop();
      }
    });

    it('refuses alone a run of a set refused while the next set is read and prepared', async () => {
      // 250 runs: three sets of a batch (100 runs each), the second's run 150 and the last run refused.
      const refused = new Set([150, 249]);
      const lines: string[] = [];
      for (let r = 0; r < 250; r++) {
        const uuid = `p${r}`;
        const timestamp = new Date(Date.UTC(2026, 0, 1, 0, r)).toISOString();
        lines.push(JSON.stringify({ index: { _index: 'perf_scale_ci' } }), JSON.stringify({ uuid, timestamp, platform: 'AWS', nodes: r }));
        lines.push(JSON.stringify({ index: { _index: 'results' } }), JSON.stringify({ uuid, timestamp, metricName: 'cpu', mark: refused.has(r) ? 'refuse-me' : '' }));
      }
      const file = join(mkdtempSync(join(tmpdir(), 'perfhound-sets-')), 'runs.ndjson');
      writeFileSync(file, lines.join('\n') + '\n');
      const created = await createTestDatabase(dialect);
      const store = await openStore(created.url);
      try {
        await refuseMarkedDocument(store, dialect);
        const report = await ingestBulk(store, file, { ...BULK_OPTIONS, setWriter: writerFor(created.url) });
        expect(report.runs.map((r) => [r.uuid, r.outcome])).toEqual(Array.from({ length: 250 }, (_, r) => [`p${r}`, refused.has(r) ? 'failed' : 'created']));
        const stored = await store.db.selectFrom('runs').select('uuid').orderBy('id').execute();
        expect(stored.map((r) => r.uuid)).toEqual(Array.from({ length: 250 }, (_, r) => r).filter((r) => !refused.has(r)).map((r) => `p${r}`));
        const counts = await tableCounts(store.db);
        expect([counts.runs, counts.run_metadata, counts.documents]).toEqual([248, 248 * 4, 248]);
      } finally {
        await store.close();
        await created.drop();
      }
    });

    it('an ingest interrupted between batches, run again, leaves what one whole ingest leaves', async () => {
      const file = smallRunsFile();
      const whole = await createTestDatabase(dialect);
      const interrupted = await createTestDatabase(dialect);
      const a = await openStore(whole.url);
      const b = await openStore(interrupted.url);
      try {
        await ingestBulk(a, file, BULK_OPTIONS);
        const stop = (done: number) => {
          if (done === 15) throw new Error('interrupted');
        };
        await expect(ingestBulk(b, file, { ...BULK_OPTIONS, batchRuns: 10, onProgress: stop, setWriter: writerFor(interrupted.url) })).rejects.toThrow('interrupted');
        // The batches committed before the interruption are in, whole (at least the 15 reported; a batch
        // also ends after half a second, so where they end depends on the machine); nothing after.
        const stored = (await b.db.selectFrom('runs').select('uuid').execute()).length;
        expect(stored).toBeGreaterThanOrEqual(15);
        expect(stored).toBeLessThan(RUNS);
        const again = await ingestBulk(b, file, { ...BULK_OPTIONS, batchRuns: 10, setWriter: writerFor(interrupted.url) });
        expect(again.runs.map((r) => r.outcome)).toEqual(Array.from({ length: RUNS }, (_, r) => (r < stored ? 'replaced' : 'created')));
        expect(await snapshot(b)).toEqual(await snapshot(a));
      } finally {
        await a.close();
        await b.close();
        await whole.drop();
        await interrupted.drop();
      }
    });
  });
}

describe('savepoints only when the database refuses something', () => {
  /** The SQL texts the SQLite connection prepared while `ingest` ran (each once: statements are kept). */
  async function preparedDuring(ingest: (store: Store) => Promise<unknown>, setUp: (store: Store) => Promise<void> = async () => undefined): Promise<string[]> {
    const created = await createTestDatabase('sqlite');
    const store = await openStore(created.url);
    const prepare = vi.spyOn(Database.prototype, 'prepare');
    try {
      await setUp(store);
      prepare.mockClear();
      await ingest(store);
      return prepare.mock.calls.map(([text]) => text);
    } finally {
      prepare.mockRestore();
      await store.close();
      await created.drop();
    }
  }

  for (const [writerName, writerFor] of Object.entries(WRITERS)) {
    it(`writes a batch the database takes whole without any savepoint, and one it refuses a run of with them (${writerName})`, async () => {
      const file = smallRunsFile();
      // The thread writer's connection is another better-sqlite3 database of this thread: the spy sees both.
      const ingest = (store: Store) => ingestBulk(store, file, { ...BULK_OPTIONS, setWriter: writerFor(`sqlite:${store.sqliteFile!.path}`) });
      const clean = await preparedDuring(ingest);
      expect(clean.some((text) => /savepoint/i.test(text))).toBe(false);
      const refused = await preparedDuring(ingest, (store) => refuseMarkedDocument(store, 'sqlite'));
      expect(refused.some((text) => /^savepoint/i.test(text))).toBe(true);
    });
  }
});
