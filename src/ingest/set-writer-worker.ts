/**
 * The ingest's writer thread (started by set-writer-thread.ts): opens its own connection to the SQLite
 * file and writes the sets the main thread sends until it is told to close. Started again from here with
 * the role `checkpointer`, it is the writer's WAL checkpoint thread (wal-checkpoints.ts): a connection of
 * its own that checkpoints the log whenever the writer says it committed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sql } from 'kysely';
import { openStore, type Store } from '../store/connect.js';
import { openBetterSqlite } from '../store/sqlite-addon.js';
import { serializeError } from '../util/thread-errors.js';
import { serveSetWriter, type WriterInput, type WriterReply } from './set-writer-thread.js';
import { WalCheckpoints, type CheckpointerInput } from './wal-checkpoints.js';

async function writer(port: NonNullable<typeof parentPort>, input: WriterInput): Promise<void> {
  let store: Store;
  try {
    // The main thread opened (and migrated) the store already.
    store = await openStore(`sqlite:${input.file}`, { migrate: false, timeouts: { sqliteLockWaitMs: input.lockWaitMs } });
  } catch (error) {
    port.postMessage({ type: 'ready', error: serializeError(error) } satisfies WriterReply);
    return;
  }
  try {
    // 16 MB of page cache instead of 32: what a small-run ingest inserts at random places (the uuid index
    // of 250 000 runs) still fits, and the main thread's connection keeps its own cache beside this one.
    await sql`pragma cache_size = -16384`.execute(store.db);
    const checkpoints = await WalCheckpoints.start(store, input.file, new URL(import.meta.url));
    port.postMessage({ type: 'ready' } satisfies WriterReply);
    await serveSetWriter(port, store, { committed: (bytes) => checkpoints.committed(bytes), closing: () => checkpoints.close() });
  } finally {
    await store.close();
  }
}

/** Checkpoints the log after each commit the writer tells of; a busy or failed one is tried again after the next. */
function checkpointer(port: NonNullable<typeof parentPort>, input: CheckpointerInput): void {
  const database = openBetterSqlite(input.file);
  port.on('message', () => {
    try {
      database.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // tried again after the next commit; the writer restarts the log itself in any case
    }
  });
}

const port = parentPort;
if (!port) throw new Error("the ingest's writer started outside a worker thread");
const input = workerData as WriterInput | CheckpointerInput;
if ('role' in input) checkpointer(port, input);
else void writer(port, input);
