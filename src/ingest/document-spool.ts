import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the first pass noted of one document: where it is and what the second pass writes beside it. */
export interface DocumentRecord {
  file: number;
  offset: number;
  length: number;
  timestampMs: number | null;
  /** Index into the caller's names; -1: none. */
  metricName: number;
  collection: number;
}

/** offset, timestamp (Float64); file, length (Uint32); metric name, collection (Int32). */
const RECORD_BYTES = 32;
/** Records kept in memory before they go to the file: 128 KiB. */
const CHUNK_RECORDS = 4096;

/**
 * The first pass's notes of every document, in the order seen, as fixed 32-byte records spooled to an
 * unlinked temporary file a chunk at a time (issue 17): memory holds one chunk whatever the number of
 * documents — 5 million documents were 180 MB of typed arrays in memory, now 160 MB of file the OS caches
 * or not. The second pass reads back a run's records by their indexes (one `pread` per stretch of them).
 */
export class DocumentSpool {
  /** Records so far. */
  count = 0;
  private readonly chunk = Buffer.alloc(CHUNK_RECORDS * RECORD_BYTES);
  private readonly f64 = new Float64Array(this.chunk.buffer, this.chunk.byteOffset, CHUNK_RECORDS * 4);
  private readonly u32 = new Uint32Array(this.chunk.buffer, this.chunk.byteOffset, CHUNK_RECORDS * 8);
  private readonly i32 = new Int32Array(this.chunk.buffer, this.chunk.byteOffset, CHUNK_RECORDS * 8);
  /** Records already in the file (a whole number of chunks). */
  private flushed = 0;
  private fd: number | undefined;
  private dir: string | undefined;
  private readBuffer = Buffer.alloc(0);

  /** Appends a record; returns its index. */
  push(file: number, offset: number, length: number, timestampMs: number | null, metricName: number, collection: number): number {
    let i = this.count - this.flushed;
    if (i === CHUNK_RECORDS) {
      this.flush();
      i = 0;
    }
    this.f64[i * 4] = offset;
    this.f64[i * 4 + 1] = timestampMs ?? NaN;
    this.u32[i * 8 + 4] = file;
    this.u32[i * 8 + 5] = length;
    this.i32[i * 8 + 6] = metricName;
    this.i32[i * 8 + 7] = collection;
    return this.count++;
  }

  /** Records `first`…`first + count - 1`, appended to `out`. */
  read(first: number, count: number, out: DocumentRecord[]): void {
    const onDisk = Math.max(0, Math.min(first + count, this.flushed) - first);
    if (onDisk > 0) {
      const bytes = onDisk * RECORD_BYTES;
      if (this.readBuffer.length < bytes) this.readBuffer = Buffer.alloc(Math.max(bytes, 2 * this.readBuffer.length));
      let done = 0;
      while (done < bytes) {
        const n = readSync(this.fd!, this.readBuffer, done, bytes - done, first * RECORD_BYTES + done);
        if (n === 0) throw new Error('the ingest spool file was cut short');
        done += n;
      }
      decode(this.readBuffer, onDisk, out);
    }
    for (let r = first + onDisk; r < first + count; r++) out.push(recordAt(this.f64, this.u32, this.i32, r - this.flushed));
  }

  /** Removes the file (when the second pass is done, or the first failed). */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private flush(): void {
    if (this.fd === undefined) {
      this.dir = mkdtempSync(join(tmpdir(), 'perfhound-ingest-'));
      const path = join(this.dir, 'documents');
      this.fd = openSync(path, 'w+');
      // Gone from the directory at once where the OS allows it: nothing is left behind if the process dies.
      try {
        rmSync(this.dir, { recursive: true, force: true });
        this.dir = undefined;
      } catch {
        // Removed by close().
      }
    }
    let done = 0;
    while (done < this.chunk.length) done += writeSync(this.fd, this.chunk, done, this.chunk.length - done, this.flushed * RECORD_BYTES + done);
    this.flushed += CHUNK_RECORDS;
  }
}

function decode(buffer: Buffer, records: number, out: DocumentRecord[]): void {
  // Buffers from Buffer.alloc of 32-byte multiples start aligned; views need 8-byte alignment.
  const f64 = new Float64Array(buffer.buffer, buffer.byteOffset, records * 4);
  const u32 = new Uint32Array(buffer.buffer, buffer.byteOffset, records * 8);
  const i32 = new Int32Array(buffer.buffer, buffer.byteOffset, records * 8);
  for (let r = 0; r < records; r++) out.push(recordAt(f64, u32, i32, r));
}

function recordAt(f64: Float64Array, u32: Uint32Array, i32: Int32Array, r: number): DocumentRecord {
  const t = f64[r * 4 + 1];
  return {
    offset: f64[r * 4],
    timestampMs: Number.isNaN(t) ? null : t,
    file: u32[r * 8 + 4],
    length: u32[r * 8 + 5],
    metricName: i32[r * 8 + 6],
    collection: i32[r * 8 + 7],
  };
}
