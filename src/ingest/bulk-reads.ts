/**
 * A bulk file in chunks of whole lines for the first pass of `ingest bulk` (bulk-chunk.ts), each in a
 * buffer of its own (a parse thread takes it over: bulk-parse-threads.ts). A chunk ends where an action
 * line is likely to begin, so that a parse thread, which does not know what came before, can take the
 * chunk's first line for an action line: the line after the last `\n{"index"` or `\n{"create"` of a read.
 * A guess, checked when the chunks are recorded in order (bulk.ts): a chunk that began with a document
 * after all is read again knowing its action.
 */
import { open } from 'node:fs/promises';
import { readAtLeast } from './line-scanner.js';

/** Bytes a chunk is read in. */
export const CHUNK_BYTES = 1 << 20;

/** Where a chunk's first line is likely an action line: after a newline, before the action's verb. */
const ACTION_STARTS = [Buffer.from('\n{"index"'), Buffer.from('\n{"create"')];
const NEAR_END = 64 << 10;

/** A chunk of whole lines, `offset` its place in the file. */
export interface BulkChunk {
  bytes: Buffer;
  offset: number;
}

/**
 * The chunks of a file, in order; each ends after a newline (the last one at the end of the file).
 * A line longer than a read makes its chunk longer.
 */
export async function* readBulkChunks(path: string, chunkBytes = CHUNK_BYTES): AsyncGenerator<BulkChunk> {
  const handle = await open(path, 'r');
  try {
    let position = 0;
    /** What the last read left after its cut, the start of the next chunk. */
    let rest: Buffer = Buffer.alloc(0);
    for (;;) {
      // A buffer of its own for each chunk (not zeroed: every byte is read into): its memory is handed over.
      let bytes = Buffer.allocUnsafeSlow(Math.max(chunkBytes, rest.length * 2));
      rest.copy(bytes);
      let filled = rest.length;
      let eof = false;
      let cut = -1;
      while (cut < 0 && !eof) {
        if (filled === bytes.length) {
          const bigger = Buffer.allocUnsafeSlow(bytes.length * 2);
          bytes.copy(bigger, 0, 0, filled);
          bytes = bigger;
        }
        const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, position);
        position += bytesRead;
        filled += bytesRead;
        eof = bytesRead === 0;
        if (!eof && filled === bytes.length) cut = cutAt(bytes);
      }
      if (cut < 0) {
        // The end of the file: the rest is the last chunk.
        if (filled) yield { bytes: bytes.subarray(0, filled), offset: position - filled };
        return;
      }
      const chunkOffset = position - filled;
      rest = Buffer.from(bytes.subarray(cut, filled));
      yield { bytes: bytes.subarray(0, cut), offset: chunkOffset };
    }
  } finally {
    await handle.close();
  }
}

/**
 * Where to end a full chunk: after the newline before its last likely action line, else after its last
 * newline, else -1 (one line fills it: read on). The last 64 KB are searched first: a verb that never
 * occurs (`create` in a file of `index` actions) would otherwise be searched for through the whole chunk.
 */
function cutAt(bytes: Buffer): number {
  for (const from of [Math.max(0, bytes.length - NEAR_END), 0]) {
    const tail = bytes.subarray(from);
    const best = Math.max(...ACTION_STARTS.map((start) => tail.lastIndexOf(start)));
    if (best >= 0) return from + best + 1;
    if (from === 0) break;
  }
  return bytes.lastIndexOf(10) + 1 || -1;
}

/** A chunk read again (a parse thread that died had it; its first line turned out to be a document). */
export async function readChunkAgain(path: string, offset: number, length: number): Promise<BulkChunk> {
  const handle = await open(path, 'r');
  try {
    const bytes = Buffer.allocUnsafeSlow(length);
    readAtLeast(handle, bytes, length, length, offset, path);
    return { bytes, offset };
  } finally {
    await handle.close();
  }
}
