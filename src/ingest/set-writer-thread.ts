/**
 * A {@link SetWriter} on a worker thread with its own connection to the SQLite file: the ingest's second
 * pass reads and prepares the next runs in this thread while the writer's thread runs SQLite's statements.
 * SQLite works on the calling thread, so in one thread the two added up; small runs spent half their time
 * in each (issue 17). Each set crosses as one message (a structured clone, ~10 µs a run); the transaction
 * is the writer thread's `store.writeTransaction`, so the data version and the runs' stamps are written as
 * by any ingest.
 *
 * The protocol, in order on one port (each request answered in turn):
 * `begin` → `begun`; `set` → its outcomes or error; `end` (commit or roll back) → `ended`; `close` → `closed`.
 *
 * @example
 * const writer = (await setWriterThread(store, groups.size)) ?? inThreadSetWriter(store, analyze);
 */
import { Worker, type MessagePort } from 'node:worker_threads';
import type { Store } from '../store/connect.js';
import { ftsTokens } from '../store/term-index.js';
import { logger } from '../util/log.js';
import { reviveError, serializeError, type ThreadError } from '../util/thread-errors.js';
import type { RunOutcome } from './report.js';
import { writeSet, type SetEntry, type SetWriter, type WriteSet } from './set-writer.js';

/** Fewer runs than this are written in the calling thread: starting the thread (~0.1 s) would not pay. */
export const THREAD_MIN_RUNS = 2000;

export type WriterRequest = { type: 'begin' } | { type: 'set'; set: SetEntry[]; guarded: boolean } | { type: 'end'; commit: boolean } | { type: 'close' };

export type WriterReply =
  | { type: 'ready' | 'begun' | 'ended' | 'closed'; error?: ThreadError }
  | { type: 'set'; outcomes?: RunOutcome[]; error?: ThreadError };

/** What the writer thread is started with. */
export interface WriterInput {
  file: string;
  lockWaitMs: number;
}

/** The writer thread's script, when this module runs in the built bundle (scripts/build-cli.mjs puts it beside). */
function writerScript(): URL | undefined {
  return import.meta.url.endsWith('.cjs') ? new URL('./ingest-writer.cjs', import.meta.url) : undefined;
}

/**
 * A writer thread for an ingest of `runs` runs into `store`; undefined when it would not help or cannot
 * start (not a SQLite file, few runs, TypeScript sources without the built script): the caller writes in
 * its own thread then.
 */
export async function setWriterThread(store: Store, runs: number, script = writerScript()): Promise<SetWriter | undefined> {
  if (!store.sqliteFile || runs < THREAD_MIN_RUNS || !script) return undefined;
  // A young generation of 24 MB instead of V8's default: the thread keeps little beyond a set or two in
  // flight. Peak RSS for 250 000 small runs 242 → 230 MB; at 12 MB the sets in flight outlived it and
  // were collected by mark-compact (33 instead of 1 for 50 000 runs, 1.7 s instead of 0.2 s of GC).
  const worker = new Worker(script, {
    workerData: { file: store.sqliteFile.path, lockWaitMs: store.sqliteFile.lockWaitMs } satisfies WriterInput,
    resourceLimits: { maxYoungGenerationSizeMb: 24 },
  });
  const writer = new ThreadSetWriter((request) => worker.postMessage(request), () => worker.terminate());
  worker.on('message', (reply: WriterReply) => writer.receive(reply));
  worker.on('error', (err) => writer.fail(err));
  worker.on('exit', (code) => writer.fail(new Error(`the ingest's writer thread stopped (exit code ${code})`)));
  try {
    await writer.ready();
  } catch (err) {
    logger().debug({ err }, 'the ingest writes in this thread: its writer thread did not start');
    await worker.terminate();
    return undefined;
  }
  logger().debug('the ingest writes on a thread of its own');
  return writer;
}

interface Waiting {
  resolve(reply: WriterReply): void;
  reject(error: Error): void;
}

/** The main thread's side: requests sent in order, each reply taken by the oldest request waiting. */
export class ThreadSetWriter implements SetWriter {
  private readonly waiting: Waiting[] = [];
  private broken: Error | undefined;

  constructor(
    private readonly send: (request: WriterRequest) => void,
    private readonly stop: () => Promise<unknown>,
  ) {}

  /** A reply of the thread: the oldest request waiting takes it. */
  receive(reply: WriterReply): void {
    this.waiting.shift()?.resolve(reply);
  }

  /** The thread is gone (an error, an exit): what waits and what comes is refused with `error`. */
  fail(error: Error): void {
    this.broken ??= error;
    for (const w of this.waiting.splice(0)) w.reject(error);
  }

  /** Resolves once the thread has opened its store; rejects with why it could not. */
  async ready(): Promise<void> {
    await this.answer(this.expect());
  }

  async transaction(write: (writeSet: WriteSet) => Promise<void>): Promise<void> {
    await this.answer(this.request({ type: 'begin' }));
    let failure: { error: unknown } | undefined;
    try {
      await write((set, guarded) => {
        // The FTS5 text of the runs' term keys is made here: this thread has the time, the writer's has not.
        for (const { rows } of set) if (rows) rows.ftsText ??= ftsTokens(rows.terms);
        // Not an async function: the set, cloned into the message, is not held until the answer.
        return this.answer(this.request({ type: 'set', set, guarded })).then((reply) => (reply as { outcomes: RunOutcome[] }).outcomes);
      });
    } catch (error) {
      failure = { error };
    }
    const ended = this.request({ type: 'end', commit: !failure });
    if (failure) {
      // Rolled back on the thread; the caller learns why from `write`.
      await ended.catch(() => undefined);
      throw failure.error;
    }
    await this.answer(ended);
  }

  async close(): Promise<void> {
    if (!this.broken) await this.request({ type: 'close' }).catch(() => undefined);
    this.fail(new Error("the ingest's writer thread is closed"));
    await this.stop();
  }

  private request(message: WriterRequest): Promise<WriterReply> {
    const reply = this.expect();
    if (!this.broken) this.send(message);
    return reply;
  }

  private expect(): Promise<WriterReply> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** The reply, or its error thrown. */
  private async answer(reply: Promise<WriterReply>): Promise<WriterReply> {
    const answered = await reply;
    if (answered.error) throw reviveError(answered.error);
    return answered;
  }
}

/** What the writer's thread does beside writing (its log's checkpoints, wal-checkpoints.ts). */
export interface WriterHooks {
  committed?(bytes: number): Promise<void>;
  closing?(): Promise<void>;
}

/** Raised in the thread's transaction to roll it back when the main thread ends it without a commit. */
class RollBack extends Error {}

/**
 * The writer thread's side: answers `port`'s requests on `store` until `close` (answered `closed`; the
 * store stays open); `hooks.committed` is told of each commit, with about how much text it wrote, and
 * `hooks.closing` runs before `closed` is answered (the main thread ends the thread then). Once a set of
 * a transaction has failed, its later sets are refused and its end rolls back.
 */
export async function serveSetWriter(port: MessagePort, store: Store, hooks: WriterHooks = {}): Promise<void> {
  const inbox = new Inbox<WriterRequest>(port);
  for (;;) {
    const request = await inbox.next();
    if (request.type === 'close') {
      try {
        await hooks.closing?.();
      } finally {
        port.postMessage({ type: 'closed' } satisfies WriterReply);
      }
      return;
    }
    if (request.type !== 'begin') throw new Error(`the ingest's writer got ${request.type} outside a transaction`);
    let begun = false;
    let bytes = 0;
    try {
      await store.writeTransaction(async (trx) => {
        begun = true;
        port.postMessage({ type: 'begun' } satisfies WriterReply);
        let failure: { error: unknown } | undefined;
        for (;;) {
          const next = await inbox.next();
          if (next.type === 'end') {
            if (failure) throw failure.error;
            if (!next.commit) throw new RollBack();
            return;
          }
          if (next.type !== 'set') throw new Error(`the ingest's writer got ${next.type} inside a transaction`);
          try {
            if (failure) throw new Error('an earlier set of this transaction was refused');
            port.postMessage({ type: 'set', outcomes: await writeSet(trx, next.set, next.guarded) } satisfies WriterReply);
            bytes += textBytes(next.set);
          } catch (error) {
            failure ??= { error };
            port.postMessage({ type: 'set', error: serializeError(error) } satisfies WriterReply);
          }
        }
      }, { runsOnly: true });
      await hooks.committed?.(bytes);
      port.postMessage({ type: 'ended' } satisfies WriterReply);
    } catch (error) {
      const thrown = error instanceof RollBack ? undefined : serializeError(error);
      port.postMessage({ type: begun ? 'ended' : 'begun', error: thrown } satisfies WriterReply);
    }
  }
}

/** About what a set writes: its documents' and metadata's text (UTF-16 units). */
function textBytes(set: readonly SetEntry[]): number {
  let bytes = 0;
  for (const { documents, rows } of set) {
    bytes += rows?.row.metadata.length ?? 0;
    for (const { body } of documents) bytes += body.length;
  }
  return bytes;
}

/** The messages of a port, awaited one at a time in their order. */
class Inbox<T> {
  private readonly queued: T[] = [];
  private wake: (() => void) | undefined;

  constructor(port: MessagePort) {
    port.on('message', (message: T) => {
      this.queued.push(message);
      this.wake?.();
    });
  }

  async next(): Promise<T> {
    while (!this.queued.length) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = undefined;
    return this.queued.shift()!;
  }
}
