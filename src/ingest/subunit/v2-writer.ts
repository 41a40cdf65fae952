import { crc32 } from './crc32.js';
import { FLAG, MAX_PACKET, SIGNATURE } from './v2-reader.js';
import { STATUSES, type TestStatus } from './types.js';

/**
 * Subunit v2 writer (the reference `StreamResultToBytes._write_packet`): one event → one packet, fields in
 * wire order, shortest varints, CRC-32 last. Used by `perfhound export subunit` and the benchmark.
 */
export interface PacketFields {
  testId?: string | null;
  status?: TestStatus | null;
  tags?: readonly string[] | null;
  runnable?: boolean;
  eof?: boolean;
  mimeType?: string | null;
  routeCode?: string | null;
  timestampUs?: number | null;
  fileName?: string | null;
  fileBytes?: Uint8Array | null;
}

export function encodeVarint(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value >= 0x40000000) throw new RangeError(`varint out of range: ${value}`);
  if (value < 0x40) return Buffer.from([value]);
  if (value < 0x4000) return Buffer.from([0x40 | (value >> 8), value & 0xff]);
  if (value < 0x400000) return Buffer.from([0x80 | (value >> 16), (value >> 8) & 0xff, value & 0xff]);
  return Buffer.from([0xc0 | (value >>> 24), (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff]);
}

function encodeString(text: string): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  return [encodeVarint(bytes.length), bytes];
}

export function encodePacket(fields: PacketFields): Buffer {
  let flags = 0x2000 | STATUSES.indexOf(fields.status ?? null);
  const body: Buffer[] = [];
  if (fields.timestampUs !== undefined && fields.timestampUs !== null) {
    flags |= FLAG.TIMESTAMP;
    const seconds = Math.floor(fields.timestampUs / 1e6);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(seconds);
    body.push(head, encodeVarint((fields.timestampUs - seconds * 1e6) * 1000));
  }
  if (fields.testId !== undefined && fields.testId !== null) {
    flags |= FLAG.TEST_ID;
    body.push(...encodeString(fields.testId));
  }
  if (fields.tags !== undefined && fields.tags !== null) {
    flags |= FLAG.TAGS;
    body.push(encodeVarint(fields.tags.length));
    for (const tag of fields.tags) body.push(...encodeString(tag));
  }
  if (fields.mimeType !== undefined && fields.mimeType !== null) {
    flags |= FLAG.MIME_TYPE;
    body.push(...encodeString(fields.mimeType));
  }
  if (fields.fileName !== undefined && fields.fileName !== null) {
    flags |= FLAG.FILE_CONTENT;
    const content = fields.fileBytes ?? Buffer.alloc(0);
    body.push(...encodeString(fields.fileName), encodeVarint(content.length), Buffer.from(content));
  }
  if (fields.routeCode !== undefined && fields.routeCode !== null) {
    flags |= FLAG.ROUTE_CODE;
    body.push(...encodeString(fields.routeCode));
  }
  if (fields.runnable ?? true) flags |= FLAG.RUNNABLE;
  if (fields.eof) flags |= FLAG.EOF;
  const bodyLength = body.reduce((n, b) => n + b.length, 0);
  // The length counts itself: the smallest varint size whose total still fits it (63+1 bytes → 65).
  const fixed = 1 + 2 + bodyLength + 4;
  let length = fixed + 1;
  for (let size = 1; size <= 3; size++) {
    length = fixed + size;
    if (encodeVarint(length).length === size) break;
  }
  if (length > MAX_PACKET) throw new RangeError(`packet too long (${length} bytes); split the attachment`);
  const header = Buffer.alloc(3);
  header[0] = SIGNATURE;
  header.writeUInt16BE(flags, 1);
  const packet = Buffer.concat([header, encodeVarint(length), ...body, Buffer.alloc(4)]);
  packet.writeUInt32BE(crc32(packet, 0, packet.length - 4), packet.length - 4);
  return packet;
}
