import { isUtf8 } from 'node:buffer';
import { UserError } from '../../util/errors.js';
import { crc32 } from './crc32.js';
import { STATUSES, type SubunitEvent, type SubunitReadOptions } from './types.js';

/**
 * The synchronous core of the subunit v2 reader: `push` decodes every complete packet of a chunk in one
 * plain loop into an array of events (what the reference `ByteStreamToStreamResult` reports, including
 * its in-band `subunit.parser` events for damaged packets in lenient mode and its synchronisation rule:
 * a 0xB3 not inside a UTF-8 sequence starts a packet); `end` reports what the stream's end left unfinished.
 * Strict mode (the default) throws a UserError naming the byte offset instead of reporting damage.
 * Only the bytes of an unfinished packet are kept between chunks.
 */
export const SIGNATURE = 0xb3;
export const FLAG = {
  TEST_ID: 0x0800,
  ROUTE_CODE: 0x0400,
  TIMESTAMP: 0x0200,
  RUNNABLE: 0x0100,
  TAGS: 0x0080,
  FILE_CONTENT: 0x0040,
  MIME_TYPE: 0x0020,
  EOF: 0x0010,
} as const;
/** Packets are at most 4 MiB: the length is a varint of at most 3 bytes. */
export const MAX_PACKET = 0x3fffff;
/** Non-subunit bytes are reported in batches of at most this size (the reference uses 1 MiB too). */
const NON_SUBUNIT_BATCH = 1 << 20;
/** The signature, 2 flag bytes and a length of up to 3 bytes: what the reference reads before anything else. */
const HEADER = 6;
const EMPTY = Buffer.alloc(0);

class PacketError extends Error {
  constructor(
    message: string,
    /** How many bytes from the packet start are skipped. */
    readonly consumed: number,
    /** How many of them the reference reports as `Packet data` (only what it had read before failing). */
    readonly reported = consumed,
  ) {
    super(message);
  }
}

export interface V2DecoderOptions extends SubunitReadOptions {
  /**
   * Copy file content out of the input chunks (default true). False hands out views into them, which is
   * only safe when the consumer looks at the bytes before the next chunk arrives (e.g. only their length).
   */
  copyFileBytes?: boolean;
}

export class V2Decoder {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Absolute stream offset of `buf[0]`. */
  private base = 0;
  /** Bytes needed from `pos` before decoding can go on (an unfinished packet); 0 when not waiting. */
  private need = 0;
  /** Chunks held back while `need` bytes are not there yet, concatenated once when they are. */
  private parked: Buffer[] = [];
  private parkedLength = 0;
  /** Packet field cursor (absolute index into `buf`) while one packet is decoded. */
  private at = 0;
  private text: Buffer[] = [];
  private textLength = 0;
  private textOffset = 0;
  /** Continuation bytes still expected by the UTF-8 sequence the non-subunit text is in. */
  private utf8Pending = 0;
  private readonly nonSubunitName: string | undefined;
  private readonly copyFileBytes: boolean;
  private readonly strings = new StringCache();
  private readonly singleTags = new Map<string, string[]>();

  constructor(private readonly options: V2DecoderOptions = {}) {
    this.nonSubunitName = options.nonSubunitName ?? (options.lenient ? 'stdout' : undefined);
    this.copyFileBytes = options.copyFileBytes ?? true;
  }

  /** Decodes what `chunk` completes; appends the events to `out`. */
  push(chunk: Uint8Array, out: SubunitEvent[]): void {
    let bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // A packet cut by the chunk boundary: join only its bytes (not the whole chunk) and decode them first.
    while (this.need > 0) {
      if (bytes.length === 0) return;
      const have = this.buf.length - this.pos + this.parkedLength;
      if (have + bytes.length < this.need) {
        this.parked.push(bytes);
        this.parkedLength += bytes.length;
        return;
      }
      const take = this.need - have;
      this.replaceBuffer(Buffer.concat([this.buf.subarray(this.pos), ...this.parked, bytes.subarray(0, take)]));
      this.decode(out, false);
      bytes = bytes.subarray(take);
    }
    // Everything before is consumed: decode straight from the chunk.
    this.replaceBuffer(bytes);
    this.decode(out, false);
  }

  /** The stream ended: reports an unfinished packet as damage and flushes pending non-subunit text. */
  end(out: SubunitEvent[]): void {
    if (this.need > 0) {
      this.replaceBuffer(Buffer.concat([this.buf.subarray(this.pos), ...this.parked]));
      this.decode(out, true);
    }
    this.flushText(out);
  }

  /** Continues with `next`, which starts at the first unconsumed byte. */
  private replaceBuffer(next: Buffer): void {
    this.base += this.pos;
    this.buf = next;
    this.pos = 0;
    this.parked = [];
    this.parkedLength = 0;
    this.need = 0;
  }

  private decode(out: SubunitEvent[], ended: boolean): void {
    const buf = this.buf;
    const len = buf.length;
    while (this.pos < len) {
      const start = this.pos;
      if (buf[start] === SIGNATURE && this.utf8Pending === 0) {
        this.flushText(out);
        const available = len - start;
        try {
          if (available < HEADER) {
            if (!ended) return void (this.need = HEADER);
            throw new PacketError(`Short read - got ${available - 1} bytes, wanted 5 bytes`, available, 1);
          }
          if ((buf[start + 3] & 0xc0) === 0xc0) throw new PacketError('3 byte maximum given but 4 byte value found.', HEADER);
          const length = packetLength(buf, start + 3);
          if (length < HEADER) throw new PacketError(`Packet length ${length} is shorter than its header`, HEADER);
          if (available < length) {
            if (!ended) return void (this.need = length);
            throw new PacketError(`Short read - got ${available - HEADER} bytes, wanted ${length - HEADER} bytes`, available, HEADER);
          }
          const stored = uint32At(buf, start + length - 4);
          const computed = crc32(buf, start, start + length - 4);
          if (stored !== computed) {
            throw new PacketError(`Bad checksum - calculated (0x${computed.toString(16)}), stored (0x${stored.toString(16)})`, length);
          }
          out.push(this.decodeBody(buf, start, length));
          this.pos = start + length;
        } catch (err) {
          if (!(err instanceof PacketError)) throw err;
          this.pos = start + err.consumed;
          this.damage(out, err, Buffer.from(buf.subarray(start, start + err.reported)), this.base + start);
        }
        continue;
      }
      this.scanText(out, buf, start);
    }
  }

  /** Bytes outside packets: takes the run of them up to the next possible signature in this buffer. */
  private scanText(out: SubunitEvent[], buf: Buffer, start: number): void {
    if (this.nonSubunitName === undefined) {
      throw new UserError(`non-subunit content (byte 0x${buf[start].toString(16).padStart(2, '0')}); use --non-subunit-name to keep it`, {
        file: this.options.file,
        offset: this.base + start,
      });
    }
    if (this.textLength === 0) this.textOffset = this.base + start;
    let n = start;
    let pending = this.utf8Pending;
    for (; n < buf.length; n++) {
      const b = buf[n];
      if (b === SIGNATURE && pending === 0) break;
      pending = nextUtf8State(pending, b);
    }
    this.utf8Pending = pending;
    this.text.push(Buffer.from(buf.subarray(start, n)));
    this.textLength += n - start;
    this.pos = n;
    if (this.textLength >= NON_SUBUNIT_BATCH) this.flushText(out);
  }

  private flushText(out: SubunitEvent[]): void {
    if (this.textLength === 0) return;
    out.push(fileEvent(this.nonSubunitName ?? 'stdout', Buffer.concat(this.text, this.textLength), this.textOffset));
    this.text = [];
    this.textLength = 0;
  }

  private damage(out: SubunitEvent[], err: PacketError, packetBytes: Buffer, offset: number): void {
    if (!this.options.lenient) throw new UserError(`damaged subunit packet: ${err.message}`, { file: this.options.file, offset });
    this.options.onDamage?.({ offset, message: err.message });
    out.push(...parserErrorEvents(packetBytes, err.message, offset));
  }

  /** Decodes the fields of a packet whose CRC is valid (fields in wire order). */
  private decodeBody(buf: Buffer, start: number, length: number): SubunitEvent {
    const flags = (buf[start + 1] << 8) | buf[start + 2];
    const end = start + length - 4;
    this.at = start + 3 + varintSize(buf[start + 3]);
    let timestampUs: number | null = null;
    if (flags & FLAG.TIMESTAMP) {
      if (this.at + 4 > end) throw new PacketError('Timestamp extends past end of packet', length);
      const seconds = uint32At(buf, this.at);
      this.at += 4;
      const nanos = this.varint(buf, end, length);
      timestampUs = seconds * 1_000_000 + Math.round(nanos / 1000);
    }
    const testId = flags & FLAG.TEST_ID ? this.string(buf, start, end, length) : null;
    let tags: string[] | null = null;
    if (flags & FLAG.TAGS) {
      const count = this.varint(buf, end, length);
      if (count === 1) tags = this.singleTag(this.string(buf, start, end, length));
      else {
        tags = [];
        for (let i = 0; i < count; i++) {
          const tag = this.string(buf, start, end, length);
          if (!tags.includes(tag)) tags.push(tag);
        }
      }
    }
    const mimeType = flags & FLAG.MIME_TYPE ? this.string(buf, start, end, length) : null;
    let fileName: string | null = null;
    let fileBytes: Uint8Array | null = null;
    if (flags & FLAG.FILE_CONTENT) {
      fileName = this.string(buf, start, end, length);
      const size = this.varint(buf, end, length);
      if (this.at + size > end) {
        throw new PacketError(`File content extends past end of packet: claimed ${size} bytes, ${end - this.at} available`, length);
      }
      const view = buf.subarray(this.at, this.at + size);
      fileBytes = this.copyFileBytes ? Buffer.from(view) : view;
      this.at += size;
    }
    const routeCode = flags & FLAG.ROUTE_CODE ? this.string(buf, start, end, length) : null;
    return {
      testId,
      status: STATUSES[flags & 0x7],
      tags,
      runnable: (flags & FLAG.RUNNABLE) !== 0,
      eof: (flags & FLAG.EOF) !== 0,
      mimeType,
      routeCode,
      timestampUs,
      fileName,
      fileBytes,
      offset: this.base + start,
    };
  }

  /**
   * The one-tag set (a worker tag on every packet, the usual case) as one shared array per tag: no array
   * per packet. Events and records are read-only to consumers, so sharing is safe.
   */
  private singleTag(tag: string): string[] {
    let tags = this.singleTags.get(tag);
    if (tags === undefined) {
      // Streams repeat a handful of tags; the bound only guards against a stream of distinct ones.
      if (this.singleTags.size >= 256) this.singleTags.clear();
      this.singleTags.set(tag, (tags = [tag]));
    }
    return tags;
  }

  private varint(buf: Buffer, end: number, length: number): number {
    const at = this.at;
    if (at >= end) throw new PacketError('Number extends past end of packet', length);
    const size = varintSize(buf[at]);
    if (at + size > end) throw new PacketError('Number extends past end of packet', length);
    this.at = at + size;
    const value0 = buf[at] & 0x3f;
    if (size === 1) return value0;
    if (size === 2) return (value0 << 8) | buf[at + 1];
    if (size === 3) return (value0 << 16) | (buf[at + 1] << 8) | buf[at + 2];
    return value0 * 0x1000000 + ((buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]);
  }

  /** A length-prefixed UTF-8 string without NUL; ASCII (the usual test id) skips the UTF-8 validation. */
  private string(buf: Buffer, start: number, end: number, length: number): string {
    const at = this.at - start;
    const size = this.varint(buf, end, length);
    const from = this.at;
    const available = end - from;
    if (size > available) {
      throw new PacketError(`UTF8 string at offset ${at} extends past end of packet: claimed ${size} bytes, ${available} available`, length);
    }
    const to = from + size;
    this.at = to;
    const cached = this.strings.get(buf, from, to);
    if (cached !== undefined) return cached;
    let ascii = true;
    for (let i = from; i < to; i++) {
      const b = buf[i];
      if (b === 0) throw new PacketError(`UTF8 string at offset ${at} contains NUL byte`, length);
      if (b > 0x7f) ascii = false;
    }
    if (!ascii && !isUtf8(buf.subarray(from, to))) {
      const undecoded = truncatedTail(buf.subarray(from, to));
      throw new PacketError(
        undecoded > 0 ? `Invalid (partially decodable) string at offset ${at}, ${undecoded} undecoded bytes` : `UTF8 string at offset ${at} is not UTF8`,
        length,
      );
    }
    if (!ascii) return buf.toString('utf8', from, to);
    const value = buf.toString('latin1', from, to);
    this.strings.setAscii(buf, from, to, value);
    return value;
  }
}

const CACHE_SLOTS = 1024;
/** Longer strings are decoded every time (tempest ids with their attrs reach ~250 bytes). */
const CACHE_MAX_BYTES = 1024;

/**
 * Recently decoded ASCII strings, direct-mapped by length and last bytes (where test ids differ): a test id
 * comes twice (inprogress and final packet), tags and route codes over and over. A hit returns the same
 * string object, already validated, so nothing is decoded or allocated and the grouping Map finds its hash
 * already computed. The bytes are compared with the cached string's own characters (ASCII: byte = char
 * code), so filling a slot copies nothing.
 */
class StringCache {
  private readonly values: string[] = new Array<string>(CACHE_SLOTS).fill('');

  get(buf: Buffer, from: number, to: number): string | undefined {
    const size = to - from;
    if (size > CACHE_MAX_BYTES) return undefined;
    const value = this.values[slotOf(buf, from, to)];
    if (value.length !== size) return undefined;
    // From the end: ids sharing a slot usually differ there.
    for (let i = size - 1; i >= 0; i--) if (value.charCodeAt(i) !== buf[from + i]) return undefined;
    return value;
  }

  /** `value` must be the ASCII decoding of `buf[from, to)`. */
  setAscii(buf: Buffer, from: number, to: number, value: string): void {
    if (to - from <= CACHE_MAX_BYTES) this.values[slotOf(buf, from, to)] = value;
  }
}

/** Big-endian uint32 at `at` (in bounds): Buffer#readUInt32BE's checks cost more than the read, per packet. */
function uint32At(buf: Buffer, at: number): number {
  return ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;
}

function slotOf(buf: Buffer, from: number, to: number): number {
  const size = to - from;
  if (size === 0) return 0;
  let h = Math.imul(size ^ buf[from], 0x01000193);
  for (let i = Math.max(from + 1, to - 4); i < to; i++) h = Math.imul(h ^ buf[i], 0x01000193);
  return (h ^ (h >>> 15)) & (CACHE_SLOTS - 1);
}

/** Size in bytes of the varint whose first byte is `b0` (the top 2 bits). */
function varintSize(b0: number): number {
  return (b0 >> 6) + 1;
}

/** The packet length varint at `pos` (at most 3 bytes; the caller has rejected 4). */
function packetLength(bytes: Uint8Array, pos: number): number {
  const b0 = bytes[pos];
  const value0 = b0 & 0x3f;
  if (b0 < 0x40) return value0;
  if (b0 < 0x80) return (value0 << 8) | bytes[pos + 1];
  return (value0 << 16) | (bytes[pos + 1] << 8) | bytes[pos + 2];
}

/** Reads a variable-length number (1–4 bytes, size in the top 2 bits) at `pos`. */
export function readVarint(bytes: Uint8Array, pos: number): { value: number; size: number } {
  const b0 = bytes[pos];
  const value0 = b0 & 0x3f;
  switch (b0 & 0xc0) {
    case 0x00:
      return { value: value0, size: 1 };
    case 0x40:
      return { value: (value0 << 8) | bytes[pos + 1], size: 2 };
    case 0x80:
      return { value: (value0 << 16) | (bytes[pos + 1] << 8) | bytes[pos + 2], size: 3 };
    default:
      return { value: value0 * 0x1000000 + ((bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3]), size: 4 };
  }
}

/** UTF-8 decoder state after `b`: how many continuation bytes are still expected. */
function nextUtf8State(pending: number, b: number): number {
  if (pending > 0 && (b & 0xc0) === 0x80) return pending - 1;
  if (b >= 0xc2 && b <= 0xdf) return 1;
  if (b >= 0xe0 && b <= 0xef) return 2;
  if (b >= 0xf0 && b <= 0xf4) return 3;
  return 0;
}

function fileEvent(name: string, bytes: Buffer, offset: number): SubunitEvent {
  return {
    testId: null,
    status: null,
    tags: null,
    runnable: true,
    eof: false,
    mimeType: null,
    routeCode: null,
    timestampUs: null,
    fileName: name,
    fileBytes: bytes,
    offset,
  };
}

/** The two events the reference parser emits for a damaged packet (a pseudo-test `subunit.parser` that fails). */
export function parserErrorEvents(packetBytes: Buffer, message: string, offset: number): SubunitEvent[] {
  const base = { testId: 'subunit.parser', tags: null, runnable: true, eof: true, routeCode: null, timestampUs: null, offset };
  return [
    { ...base, status: null, mimeType: 'application/octet-stream', fileName: 'Packet data', fileBytes: packetBytes },
    { ...base, status: 'fail', mimeType: 'text/plain;charset=utf8', fileName: 'Parser Error', fileBytes: Buffer.from(message, 'utf8') },
  ];
}

/** Length of an incomplete UTF-8 sequence ending `bytes` when everything before it is valid, else 0. */
function truncatedTail(bytes: Buffer): number {
  for (let k = 1; k <= 3 && k <= bytes.length; k++) {
    const lead = bytes[bytes.length - k];
    if ((lead & 0xc0) === 0x80) continue;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    return need > k && isUtf8(bytes.subarray(0, bytes.length - k)) ? k : 0;
  }
  return 0;
}
