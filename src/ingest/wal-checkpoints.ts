/**
 * Checkpoints of a SQLite file's write-ahead log on a thread of their own while an ingest's writer thread
 * writes. A checkpoint copies the log's pages into the database file; the connection that commits does it
 * when the log passes its limit, and for small runs that was a seventh of the writer thread's time. Here
 * the writer connection's automatic checkpoints are off, and after each commit another thread, with its
 * own connection, checkpoints what is there (PASSIVE: it never waits for the writer, nor the writer for
 * it). A passive checkpoint cannot start the log over while writes go on, so every ~64 MB of log the
 * writer restarts it itself, between two transactions: by then the other thread has copied all but the
 * last few pages. The log stays bounded even if the other thread does nothing.
 *
 * @example
 * const checkpoints = await WalCheckpoints.start(store, file, script);
 * // after each commit:
 * await checkpoints.committed(bytesWritten);
 * await checkpoints.close();
 */
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { Store } from '../store/connect.js';
import { logger } from '../util/log.js';

/** What the writer wrote (the documents' and metadata's text) between two restarts of the log: ~64 MB of it with the indexes. */
const RESTART_BYTES = 32 * 1024 * 1024;

/** What the checkpoint thread is started with. */
export interface CheckpointerInput {
  role: 'checkpointer';
  file: string;
}

export class WalCheckpoints {
  private sinceRestart = 0;

  private constructor(
    private readonly store: Store,
    private readonly thread: Worker | undefined,
  ) {}

  /**
   * Starts the checkpoint thread from `script` and turns the writer connection's own checkpoints off;
   * without a script (TypeScript sources) the connection checkpoints as ever.
   */
  static async start(store: Store, file: string, script: URL | undefined): Promise<WalCheckpoints> {
    if (!script) return new WalCheckpoints(store, undefined);
    // It allocates next to nothing: a small heap.
    const thread = new Worker(script, { workerData: { role: 'checkpointer', file } satisfies CheckpointerInput, resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 } });
    // The log stays bounded without it (restarts): its failure is only logged.
    thread.on('error', (err) => logger().debug({ err }, 'the WAL checkpoint thread stopped'));
    await sql`pragma wal_autocheckpoint = 0`.execute(store.db);
    return new WalCheckpoints(store, thread);
  }

  /** After a commit of about `bytes` of text: the thread checkpoints it, or the writer restarts the log. */
  async committed(bytes: number): Promise<void> {
    if (!this.thread) return;
    this.sinceRestart += bytes;
    if (this.sinceRestart < RESTART_BYTES) {
      this.thread.postMessage('checkpoint');
      return;
    }
    this.sinceRestart = 0;
    await sql`pragma wal_checkpoint(restart)`.execute(this.store.db);
  }

  /** Stops the thread and checkpoints what it left. */
  async close(): Promise<void> {
    if (!this.thread) return;
    await this.thread.terminate();
    await sql`pragma wal_checkpoint(restart)`.execute(this.store.db);
  }
}
