/**
 * A parse thread of `ingest bulk`'s first pass (started by bulk-parse-threads.ts): reads each chunk it is
 * sent, taking its first line for an action line, and answers, in order, what the chunk's lines are.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkReader, type BulkReadOptions } from './bulk-chunk.js';
import type { ChunkMessage } from './bulk-parse-threads.js';

const port = parentPort;
if (!port) throw new Error("the ingest's parse thread started outside a worker thread");
const reader = new ChunkReader(workerData as BulkReadOptions);
port.on('message', (chunk: ChunkMessage) => {
  const parsed = reader.read(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length), chunk.offset);
  const { kinds, lines, starts, lengths, timestamps, names, collections } = parsed;
  port.postMessage(parsed, [kinds.buffer, lines.buffer, starts.buffer, lengths.buffer, timestamps.buffer, names.buffer, collections.buffer]);
});
