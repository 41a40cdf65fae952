import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { openStore } from '../../src/store/connect.js';
import { listRuns, writeRun } from '../../src/store/runs.js';

/**
 * Item 16 of the security issue: on SQLite a CLI ingest while the daemon ingested failed at once with
 * "database is locked" (a deferred transaction that reads first cannot take the write lock once another
 * process has written). Writers must wait their turn: here three CLI processes (the built CLI in `dist/`)
 * and this process, as the daemon would, write runs into one file at the same time — every run arrives.
 */
const BIN = resolve('bin/perfhound.cjs');
const PROCESSES = 3;
const RUNS_PER_PROCESS = 40;
const IN_PROCESS_RUNS = 40;

function runsFile(dir: string, writer: number): string {
  const file = join(dir, `runs-${writer}.json`);
  const runs = Array.from({ length: RUNS_PER_PROCESS }, (_, i) => ({
    uuid: `w${writer}-r${i}`,
    timestamp: 1_767_225_600 + writer * 10_000 + i,
    metadata: { writer: String(writer), platform: 'X' },
    metrics: Object.fromEntries(Array.from({ length: 30 }, (_, m) => [`m${m}`, i + m / 10])),
  }));
  writeFileSync(file, JSON.stringify(runs));
  return file;
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

it('concurrent writers on one SQLite file all succeed, every run stored', async () => {
  expect(existsSync(join(resolve('dist'), 'cli/entry.cjs')), 'dist/ is missing: run npm run build').toBe(true);
  const dir = mkdtempSync(join(tmpdir(), 'perfhound-writers-'));
  const db = `sqlite:${join(dir, 'shared.db')}`;
  const store = await openStore(db); // migrated before the writers start
  try {
    const children = Array.from({ length: PROCESSES }, (_, w) => cli(['ingest', 'json', runsFile(dir, w), '--db', db, '--output', 'json']));
    // Meanwhile this process writes too, as the daemon does for HTTP ingests: read first, then write.
    const daemon = (async () => {
      for (let i = 0; i < IN_PROCESS_RUNS; i++) {
        await store.writeTransaction(async (trx) => {
          await listRuns(trx, { limit: 1 });
          await writeRun(trx, { uuid: `daemon-r${i}`, timestampMs: Date.UTC(2026, 1, 1, 0, 0, i), source: 'json', collection: 'results', metadata: { writer: 'daemon' } });
        });
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const results = await Promise.all(children);
    await daemon;
    for (const result of results) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const report = JSON.parse(result.stdout) as { runs: Array<{ outcome: string }> };
      expect(report.runs.map((r) => r.outcome)).toEqual(Array(RUNS_PER_PROCESS).fill('created'));
    }
    const stored = await listRuns(store.db);
    expect(stored).toHaveLength(PROCESSES * RUNS_PER_PROCESS + IN_PROCESS_RUNS);
    const docs = await store.db.selectFrom('documents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(docs.n)).toBe(PROCESSES * RUNS_PER_PROCESS);
  } finally {
    await store.close();
  }
});

it('two connections in one process interleave their write transactions without blocking each other', async () => {
  // Each store is its own SQLite connection, as two processes are. A transaction that waits on something
  // else (an await) while holding the write lock must not make the other fail, nor freeze the event loop
  // that the first needs to finish.
  const dir = mkdtempSync(join(tmpdir(), 'perfhound-writers-'));
  const db = `sqlite:${join(dir, 'shared.db')}`;
  const [a, b] = [await openStore(db), await openStore(db)];
  try {
    const write = (store: typeof a, name: string, i: number) =>
      store.writeTransaction(async (trx) => {
        await listRuns(trx, { limit: 1 });
        await new Promise((r) => setTimeout(r, 5));
        await writeRun(trx, { uuid: `${name}-${i}`, timestampMs: Date.UTC(2026, 0, 1, 0, 0, i), source: 'json', collection: 'results', metadata: {} });
      });
    const started = Date.now();
    await Promise.all([a, b].map(async (store, k) => {
      for (let i = 0; i < 20; i++) await write(store, `s${k}`, i);
    }));
    expect(await listRuns(a.db)).toHaveLength(40);
    // Not a timing test: with a blocking wait the first writer can never finish, and both stall for the
    // whole busy timeout before one fails; this only bounds that.
    expect(Date.now() - started).toBeLessThan(30_000);
  } finally {
    await a.close();
    await b.close();
  }
});

it('a writer waiting for the lock lets its own process read, and gives up with a clear error at its limit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'perfhound-writers-'));
  const db = `sqlite:${join(dir, 'shared.db')}`;
  const holder = await openStore(db);
  const waiter = await openStore(db, { timeouts: { sqliteLockWaitMs: 300 } });
  try {
    let release = () => undefined as void;
    const held = new Promise<void>((r) => (release = r));
    let holding = () => undefined as void;
    const isHolding = new Promise<void>((r) => (holding = r));
    const holderDone = holder.writeTransaction(async (trx) => {
      await writeRun(trx, { uuid: 'held', timestampMs: Date.UTC(2026, 0, 1), source: 'json', collection: 'results', metadata: {} });
      holding();
      await held;
    });
    await isHolding;
    const refused = waiter.writeTransaction((trx) => writeRun(trx, { uuid: 'late', timestampMs: Date.UTC(2026, 0, 2), source: 'json', collection: 'results', metadata: {} }));
    const outcome = refused.then(() => 'written', (err: Error) => err.message);
    // While it waits, the waiter's process still reads (the connection is not held during the wait).
    expect(await listRuns(waiter.db)).toEqual([]);
    expect(await outcome).toMatch(/^field db: the SQLite database is busy: another process has held its write lock for over 0\.3 s/);
    release();
    await holderDone;
    expect((await listRuns(waiter.db)).map((r) => r.uuid)).toEqual(['held']);
  } finally {
    await holder.close();
    await waiter.close();
  }
});
