/**
 * The ingest's writer thread (src/ingest/set-writer-thread.ts): when it is used, what happens when it dies
 * in the middle of a transaction, its WAL checkpoint thread (wal-checkpoints.ts), and — through the built
 * CLI, where the worker runs — that a large SQLite ingest written on it (a refused run among them) stores
 * exactly what one written in this thread does.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ingestBulk } from '../../src/ingest/bulk.js';
import { setWriterThread, THREAD_MIN_RUNS } from '../../src/ingest/set-writer-thread.js';
import { WalCheckpoints } from '../../src/ingest/wal-checkpoints.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { tableCounts, writeRun } from '../../src/store/runs.js';
import { channelSetWriter } from '../support/channel-set-writer.js';
import { createTestDatabase } from '../support/databases.js';
import { runsWithTerm } from '../support/term-runs.js';
import { BULK_OPTIONS, refuseMarkedDocument } from './bulk-runs.js';

const run = promisify(execFile);
const ROOT = resolve('.');

/** Runs w0…w{n-1} of `docs` documents each; run `refused` carries the marker the trigger refuses. */
function runsFile(n: number, docs: number, refused = -1): string {
  const lines: string[] = [];
  for (let r = 0; r < n; r++) {
    const uuid = `w${r}`;
    const timestamp = new Date(Date.UTC(2026, 0, 1, 0, r)).toISOString();
    lines.push(JSON.stringify({ index: { _index: 'perf_scale_ci' } }), JSON.stringify({ uuid, timestamp, platform: r % 2 ? 'AWS' : 'GCP', nodes: r, job: { name: `j${r % 7}` } }));
    for (let d = 0; d < docs; d++) lines.push(JSON.stringify({ index: { _index: 'results' } }), JSON.stringify({ uuid, timestamp, metricName: `m${d}`, value: r + d, mark: r === refused ? 'refuse-me' : '' }));
  }
  const file = join(mkdtempSync(join(tmpdir(), 'perfhound-writer-thread-')), 'runs.ndjson');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** What an ingest leaves: row counts, each run with its metadata and documents, the runs each platform's term finds. */
async function stored(store: Store): Promise<unknown> {
  const runs = await store.db
    .selectFrom('runs')
    .leftJoin('documents', 'documents.run_id', 'runs.id')
    .select(['runs.id', 'uuid', 'runs.timestamp_ms', 'metadata', (eb) => eb.fn.count('documents.id').as('n'), (eb) => eb.fn.sum<number>('documents.id').as('ids')])
    .groupBy(['runs.id', 'uuid', 'runs.timestamp_ms', 'metadata'])
    .orderBy('runs.id')
    .execute();
  const times = await store.db.selectFrom('run_times').select(['run_id', 'field', 'time_ms']).orderBy('run_id').orderBy('field').orderBy('time_ms').execute();
  return {
    counts: await tableCounts(store.db),
    runs: runs.map((r) => [Number(r.id), r.uuid, Number(r.timestamp_ms), r.metadata, Number(r.n), Number(r.ids)]),
    times,
    aws: await runsWithTerm(store, 'platform', 'k:AWS'),
    gcp: await runsWithTerm(store, 'platform', 'k:GCP'),
  };
}

describe('the ingest writer thread', () => {
  it('is used only for a SQLite file, from the built bundle, with enough runs', async () => {
    const created = await createTestDatabase('sqlite');
    const file = await openStore(created.url);
    const memory = await openStore('sqlite::memory:');
    const script = new URL('file:///nowhere/ingest-writer.cjs');
    try {
      expect(file.sqliteFile?.path).toBe(created.url.slice('sqlite:'.length));
      expect(memory.sqliteFile).toBeUndefined();
      expect(await setWriterThread(memory, THREAD_MIN_RUNS, script)).toBeUndefined();
      expect(await setWriterThread(file, THREAD_MIN_RUNS - 1, script)).toBeUndefined();
      // From the TypeScript sources there is no built script: this thread writes.
      expect(await setWriterThread(file, THREAD_MIN_RUNS)).toBeUndefined();
    } finally {
      await file.close();
      await memory.close();
      await created.drop();
    }
  });

  it('a writer that dies in the middle of a transaction: its batch is rolled back and written in this thread, each run once', async () => {
    const file = runsFile(300, 3);
    const created = await createTestDatabase('sqlite');
    const store = await openStore(created.url);
    try {
      let died = false;
      const report = await ingestBulk(store, file, {
        ...BULK_OPTIONS,
        setWriter: async () =>
          (
            await channelSetWriter(created.url, (channel) => {
              if (channel.sets !== 2) return;
              // As the thread's end does: its connection closes (its transaction rolled back), and it answers no more.
              died = true;
              channel.writer.fail(new Error('the writer thread died'));
              void channel.store.close();
            })
          ).writer,
      });
      expect(died).toBe(true);
      expect(report.runs.map((r) => r.outcome)).toEqual(new Array(300).fill('created'));
      const counts = await tableCounts(store.db);
      expect([counts.runs, counts.run_metadata, counts.documents]).toEqual([300, 300 * 5, 300 * 3]);
      const uuids = (await store.db.selectFrom('runs').select('uuid').orderBy('id').execute()).map((r) => r.uuid);
      expect(uuids).toEqual(Array.from({ length: 300 }, (_, r) => `w${r}`));
    } finally {
      await store.close();
      await created.drop();
    }
  });

  it('checkpoints the log on a thread of its own after each commit, and restarts it after ~32 MB of text (built bundle)', async () => {
    const script = pathToFileURL(join(ROOT, 'dist/cli/ingest-writer.cjs'));
    expect(existsSync(script), 'dist/ is missing: run npm run build').toBe(true);
    const created = await createTestDatabase('sqlite');
    const store = await openStore(created.url);
    const path = created.url.slice('sqlite:'.length);
    // Runs of 100 KB: what a transaction writes is in the log only, until a checkpoint copies it into the file.
    const write = (from: number) =>
      store.writeTransaction(async (trx) => {
        for (let i = from; i < from + 20; i++) {
          await writeRun(trx, { uuid: `c${i}`, timestampMs: i, source: 'bulk', collection: 'perf_scale_ci', metadata: { i } }, [{ collection: 'results', timestampMs: i, metricName: 'm', body: JSON.stringify({ v: 'x'.repeat(100_000) }) }]);
        }
      }, { runsOnly: true });
    /** The log's checkpoint sequence number (its header's bytes 12–15): one more each time the log starts over. */
    const logSequence = () => readFileSync(`${path}-wal`).readUInt32BE(12);
    const checkpoints = await WalCheckpoints.start(store, path, script);
    try {
      const before = statSync(path).size;
      await write(0);
      expect(statSync(path).size).toBe(before);
      await checkpoints.committed(2_000_000);
      // The other thread copies the 2 MB into the file, without this one.
      const deadline = Date.now() + 10_000;
      while (statSync(path).size < before + 2_000_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(statSync(path).size).toBeGreaterThanOrEqual(before + 2_000_000);
      // Two transactions the thread is not told of: the log holds frames not copied, and grows on.
      await write(20);
      const sequence = logSequence();
      await write(40);
      expect(logSequence()).toBe(sequence);
      // Past ~32 MB of text the writer restarts the log: the next transaction writes it from its start.
      await checkpoints.committed(32 * 1024 * 1024);
      await write(60);
      expect(logSequence()).toBe(sequence + 1);
    } finally {
      await checkpoints.close();
      await store.close();
      await created.drop();
    }
  });

  it('the built CLI writes a large SQLite ingest on its thread: the same store as one written in this thread, the refused run alone refused', async () => {
    expect(existsSync(join(ROOT, 'dist/cli/ingest-writer.cjs')), 'dist/ is missing: run npm run build').toBe(true);
    const runs = THREAD_MIN_RUNS + 500;
    const file = runsFile(runs, 4, 1234);
    const threaded = await createTestDatabase('sqlite');
    const inThread = await createTestDatabase('sqlite');
    const a = await openStore(threaded.url);
    const b = await openStore(inThread.url);
    try {
      await refuseMarkedDocument(a, 'sqlite');
      await refuseMarkedDocument(b, 'sqlite');
      const cli = await run(process.execPath, [join(ROOT, 'bin/perfhound.cjs'), 'ingest', 'bulk', file, '--db', threaded.url, '--output', 'json', '--debug']).then(
        () => ({ code: 0, stdout: '', stderr: '' }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      expect(cli.stderr).toContain('the ingest writes on a thread of its own');
      expect(cli.code).toBe(1);
      const report = JSON.parse(cli.stdout) as { runs: { uuid: string; outcome: string; error?: string }[] };
      expect(report.runs.filter((r) => r.outcome === 'failed').map((r) => r.uuid)).toEqual(['w1234']);
      expect(report.runs.find((r) => r.uuid === 'w1234')?.error).toMatch(/runs\.ndjson:\d+: database refused the run: refused document/);
      const here = await ingestBulk(b, file, { ...BULK_OPTIONS, setWriter: async () => undefined });
      expect(here.runs.map((r) => [r.uuid, r.outcome])).toEqual(report.runs.map((r) => [r.uuid, r.outcome]));
      expect(await stored(a)).toEqual(await stored(b));
    } finally {
      await a.close();
      await b.close();
      await threaded.drop();
      await inThread.drop();
    }
  });
});
