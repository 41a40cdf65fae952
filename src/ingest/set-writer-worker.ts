/**
 * The ingest's writer thread (started by set-writer-thread.ts): opens its own connection to the SQLite
 * file and writes the sets the main thread sends until it is told to close.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStore, type Store } from '../store/connect.js';
import { serializeError } from '../util/thread-errors.js';
import { serveSetWriter, type WriterInput, type WriterReply } from './set-writer-thread.js';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("the ingest's writer started outside a worker thread");
  const input = workerData as WriterInput;
  let store: Store;
  try {
    // The main thread opened (and migrated) the store already.
    store = await openStore(`sqlite:${input.file}`, { migrate: false, timeouts: { sqliteLockWaitMs: input.lockWaitMs } });
  } catch (error) {
    port.postMessage({ type: 'ready', error: serializeError(error) } satisfies WriterReply);
    return;
  }
  port.postMessage({ type: 'ready' } satisfies WriterReply);
  try {
    await serveSetWriter(port, store);
  } finally {
    await store.close();
  }
}

void main();
