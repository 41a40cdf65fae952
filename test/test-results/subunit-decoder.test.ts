import { describe, expect, it } from 'vitest';
import { TestGrouper } from '../../src/ingest/subunit/records.js';
import type { SubunitEvent, TestRecord } from '../../src/ingest/subunit/types.js';
import { V2Decoder } from '../../src/ingest/subunit/v2-decoder.js';
import { encodePacket, type PacketFields } from '../../src/ingest/subunit/v2-writer.js';
import { fixtureBytes } from './support.js';

/**
 * The synchronous decoder and grouper under the stream readers: packets cut anywhere (down to one byte
 * per chunk) decode to the same events as the whole buffer, with the same offsets, damage included; the
 * string cache never hands out another id's string; the grouper keeps (test id, route code) apart.
 */
function decode(chunks: Uint8Array[], options: ConstructorParameters<typeof V2Decoder>[0] = {}): SubunitEvent[] {
  const decoder = new V2Decoder(options);
  const events: SubunitEvent[] = [];
  for (const chunk of chunks) decoder.push(chunk, events);
  decoder.end(events);
  return events;
}

const bytewise = (bytes: Buffer) => Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));

describe('V2Decoder', () => {
  for (const name of ['stestr_demo_live', 'mixed_raw_stdout', 'corrupt_truncated', 'corrupt_badlength']) {
    it(`${name}: one byte per chunk gives the events of the whole buffer`, () => {
      const bytes = fixtureBytes(`streams/${name}.subunit.gz`);
      const options = { lenient: true, nonSubunitName: 'stdout' };
      const whole = decode([bytes], options);
      expect(whole.length).toBeGreaterThan(0);
      expect(decode(bytewise(bytes), options)).toEqual(whole);
    });
  }

  it('strict mode names the offset of a packet cut by the end of the stream, however it was chunked', () => {
    const packet = encodePacket({ testId: 'a.b', status: 'success', timestampUs: 1_000_000 });
    const stream = Buffer.concat([packet, packet.subarray(0, packet.length - 3)]);
    for (const chunks of [[stream], bytewise(stream)]) {
      expect(() => decode(chunks)).toThrow(new RegExp(`byte offset ${packet.length}\\b`));
    }
  });

  it('the string cache returns each id for its own bytes only', () => {
    // Ids that differ in one late byte and share lengths, interleaved so cache slots are reused.
    const ids = Array.from({ length: 3000 }, (_, i) => `pkg.module.TestCase.test_${String(i).padStart(5, '0')}`);
    const fields: PacketFields[] = ids.flatMap((id, i) => [
      { testId: id, status: 'inprogress', tags: [`worker-${i % 3}`], routeCode: String(i % 3) },
      { testId: ids[(i * 7919) % ids.length], status: 'success', tags: ['worker-x'] },
    ]);
    const events = decode([Buffer.concat(fields.map(encodePacket))]);
    expect(events.map((e) => [e.testId, e.routeCode, e.tags])).toEqual(fields.map((f) => [f.testId, f.routeCode ?? null, f.tags]));
  });
});

describe('TestGrouper', () => {
  const event = (testId: string, routeCode: string | null, status: SubunitEvent['status'], timestampUs: number): SubunitEvent => ({
    testId,
    status,
    tags: null,
    runnable: true,
    eof: false,
    mimeType: null,
    routeCode,
    timestampUs,
    fileName: null,
    fileBytes: null,
    offset: 0,
  });

  it('keeps one test id under two route codes apart; open records end newest first', () => {
    const grouper = new TestGrouper();
    const out: TestRecord[] = [];
    grouper.push(
      [
        event('t', '0', 'inprogress', 1),
        event('t', '1', 'inprogress', 2),
        event('u', null, 'inprogress', 3),
        event('t', '1', 'success', 4),
        event('v', null, 'inprogress', 5),
        event('t', '0', 'fail', 6),
        event('t', '1', 'inprogress', 7),
      ],
      out,
    );
    expect(out.map((r) => [r.testId, r.routeCode, r.status, r.startUs, r.stopUs])).toEqual([
      ['t', '1', 'success', 2, 4],
      ['t', '0', 'fail', 1, 6],
    ]);
    const rest: TestRecord[] = [];
    grouper.end(rest);
    expect(rest.map((r) => [r.testId, r.routeCode, r.status, r.startUs, r.stopUs])).toEqual([
      ['t', '1', 'inprogress', 7, null],
      ['v', null, 'inprogress', 5, null],
      ['u', null, 'inprogress', 3, null],
    ]);
  });
});
