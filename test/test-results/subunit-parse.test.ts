import { describe, expect, it } from 'vitest';
import { readSubunitEvents, readSubunitTests } from '../../src/ingest/subunit/read.js';
import type { SubunitEvent, TestRecord } from '../../src/ingest/subunit/types.js';
import { UserError } from '../../src/util/errors.js';
import { chunked, collect, fixtureBytes, isoUs, readJsonl, sha256 } from './support.js';

/** Golden data: packet events and StreamToDict records produced by the reference Python tools. */
interface ExpectedEvent {
  test_id: string | null;
  test_status: string | null;
  tags: string[] | null;
  runnable: boolean;
  eof: boolean;
  mime_type: string | null;
  route_code: string | null;
  timestamp: string | null;
  file_name: string | null;
  file_len?: number;
  file_sha256?: string;
}
interface ExpectedTest {
  test_id: string;
  route_code: string | null;
  status: string;
  tags: string[];
  start_time: string | null;
  stop_time: string | null;
  details: Record<string, { mime_type: string; bytes: number }>;
}

const V2_STREAMS = [
  'real_subunit_selftest',
  'real_testtools_suite',
  'stestr_demo_live',
  'stestr_demo_last',
  'mixed_raw_stdout',
  'enumeration_only',
  'generated_1200_parallel',
  'generated_200_seed1',
  'generated_200_seed2',
  'generated_200_seed3',
  'generated_200_seed4',
  'generated_200_seed5',
  'generated_200_allpass_seed1',
  'generated_200_allpass_seed2',
  'generated_200_allpass_seed3',
  'v1_stestr_demo_back_to_v2',
  'tap2subunit_checks',
  'corrupt_truncated',
  'corrupt_bitflip',
  'corrupt_badlength',
];
const DAMAGED = new Set(['corrupt_truncated', 'corrupt_bitflip', 'corrupt_badlength']);
const V1_STREAMS = ['v1_stestr_demo', 'v1_real_subunit_selftest'];

function eventView(e: SubunitEvent): ExpectedEvent {
  const view: ExpectedEvent = {
    test_id: e.testId,
    test_status: e.status,
    tags: e.tags === null ? null : [...e.tags].sort(),
    runnable: e.runnable,
    eof: e.eof,
    mime_type: e.mimeType,
    route_code: e.routeCode,
    timestamp: isoUs(e.timestampUs),
    file_name: e.fileName,
  };
  if (e.fileBytes !== null) {
    view.file_len = e.fileBytes.length;
    view.file_sha256 = sha256(e.fileBytes);
  }
  return view;
}

function expectedEventView(e: ExpectedEvent & { seq?: number }): ExpectedEvent {
  const { seq: _seq, ...rest } = e;
  return { ...rest, tags: rest.tags === null ? null : [...rest.tags].sort() };
}

function testView(t: TestRecord): ExpectedTest {
  const details: ExpectedTest['details'] = {};
  for (const [name, d] of t.details) details[name] = { mime_type: d.mimeType, bytes: d.length };
  return {
    test_id: t.testId,
    route_code: t.routeCode,
    status: t.status,
    tags: [...t.tags].sort(),
    start_time: isoUs(t.startUs),
    stop_time: isoUs(t.stopUs),
    details,
  };
}

function expectedTestView(t: ExpectedTest & { duration?: unknown }): ExpectedTest {
  return {
    test_id: t.test_id,
    route_code: t.route_code,
    status: t.status,
    tags: [...t.tags].sort(),
    start_time: t.start_time,
    stop_time: t.stop_time,
    details: t.details,
  };
}

const streamFile = (name: string, ext = 'subunit') => `streams/${name}.${ext}.gz`;

describe('subunit v2 streams parse like the reference parser', () => {
  for (const name of V2_STREAMS) {
    const lenient = DAMAGED.has(name);
    it(`${name}: packet events`, async () => {
      const bytes = fixtureBytes(streamFile(name));
      const events = await collect(readSubunitEvents(chunked(bytes, 4093), { nonSubunitName: 'stdout', lenient }));
      const expected = readJsonl<ExpectedEvent>(`expected/${name}.events.jsonl.gz`).map(expectedEventView);
      expect(events.map(eventView)).toEqual(expected);
    });
    it(`${name}: per-test records`, async () => {
      const bytes = fixtureBytes(streamFile(name));
      const tests = await collect(readSubunitTests(chunked(bytes, 65536), { nonSubunitName: 'stdout', lenient }));
      const expected = readJsonl<ExpectedTest>(`expected/${name}.tests.jsonl.gz`).map(expectedTestView);
      expect(tests.map(testView)).toEqual(expected);
    });
  }
});

describe('subunit v1 streams group like subunit-1to2 + StreamToDict', () => {
  for (const name of V1_STREAMS) {
    it(name, async () => {
      const bytes = fixtureBytes(streamFile(name, 'subunit_v1'));
      const tests = await collect(readSubunitTests(chunked(bytes, 1000), {}));
      const expected = readJsonl<ExpectedTest>(`expected/${name}.via_1to2.tests.jsonl.gz`).map(expectedTestView);
      expect(tests.map(testView)).toEqual(expected);
    });
  }
});

describe('damaged input', () => {
  // Packet offsets checked with `cmp` against stestr_demo_live.subunit (the damage was applied to it);
  // the reference report's offsets (@105113, @483) belong to an earlier recording of that stream.
  const cases: [string, number, RegExp][] = [
    ['corrupt_truncated', 936, /Short read - got 5100 bytes, wanted 102520 bytes/],
    ['corrupt_bitflip', 103592, /Bad checksum/],
    ['corrupt_badlength', 516, /Bad checksum/],
  ];
  for (const [name, offset, message] of cases) {
    it(`${name} fails by default with the byte offset`, async () => {
      const bytes = fixtureBytes(streamFile(name));
      const err = await collect(readSubunitTests(chunked(bytes, 777), { nonSubunitName: 'stdout', file: name })).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).place.offset).toBe(offset);
      expect((err as UserError).message).toMatch(message);
    });
  }
  it('non-subunit bytes are an error without a name for them', async () => {
    const bytes = fixtureBytes(streamFile('mixed_raw_stdout'));
    await expect(collect(readSubunitEvents([bytes]))).rejects.toThrow(/non-subunit content/);
  });
  it('lenient mode reports each damaged packet', async () => {
    const bytes = fixtureBytes(streamFile('corrupt_bitflip'));
    const damage: number[] = [];
    await collect(readSubunitTests([bytes], { lenient: true, onDamage: (d) => damage.push(d.offset) }));
    expect(damage).toEqual([103592]);
  });
});
