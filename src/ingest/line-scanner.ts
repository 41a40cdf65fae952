import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { UserError } from '../util/errors.js';
import { invalidUtf8At } from './utf8.js';

/** A line of a file with its place: 1-based line number and byte range (without the newline). */
export interface ScannedLine {
  text: string;
  line: number;
  offset: number;
  length: number;
  /**
   * File offset of the line's first byte that is not UTF-8, when there is one: `text` then holds U+FFFD
   * in its place, so the line must be refused, not stored (see {@link parseJsonExactly}).
   */
  invalidUtf8?: number;
}

const CHUNK = 1 << 20;
const MAX_GAP = 64 * 1024;
const MAX_OPEN_FILES = 16;

/**
 * Streams a file's lines with their byte offsets, reading 1 MB at a time: memory stays bounded by the
 * longest line, whatever the file size. `\r\n` endings are accepted.
 *
 * @example
 * for await (const line of scanLines('bulk.ndjson')) console.log(line.line, line.text);
 */
export async function* scanLines(path: string): AsyncGenerator<ScannedLine> {
  for await (const batch of scanLineBatches(path)) yield* batch;
}

/**
 * The lines of {@link scanLines} a read (1 MB) at a time: one await per batch instead of per line, which
 * is most of the cost of scanning a file of short lines.
 */
export async function* scanLineBatches(path: string): AsyncGenerator<ScannedLine[]> {
  for await (const b of scanLineBuffers(path)) {
    const batch: ScannedLine[] = new Array(b.starts.length);
    const valid = isUtf8Batch(b);
    for (let k = 0; k < b.starts.length; k++) {
      batch[k] = { text: b.data.toString('utf8', b.starts[k], b.ends[k]), line: b.firstLine + k, offset: b.offset + b.starts[k], length: b.ends[k] - b.starts[k] };
      const bad = valid ? -1 : invalidUtf8At(b.data, b.starts[k], b.ends[k]);
      if (bad >= 0) batch[k].invalidUtf8 = b.offset + bad;
    }
    yield batch;
  }
}

/** A read's lines as byte ranges of one buffer (valid until the next batch is asked for). */
export interface LineBuffer {
  data: Buffer;
  /** File offset of `data[0]`. */
  offset: number;
  /** Line number of the first line. */
  firstLine: number;
  /** Per line: where it starts and ends in `data` (the end without `\r\n`/`\n`). */
  starts: number[];
  ends: number[];
}

/** Whether all lines of a batch are UTF-8: one native check per read; a line is looked at alone only when it fails. */
export function isUtf8Batch(b: LineBuffer): boolean {
  return b.starts.length === 0 || invalidUtf8At(b.data, b.starts[0], b.ends[b.ends.length - 1]) < 0;
}

/**
 * The lines of a file as byte ranges, a read at a time: a caller that decodes each line only to parse it
 * right away leaves nothing but short-lived strings (a batch of line strings outlives a young-generation
 * collection and fills the old one: ~140 MB of garbage for a 350 MB file).
 */
export async function* scanLineBuffers(path: string): AsyncGenerator<LineBuffer> {
  const handle = await open(path, 'r');
  // Two read buffers: the next read runs while the caller works through the lines of the current one.
  const reads = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  let current = 0;
  let position = 0;
  let pending = handle.read(reads[current], 0, CHUNK, position);
  // The unfinished last line of a read, completed by the next one.
  let carry = Buffer.allocUnsafe(4096);
  let carried = 0;
  let carryOffset = 0;
  let line = 1;
  const keep = (bytes: Buffer) => {
    if (carried + bytes.length > carry.length) {
      const bigger = Buffer.allocUnsafe(Math.max(carry.length * 2, carried + bytes.length));
      carry.copy(bigger, 0, 0, carried);
      carry = bigger;
    }
    carried += bytes.copy(carry, carried);
  };
  try {
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      const data = reads[current].subarray(0, bytesRead);
      const dataOffset = position;
      position += bytesRead;
      current ^= 1;
      pending = handle.read(reads[current], 0, CHUNK, position);
      // A byte order mark (files saved by Windows editors) is not part of the first line.
      let start = dataOffset === 0 && startsWithByteOrderMark(data) ? BYTE_ORDER_MARK.length : 0;
      if (carried) {
        const nl = data.indexOf(10);
        keep(data.subarray(0, nl === -1 ? bytesRead : nl));
        if (nl === -1) continue;
        const end = carried > 0 && carry[carried - 1] === 13 ? carried - 1 : carried;
        yield { data: carry, offset: carryOffset, firstLine: line++, starts: [0], ends: [end] };
        carried = 0;
        start = nl + 1;
      }
      const starts: number[] = [];
      const ends: number[] = [];
      for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
        starts.push(start);
        ends.push(nl > start && data[nl - 1] === 13 ? nl - 1 : nl);
        start = nl + 1;
      }
      if (starts.length) yield { data, offset: dataOffset, firstLine: line, starts, ends };
      line += starts.length;
      if (start < bytesRead) {
        carryOffset = dataOffset + start;
        keep(data.subarray(start));
      }
    }
    if (carried) {
      const end = carry[carried - 1] === 13 ? carried - 1 : carried;
      yield { data: carry, offset: carryOffset, firstLine: line, starts: [0], ends: [end] };
    }
  } finally {
    // A caller that stops early leaves a read in flight: let it finish before closing the file.
    await pending.catch(() => undefined);
    await handle.close();
  }
}

const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

/** Whether the bytes begin with UTF-8's byte order mark. */
export function startsWithByteOrderMark(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** An empty or whitespace-only line, checked without allocating a trimmed copy of every line. */
export function isBlank(text: string): boolean {
  if (text.length === 0) return true;
  const first = text.charCodeAt(0);
  if (first > 32 && first !== 0xa0 && first !== 0xfeff) return false;
  return text.trim().length === 0;
}

/**
 * Reads byte ranges of files back, coalescing adjacent ranges into one read (a run's documents are
 * usually contiguous in a bulk file). Files stay open, and one buffer serves every read, until
 * {@link RangeReader.close}. A range not behind the last one read ahead (runs read back in file order)
 * is read with up to 1 MB after it, and the next runs' ranges come from that buffer: a system call per
 * small run cost ~9 µs on a virtual machine, 0.9 s of 50 000 runs. A range read ahead is given as it
 * was read (a file cut or rewritten since is noticed by the ranges read after). One read at a time.
 */
export class RangeReader {
  private readonly handles = new Map<string, Promise<FileHandle>>();
  private buffer = Buffer.alloc(0);
  /** For a range behind the window. */
  private behind = Buffer.alloc(0);
  /** What the buffer holds: `length` bytes of `path` from `from`. */
  private held = { path: '', from: 0, length: 0 };

  async read(path: string, ranges: Array<{ offset: number; length: number }>): Promise<string[]> {
    const file = await this.open(path);
    const out: string[] = new Array(ranges.length);
    let i = 0;
    while (i < ranges.length) {
      let j = i;
      // Extend over small gaps (bulk action lines between documents) while the span stays a few MB.
      while (j + 1 < ranges.length) {
        const end = ranges[j].offset + ranges[j].length;
        const gap = ranges[j + 1].offset - end;
        if (gap < 0 || gap > MAX_GAP || ranges[j + 1].offset + ranges[j + 1].length - ranges[i].offset > 8 * CHUNK) break;
        j++;
      }
      const from = ranges[i].offset;
      const to = ranges[j].offset + ranges[j].length;
      const { buffer, base } = this.hold(file, path, from, to);
      for (let k = i; k <= j; k++) out[k] = buffer.toString('utf8', ranges[k].offset - base, ranges[k].offset - base + ranges[k].length);
      i = j + 1;
    }
    return out;
  }

  /**
   * A buffer holding bytes [from, to) of the file, and the file offset its first byte has: the read-ahead
   * window (read anew, 1 MB or more, when the range lies past its start), else the range alone in a buffer
   * of its own, so that a range read back behind (a run's metadata document, before its documents) keeps
   * the window.
   */
  private hold(file: FileHandle, path: string, from: number, to: number): { buffer: Buffer; base: number } {
    const held = this.held;
    if (held.path === path && from >= held.from && to <= held.from + held.length) return { buffer: this.buffer, base: held.from };
    if (held.path === path && from < held.from) {
      if (this.behind.length < to - from) this.behind = Buffer.allocUnsafe(Math.max(to - from, 2 * this.behind.length));
      readAtLeast(file, this.behind, to - from, to - from, from, path);
      return { buffer: this.behind, base: from };
    }
    // Another file's first range is read alone: a kube-burner run's documents may be in many files.
    const wanted = held.path === path ? Math.max(to - from, CHUNK) : to - from;
    if (this.buffer.length < wanted) this.buffer = Buffer.allocUnsafe(Math.max(wanted, 2 * this.buffer.length));
    // Nothing held while reading: a read that fails must not leave another range's bytes taken for these.
    this.held = { path: '', from: 0, length: 0 };
    const length = readAtLeast(file, this.buffer, to - from, wanted, from, path);
    this.held = { path, from, length };
    return { buffer: this.buffer, base: from };
  }

  /**
   * The file's handle, the most recently used ones kept open: a kube-burner directory may hold thousands
   * of files, more than a process may open at once.
   */
  private async open(path: string): Promise<FileHandle> {
    let handle = this.handles.get(path);
    if (handle) this.handles.delete(path);
    else handle = open(path, 'r');
    this.handles.set(path, handle);
    if (this.handles.size > MAX_OPEN_FILES) {
      const [oldest, stale] = this.handles.entries().next().value!;
      this.handles.delete(oldest);
      // One read at a time: nothing reads from it now.
      await stale.then((h) => h.close(), () => undefined);
    }
    try {
      return await handle;
    } catch (err) {
      // Not kept: the next run of this file tries again.
      this.handles.delete(path);
      throw err;
    }
  }

  async close(): Promise<void> {
    const handles = [...this.handles.values()];
    this.handles.clear();
    for (const handle of await Promise.allSettled(handles)) if (handle.status === 'fulfilled') await handle.value.close();
  }
}

/**
 * Reads up to `wanted` bytes from `position` into `buf`, and at least `needed` (or refuses: the buffer is
 * reused, so a file that lost bytes since the first pass — truncated, rewritten — would leave the previous
 * read's bytes there, to be written as this run's); answers how many it read. Read synchronously: a
 * run's few KB, just read by the first pass, come from the page cache in microseconds, where a promise's
 * trip through the thread pool cost ~12 % of a small-run ingest (issue 17).
 */
export function readAtLeast(file: FileHandle, buf: Buffer, needed: number, wanted: number, position: number, path: string): number {
  let done = 0;
  while (done < wanted) {
    const bytesRead = readSync(file.fd, buf, done, wanted - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  if (done < needed) throw new UserError(`the file changed since it was first read (it ends before byte ${position + needed})`, { file: path });
  return done;
}
