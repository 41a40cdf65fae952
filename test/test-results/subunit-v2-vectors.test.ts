import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/ingest/subunit/crc32.js';
import { normaliseMime } from '../../src/ingest/subunit/mime.js';
import { readSubunitEvents } from '../../src/ingest/subunit/read.js';
import { readV2Events, readVarint } from '../../src/ingest/subunit/v2-reader.js';
import { encodePacket, encodeVarint } from '../../src/ingest/subunit/v2-writer.js';
import { UserError } from '../../src/util/errors.js';
import { collect } from './support.js';

/** Test vectors of the reference implementation (python/tests/test_test_protocol2.py, reference §3.3/3.7). */
const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');

describe('variable-length numbers', () => {
  const vectors: [number, string][] = [
    [0, '00'],
    [63, '3f'],
    [64, '4040'],
    [16383, '7fff'],
    [16384, '804000'],
    [4194303, 'bfffff'],
    [4194304, 'c0400000'],
    [1073741823, 'ffffffff'],
  ];
  for (const [value, bytes] of vectors) {
    it(`${value} ↔ ${bytes}`, () => {
      expect(encodeVarint(value).toString('hex')).toBe(bytes);
      expect(readVarint(hex(bytes), 0)).toEqual({ value, size: bytes.length / 2 });
    });
  }
  it('rejects negative and ≥ 2^30', () => {
    expect(() => encodeVarint(-1)).toThrow(RangeError);
    expect(() => encodeVarint(2 ** 30)).toThrow(RangeError);
  });
});

describe('CRC-32', () => {
  it('matches the zlib check value', () => expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926));
});

describe('reference packets', () => {
  const packets: [string, string, Record<string, unknown>][] = [
    ['CONSTANT_ENUM', 'b3 29 01 0c 03 66 6f 6f 08 55 5f 1b', { testId: 'foo', status: 'exists' }],
    ['CONSTANT_EOF', 'b3 21 10 08 53 15 88 dc', { eof: true, runnable: true }],
    ['CONSTANT_FILE_CONTENT', 'b3 21 40 13 06 62 61 72 6e 65 79 03 77 6f 6f 41 35 e3 8c', { fileName: 'barney', fileBytes: Buffer.from('woo') }],
    ['CONSTANT_MIME', 'b3 21 20 23 1a ' + Buffer.from('application/foo; charset=1').toString('hex') + ' 78 33 51 15', { mimeType: 'application/foo; charset=1' }],
    ['CONSTANT_TIMESTAMP', 'b3 2b 03 13 3c 17 54 cf 80 af c8 03 62 61 72 49 96 3e 2d', { testId: 'bar', status: 'success', timestampUs: 1008161999_000045 }],
    ['CONSTANT_ROUTE_CODE', 'b3 2d 03 13 03 62 61 72 06 73 6f 75 72 63 65 9c 59 39 19', { testId: 'bar', routeCode: 'source', status: 'success' }],
    ['CONSTANT_RUNNABLE', 'b3 28 03 0c 03 66 6f 6f e3 ea f5 a4', { testId: 'foo', runnable: false, status: 'success' }],
    ['CONSTANT_TAGS', 'b3 29 80 15 03 62 61 72 02 03 66 6f 6f 03 62 61 72 54 48 6e b4', { testId: 'bar', tags: ['foo', 'bar'] }],
  ];
  for (const [name, bytes, fields] of packets) {
    it(`${name} decodes and re-encodes byte for byte`, async () => {
      const [event] = await collect(readV2Events([hex(bytes)]));
      expect(event).toMatchObject(fields);
      expect(encodePacket(event).toString('hex')).toBe(hex(bytes).toString('hex'));
    });
  }
  it('packet lengths that count themselves (63+1 → 65, 16383+1 → 16385)', () => {
    for (const target of [63, 65, 16383, 16385]) {
      const sizes = [];
      for (let n = 0; n < 20; n++) sizes.push(encodePacket({ fileName: 'f', fileBytes: Buffer.alloc(target - 15 + n) }).length);
      expect(sizes).not.toContain(64);
      expect(sizes).not.toContain(16384);
    }
  });
});

describe('damage inside packets', () => {
  const packet = (body: string) => {
    // A test-id packet with an arbitrary string body and a correct CRC.
    const content = hex(body);
    const out = Buffer.concat([hex('b3 29 01'), Buffer.from([4 + content.length + 4]), content, Buffer.alloc(4)]);
    out.writeUInt32BE(crc32(out, 0, out.length - 4), out.length - 4);
    return out;
  };
  const cases: [string, Buffer, RegExp][] = [
    ['bad CRC', hex('b3 29 01 0c 03 66 6f 6f 08 55 5f 1c'), /Bad checksum - calculated \(0x8555f1b\), stored \(0x8555f1c\)/],
    ['4-byte length', hex('b3 29 01 c0 00 00 0c 03 66 6f 6f'), /3 byte maximum given but 4 byte value found/],
    ['NUL in a string', packet('03 66 00 6f'), /contains NUL byte/],
    ['not UTF-8', packet('03 66 ff 6f'), /is not UTF8/],
    ['partial UTF-8', packet('03 66 6f e3'), /partially decodable/],
    ['string past the end', packet('09 66 6f 6f'), /extends past end of packet/],
    ['short read', hex('b3 29 01 0c 03 66'), /Short read - got 0 bytes, wanted 6 bytes/],
  ];
  for (const [name, bytes, message] of cases) {
    it(`${name}: strict error with offset, lenient subunit.parser failure`, async () => {
      const stream = Buffer.concat([encodePacket({ testId: 'ok', status: 'success' }), bytes]);
      const err = await collect(readV2Events([stream])).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).place.offset).toBe(stream.length - bytes.length);
      expect((err as Error).message).toMatch(message);
      const events = await collect(readV2Events([stream], { lenient: true }));
      expect(events[0]).toMatchObject({ testId: 'ok', status: 'success' });
      const failure = events.find((e) => e.fileName === 'Parser Error');
      expect(failure).toMatchObject({ testId: 'subunit.parser', status: 'fail' });
      expect(Buffer.from(failure?.fileBytes ?? []).toString()).toMatch(message);
    });
  }
  it('a 0xB3 inside a UTF-8 character is text, not a packet', async () => {
    const stream = Buffer.concat([hex('e3 b3 8a 0a'), encodePacket({ testId: 'x', status: 'fail' })]);
    const events = await collect(readV2Events([stream], { nonSubunitName: 'stdout' }));
    expect(events.map((e) => [e.fileName, e.testId])).toEqual([
      ['stdout', null],
      [null, 'x'],
    ]);
    expect(Buffer.from(events[0].fileBytes ?? []).toString('hex')).toBe('e3b38a0a');
  });
});

describe('MIME normalisation (testtools ContentType repr)', () => {
  it.each([
    ['text/plain;charset=utf8', 'text/plain; charset="utf8"'],
    ['text/x-traceback;charset=utf8,language=python', 'text/x-traceback; charset="utf8"'],
    ['text/x-traceback; charset="utf8"; language="python"', 'text/x-traceback; charset="utf8"; language="python"'],
    [null, 'application/octet-stream'],
  ])('%s → %s', (input, output) => expect(normaliseMime(input)).toBe(output));
});

describe('v1 details and damage', () => {
  const v1 = (text: string) => [Buffer.from(text)];
  it('multipart details, tags and time', async () => {
    const stream = v1(
      'time: 2020-01-01 00:00:00Z\ntags: a\ntest: t1\ntags: b -a\ntime: 2020-01-01 00:00:01.5Z\nfailure: t1 [ multipart\nContent-Type: text/plain\nlog\n3\r\nabc2\r\nde0\r\n]\n',
    );
    const events = await collect(readSubunitEvents(stream));
    const final = events.at(-1);
    expect(final).toMatchObject({ testId: 't1', status: 'fail', tags: ['b'], timestampUs: 1577836801_500000 });
    const file = events.find((e) => e.fileName === 'log');
    expect(Buffer.from(file?.fileBytes ?? []).toString()).toBe('abcde');
  });
  it('a test cut off by EOF fails strictly with the line, and leniently as lost connection', async () => {
    const stream = v1('test: t1\nsome output\n');
    const err = await collect(readSubunitEvents(stream)).catch((e: unknown) => e);
    expect((err as UserError).place.line).toBe(2);
    const events = await collect(readSubunitEvents(stream, { lenient: true }));
    expect(events.at(-1)).toMatchObject({ testId: 't1', status: 'fail' });
  });
  it('a bad chunk length names its line', async () => {
    const err = await collect(readSubunitEvents(v1('test: t\nsuccess: t [ multipart\nContent-Type: text/plain\nx\nzz\r\n]\n'))).catch((e: unknown) => e);
    expect((err as UserError).place.line).toBe(5);
  });
});
