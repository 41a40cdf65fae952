import { isUtf8 } from 'node:buffer';
import { UserError } from '../../util/errors.js';
import { ChunkWindow } from './chunks.js';
import { crc32 } from './crc32.js';
import { STATUSES, type ByteSource, type SubunitEvent, type SubunitReadOptions } from './types.js';

/**
 * Subunit v2 reader: bytes → packet events, exactly as the reference `ByteStreamToStreamResult`
 * (python/subunit/v2.py) reports them, including its in-band `subunit.parser` events for damaged packets
 * (lenient mode) and its synchronisation rule (a 0xB3 not inside a UTF-8 sequence starts a packet).
 * Strict mode (the default) throws a UserError naming the byte offset instead.
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

export async function* readV2Events(source: ByteSource, options: SubunitReadOptions = {}): AsyncGenerator<SubunitEvent> {
  const win = new ChunkWindow(source);
  const nonSubunitName = options.nonSubunitName ?? (options.lenient ? 'stdout' : undefined);
  let text: Buffer[] = [];
  let textLength = 0;
  let textOffset = 0;
  /** Continuation bytes still expected by the UTF-8 sequence the non-subunit text is in. */
  let utf8Pending = 0;

  const flushText = function* (): Generator<SubunitEvent> {
    if (textLength === 0) return;
    yield fileEvent(nonSubunitName ?? 'stdout', Buffer.concat(text, textLength), textOffset);
    text = [];
    textLength = 0;
  };

  while (await win.fill(1)) {
    const byte = win.peek();
    if (byte === SIGNATURE && utf8Pending === 0) {
      yield* flushText();
      const start = win.offset;
      try {
        yield await readPacket(win, start);
      } catch (err) {
        if (!(err instanceof PacketError)) throw err;
        const packetBytes = win.take(err.consumed).subarray(0, err.reported);
        if (!options.lenient) throw new UserError(`damaged subunit packet: ${err.message}`, { file: options.file, offset: start });
        options.onDamage?.({ offset: start, message: err.message });
        yield* parserErrorEvents(packetBytes, err.message, start);
      }
      continue;
    }
    // Bytes outside packets: scan the run of them up to the next possible signature.
    if (nonSubunitName === undefined) {
      throw new UserError(`non-subunit content (byte 0x${byte.toString(16).padStart(2, '0')}); use --non-subunit-name to keep it`, {
        file: options.file,
        offset: win.offset,
      });
    }
    if (textLength === 0) textOffset = win.offset;
    let n = 0;
    const avail = win.available;
    for (; n < avail; n++) {
      const b = win.peek(n);
      if (b === SIGNATURE && utf8Pending === 0) break;
      utf8Pending = nextUtf8State(utf8Pending, b);
    }
    const chunk = win.take(n);
    text.push(chunk);
    textLength += chunk.length;
    if (textLength >= NON_SUBUNIT_BATCH) yield* flushText();
  }
  yield* flushText();
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

async function readPacket(win: ChunkWindow, start: number): Promise<SubunitEvent> {
  // The reference reads the signature and exactly 5 header bytes (2 flag bytes + a length of up to 3).
  if (!(await win.fill(6))) {
    throw new PacketError(`Short read - got ${win.available - 1} bytes, wanted 5 bytes`, win.available, 1);
  }
  const first = win.peek(3);
  if ((first & 0xc0) === 0xc0) throw new PacketError('3 byte maximum given but 4 byte value found.', 6);
  const length = readVarint(win.view(6), 3).value;
  if (length < 6) throw new PacketError(`Packet length ${length} is shorter than its header`, 6);
  if (!(await win.fill(length))) {
    const got = win.available - 6;
    throw new PacketError(`Short read - got ${got} bytes, wanted ${length - 6} bytes`, win.available, 6);
  }
  const packet = win.view(length);
  const stored = packet.readUInt32BE(length - 4);
  const computed = crc32(packet, 0, length - 4);
  if (stored !== computed) {
    throw new PacketError(`Bad checksum - calculated (0x${computed.toString(16)}), stored (0x${stored.toString(16)})`, length);
  }
  const event = decodeBody(packet, length, start);
  win.skip(length);
  return event;
}

/** Decodes the fields of a packet whose CRC is valid. */
function decodeBody(packet: Buffer, length: number, start: number): SubunitEvent {
  const flags = packet.readUInt16BE(1);
  const end = length - 4;
  const cursor = { pos: 1 + 2 + readVarint(packet, 3).size, end, packet };
  let timestampUs: number | null = null;
  if (flags & FLAG.TIMESTAMP) {
    if (cursor.pos + 4 > end) throw new PacketError('Timestamp extends past end of packet', length);
    const seconds = packet.readUInt32BE(cursor.pos);
    cursor.pos += 4;
    const nanos = takeVarint(cursor, length);
    timestampUs = seconds * 1_000_000 + Math.round(nanos / 1000);
  }
  const testId = flags & FLAG.TEST_ID ? readString(cursor, length) : null;
  let tags: string[] | null = null;
  if (flags & FLAG.TAGS) {
    const count = takeVarint(cursor, length);
    const set = new Set<string>();
    for (let i = 0; i < count; i++) set.add(readString(cursor, length));
    tags = [...set];
  }
  const mimeType = flags & FLAG.MIME_TYPE ? readString(cursor, length) : null;
  let fileName: string | null = null;
  let fileBytes: Uint8Array | null = null;
  if (flags & FLAG.FILE_CONTENT) {
    fileName = readString(cursor, length);
    const size = takeVarint(cursor, length);
    if (cursor.pos + size > end) {
      throw new PacketError(`File content extends past end of packet: claimed ${size} bytes, ${end - cursor.pos} available`, length);
    }
    fileBytes = Buffer.from(packet.subarray(cursor.pos, cursor.pos + size));
    cursor.pos += size;
  }
  const routeCode = flags & FLAG.ROUTE_CODE ? readString(cursor, length) : null;
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
    offset: start,
  };
}

interface Cursor {
  pos: number;
  end: number;
  packet: Buffer;
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

function takeVarint(cursor: Cursor, length: number): number {
  if (cursor.pos >= cursor.end) throw new PacketError('Number extends past end of packet', length);
  const size = [1, 2, 3, 4][cursor.packet[cursor.pos] >> 6];
  if (cursor.pos + size > cursor.end) throw new PacketError('Number extends past end of packet', length);
  const { value } = readVarint(cursor.packet, cursor.pos);
  cursor.pos += size;
  return value;
}

function readString(cursor: Cursor, length: number): string {
  const at = cursor.pos;
  const size = takeVarint(cursor, length);
  const available = cursor.end - cursor.pos;
  if (size > available) {
    throw new PacketError(`UTF8 string at offset ${at} extends past end of packet: claimed ${size} bytes, ${available} available`, length);
  }
  const bytes = cursor.packet.subarray(cursor.pos, cursor.pos + size);
  if (bytes.includes(0)) throw new PacketError(`UTF8 string at offset ${at} contains NUL byte`, length);
  if (!isUtf8(bytes)) {
    const undecoded = truncatedTail(bytes);
    throw new PacketError(
      undecoded > 0
        ? `Invalid (partially decodable) string at offset ${at}, ${undecoded} undecoded bytes`
        : `UTF8 string at offset ${at} is not UTF8`,
      length,
    );
  }
  cursor.pos += size;
  return bytes.toString('utf8');
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
