/**
 * Who reads the chunks of `ingest bulk`'s first pass (bulk-chunk.ts): the calling thread, or parse
 * threads for a large file. Parsing every document line (JSON.parse, the run id, the time) was most of the
 * pass (issue 17: ~12 s of a 250 000-run file on one core while the other waited). With threads, the
 * calling thread only reads the file and records what the threads answer, in file order.
 *
 * A chunk's buffer is handed over to its thread (not copied). A thread that dies leaves its chunks to be
 * read again from the file and parsed in the calling thread, so the pass records the same runs whatever
 * happens to the threads.
 *
 * @example
 * const parser = chunkParserFor(path, size, options);
 * try { const { parsed, names } = await parser.parse(chunk, pending); … } finally { await parser.close(); }
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { logger } from '../util/log.js';
import { ChunkReader, NameTable, type BulkReadOptions, type ParsedChunk, type PendingAction } from './bulk-chunk.js';
import { readChunkAgain, type BulkChunk } from './bulk-reads.js';

/** Smaller files are read in the calling thread: starting threads (~50 ms each) would not pay. */
export const PARSE_THREADS_MIN_BYTES = 16 << 20;
/**
 * At most this many: each thread costs ~27 MB of RSS (a 250 000-run first pass peaked at 198 MB with two,
 * 252 MB with four), and the calling thread's share (recording the runs) soon limits the pass anyway.
 */
const MAX_THREADS = 3;

/** How the first pass reads (tests and benchmarks choose; by default the built bundle's threads, one per core, up to 3). */
export interface ParseThreadOptions {
  threads?: number;
  script?: URL | string;
  /** Smaller files are read in the calling thread (default {@link PARSE_THREADS_MIN_BYTES}). */
  minBytes?: number;
  /** Bytes a chunk is read in (default 1 MB). */
  chunkBytes?: number;
  /** Told when a chunk is read again in the calling thread, its first line a document after all. */
  onReread?(offset: number): void;
}

/** A parsed chunk and the names its numbers refer to (its parser's table: it only grows). */
export interface ChunkAnswer {
  parsed: ParsedChunk;
  names: string[];
}

/** Parses the chunks of one file in the order they are handed over. */
export interface ChunkParser {
  /** Chunks handed over and not yet answered that the caller may keep (0: each is answered before the next is read). */
  readonly ahead: number;
  /**
   * Parses a chunk. `pending`: the action whose document the chunk starts with, as far as the caller
   * knows (a parse thread cannot know: it guesses none, which {@link ParsedChunk.startPending} says).
   */
  parse(chunk: BulkChunk, pending: PendingAction | undefined): Promise<ChunkAnswer>;
  close(): Promise<void>;
}

/** The parse threads' script, when this module runs in the built bundle (scripts/build-cli.mjs puts it beside). */
function parserScript(): URL | undefined {
  return import.meta.url.endsWith('.cjs') ? new URL('./ingest-parser.cjs', import.meta.url) : undefined;
}

/**
 * The parser for the file at `path` of `bytes` bytes: threads when they help and can start (a large file,
 * more than one core, the built script), else the calling thread.
 */
export function chunkParserFor(path: string, bytes: number, options: BulkReadOptions, threads: ParseThreadOptions = {}): ChunkParser {
  const count = threads.threads ?? Math.min(availableParallelism(), MAX_THREADS);
  const script = threads.script ?? parserScript();
  if (bytes < (threads.minBytes ?? PARSE_THREADS_MIN_BYTES) || count < 2 || !script) return new InThreadParser(options);
  logger().debug({ threads: count }, "the ingest's first pass parses documents on threads");
  // Only what a thread reads with: the caller's options also hold callbacks, which cannot cross.
  const { metadataCollections, uuidFields, timestampField, versionField } = options;
  return new ThreadChunkParser(path, { metadataCollections, uuidFields, timestampField, versionField }, count, script);
}

/** Parses in the calling thread, before `parse` returns. */
export class InThreadParser implements ChunkParser {
  readonly ahead = 0;
  private readonly reader: ChunkReader;

  constructor(options: BulkReadOptions) {
    this.reader = new ChunkReader(options);
  }

  parse(chunk: BulkChunk, pending: PendingAction | undefined): Promise<ChunkAnswer> {
    return Promise.resolve({ parsed: this.reader.read(chunk.bytes, chunk.offset, pending), names: this.reader.names.names });
  }

  async close(): Promise<void> {}
}

interface Waiting {
  offset: number;
  length: number;
  resolve(answer: ChunkAnswer): void;
  reject(error: unknown): void;
}

interface ParseThread {
  worker: Worker;
  waiting: Waiting[];
  /** The names this thread numbered, as its answers added them. */
  names: NameTable;
}

/** Chunks handed to the threads in turn; each answer resolves its chunk's promise. */
class ThreadChunkParser implements ChunkParser {
  readonly ahead: number;
  private readonly threads: ParseThread[] = [];
  private next = 0;
  /** Parses what a dead thread left (and everything once none is left). */
  private readonly fallback: InThreadParser;
  private closing = false;

  constructor(
    private readonly path: string,
    options: BulkReadOptions,
    count: number,
    script: URL | string,
  ) {
    this.fallback = new InThreadParser(options);
    // Two chunks a thread: one parsing, one waiting, so no thread idles while the caller records.
    this.ahead = 2 * count;
    for (let i = 0; i < count; i++) {
      // A young generation of 8 MB: a line's objects die before the next line. V8's default let the two threads
      // take 45 MB more (peak RSS of a 250 000-run first pass 236 → 190 MB, no slower; at 4 MB it rose again).
      const worker = new Worker(script, { workerData: options, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      const thread: ParseThread = { worker, waiting: [], names: new NameTable() };
      thread.worker.on('message', (parsed: ParsedChunk) => {
        const waiting = thread.waiting.shift();
        if (!waiting) return;
        thread.names.add(parsed.newNames);
        waiting.resolve({ parsed, names: thread.names.names });
      });
      thread.worker.on('error', (err) => this.lose(thread, err));
      thread.worker.on('exit', (code) => this.lose(thread, new Error(`exit code ${code}`)));
      this.threads.push(thread);
    }
  }

  parse(chunk: BulkChunk): Promise<ChunkAnswer> {
    if (!this.threads.length) return this.fallback.parse(chunk, undefined);
    const thread = this.threads[this.next++ % this.threads.length];
    return new Promise((resolve, reject) => {
      thread.waiting.push({ offset: chunk.offset, length: chunk.bytes.length, resolve, reject });
      const { buffer, byteOffset, length } = chunk.bytes;
      thread.worker.postMessage({ buffer, byteOffset, length, offset: chunk.offset }, [buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.threads.splice(0).map((t) => t.worker.terminate()));
  }

  /** A thread died: out of the rotation, and the chunks it had not answered are read again and parsed here. */
  private lose(thread: ParseThread, error: Error): void {
    const at = this.threads.indexOf(thread);
    if (this.closing || at < 0) return;
    this.threads.splice(at, 1);
    logger().debug({ err: error }, 'a parse thread of the ingest stopped: its chunks are parsed in this thread');
    void thread.worker.terminate();
    for (const w of thread.waiting.splice(0)) {
      readChunkAgain(this.path, w.offset, w.length)
        .then((chunk) => this.fallback.parse(chunk, undefined))
        .then(w.resolve, w.reject);
    }
  }
}

/** What a parse thread is sent: a chunk's bytes (the buffer handed over) and its place in the file. */
export interface ChunkMessage {
  buffer: ArrayBuffer;
  byteOffset: number;
  length: number;
  offset: number;
}
