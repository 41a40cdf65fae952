/**
 * Generators of hostile ingest inputs: a plausible file of each format built from hostile values (huge
 * numbers, out-of-range times, `__proto__` keys, NULs, lone surrogates, deep nesting, duplicate ids, very
 * long names), then damaged (truncated, bytes flipped, invalid UTF-8, BOMs, UTF-16) — plus hostile
 * options. Inputs never name the store's victim runs (see VICTIMS) except where a property says so.
 */
import fc from 'fast-check';
import { encodePacket, type PacketFields } from '../../../src/ingest/subunit/v2-writer.js';
import { STATUSES } from '../../../src/ingest/subunit/types.js';

export const FORMATS = ['bulk', 'kube-burner', 'csv', 'json', 'subunit', 'junit'] as const;
export type Format = (typeof FORMATS)[number];
export const TEST_FORMATS: readonly Format[] = ['subunit', 'junit'];

/** Runs the properties' stores hold before any hostile input: nothing may change them. */
export const VICTIMS = { bench: 'victim-bench-run', test: 'victim-test-run' } as const;

/** An input: the file's bytes and the CLI's options (camelCase; the daemon takes them as query parameters). */
export interface HostileInput {
  format: Format;
  bytes: Buffer;
  options: Record<string, string | string[] | true>;
}

const LONG = 'x'.repeat(70_000);

export const hostileString = fc.oneof(
  fc.constantFrom('', ' ', '\t\n', '\u0000', 'a\u0000b', '\ud800', '\udfff\ud800', '\ufeff', '\u202e', '__proto__', 'constructor',
    'prototype', 'toString', 'hasOwnProperty', '../../../etc/passwd', '%s%n%x', '${7*7}', '{{ 7*7 }}', "'; drop table runs; --", 'NaN',
    'null', 'ÿ', '🐛'.repeat(100), 'k'.repeat(300), LONG),
  fc.string({ unit: 'binary', maxLength: 12 }),
);

/** JSON number literals JavaScript cannot hold exactly, or dates cannot. */
export const hostileNumber = fc.constantFrom('1e400', '-1e400', '99999999999999999', '-99999999999999999', '1e300', '-1e300',
  '1.7976931348623157e308', '4.9e-324', '1e-400', '-0', '0', '123456789012345678901234567890', '8640000000000001', '1');

/** Deep nesting that recursive parsers and serialisers overflow on. */
export const deepJson = fc
  .tuple(fc.constantFrom(64, 3000, 100_000), fc.boolean())
  .map(([depth, arrays]) => (arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)));

export const hostileJsonValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileNumber },
  { weight: 3, arbitrary: hostileString.map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: fc.constantFrom('{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '[]', '{}', 'true', 'null', '[1,"a",null]') },
);

export const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '', ' ', 'a.b', 'a..b', '.', '\u0000', 'k'.repeat(300), 'platform', 'ocpVersion', 'uuid'),
  fc.string({ maxLength: 6 }),
);

const timeValue = fc.oneof(
  fc.constantFrom('"2026-01-01T00:00:00Z"', '1767225600', '1767225600000', '"2026-01-01"'),
  hostileNumber,
  fc.constantFrom('"+275760-09-13T00:00:00.001Z"', '"-271821-04-20T00:00:00Z"', '"9999-99-99T99:99:99Z"', '""', 'null', '"now"', '[]'),
);

/** Run ids: a small pool, so duplicates within one input are frequent. */
const runId = fc.constantFrom('fz-1', 'fz-2', 'fz-3', 'fz-1', '', ' ', '__proto__', 'constructor', '\u0000', 'k'.repeat(300), 'fz/../../x');

const jsonObject = (entries: fc.Arbitrary<[string, string][]>) =>
  entries.map((pairs) => '{' + pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',') + '}');

const smallObject = jsonObject(fc.array(fc.tuple(hostileKey, hostileJsonValue), { maxLength: 4 }));

// --- formats ---

const jsonRun = fc
  .record({ uuid: runId, timestamp: timeValue, metadata: smallObject, metrics: jsonObject(fc.array(fc.tuple(hostileKey, hostileNumber), { maxLength: 3 })), documents: fc.array(smallObject, { maxLength: 2 }), extra: fc.option(fc.tuple(hostileKey, hostileJsonValue)) })
  .map((r) => {
    const fields = [`"uuid":${JSON.stringify(r.uuid)}`, `"timestamp":${r.timestamp}`, `"metadata":${r.metadata}`, `"metrics":${r.metrics}`, `"documents":[${r.documents.join(',')}]`];
    if (r.extra) fields.push(`${JSON.stringify(r.extra[0])}:${r.extra[1]}`);
    return '{' + fields.join(',') + '}';
  });

const jsonFile = fc.tuple(fc.array(jsonRun, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([runs, ndjson]) => (ndjson ? runs.join('\n') + '\n' : '[' + runs.join(',\n') + ']'));

const bulkFile = fc
  .array(
    fc.oneof(
      fc.record({ uuid: runId, time: timeValue, meta: smallObject }).map((r) => `{"index":{"_index":"perf_scale_ci","_id":${JSON.stringify(r.uuid)}}}\n{"uuid":${JSON.stringify(r.uuid)},"timestamp":${r.time},"meta":${r.meta}}`),
      fc.record({ uuid: runId, time: timeValue, value: hostileJsonValue }).map((r) => `{"index":{"_index":"ripsaw-kube-burner"}}\n{"uuid":${JSON.stringify(r.uuid)},"metricName":"podLatency","timestamp":${r.time},"value":${r.value}}`),
      fc.constantFrom('{"delete":{"_index":"x","_id":"1"}}', '{}', '{"index":null}\n{}', '{"index":{"_index":"perf_scale_ci"}}', 'not json'),
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((lines) => lines.join('\n') + '\n');

const kubeBurnerFile = fc
  .record({ uuid: runId, time: timeValue, meta: smallObject, docs: fc.array(fc.record({ time: timeValue, value: hostileJsonValue, name: hostileString }), { maxLength: 3 }) })
  .map((r) => {
    const summary = `{"timestamp":${r.time},"uuid":${JSON.stringify(r.uuid)},"metricName":"jobSummary","jobName":"fuzz","metadata":${r.meta}}`;
    const docs = r.docs.map((d) => `{"uuid":${JSON.stringify(r.uuid)},"metricName":${JSON.stringify(d.name)},"timestamp":${d.time},"P99":${d.value}}`);
    return '[' + [summary, ...docs].join(',\n') + ']';
  });

const csvCell = fc.oneof(
  fc.constantFrom('2026-01-01', '1767225600', '99999999999999999', '1e400', '1e300', '-1', '', 'NaN', 'abc', '"q,uoted"', '"unclosed', '"a""b"', '\u0000', LONG.slice(0, 5000)),
  fc.string({ maxLength: 5 }).filter((s) => !/[,\n\r"]/.test(s)),
);
const csvHeader = fc.constantFrom('time', 'cpu', 'mem', 'uuid', '__proto__', 'constructor', '', 'cpu', 'a"b', 'k'.repeat(300), '\u0000', 'toString');

const csvFile = fc
  .tuple(fc.array(csvHeader, { minLength: 1, maxLength: 5 }), fc.array(fc.array(csvCell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([header, rows, timeFirst]) => [(timeFirst ? ['time', ...header] : header).join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');

const subunitV2File = fc
  .array(
    fc.record({
      testId: fc.option(hostileString, { nil: null }),
      status: fc.constantFrom(...STATUSES),
      timestampUs: fc.option(fc.constantFrom(0, 1_767_225_600_000_000, 253_402_300_799_999_000, 2 ** 53 - 1, 8.64e18, -1, 1.5), { nil: null }),
      tags: fc.option(fc.array(hostileString, { maxLength: 2 }), { nil: null }),
      fileName: fc.option(hostileString, { nil: null }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((packets) =>
    Buffer.concat(
      packets.map((p) => {
        const fields: PacketFields = { ...p, fileBytes: p.fileName === null ? null : Buffer.from('attachment'), mimeType: p.fileName === null ? null : 'text/plain' };
        try {
          return encodePacket(fields);
        } catch {
          // A value the writer refuses to encode: the reader must still meet it, so write it as a name.
          return encodePacket({ testId: String(p.timestampUs), status: p.status });
        }
      }),
    ),
  );

const subunitV1File = fc
  .array(
    fc.oneof(
      fc.tuple(fc.constantFrom('test', 'success', 'failure', 'error', 'skip', 'xfail', 'uxsuccess', 'testing'), hostileString).map(([k, n]) => `${k}: ${n}`),
      fc.constantFrom('time: 2026-01-01 00:00:00.000000Z', 'time: 99999-99-99 99:99:99Z', 'time: 1e400', 'tags: a -b __proto__', 'progress: +1', 'progress: push',
        'failure: t [', ']', 'failure: t [ multipart', '0\r\n', 'success: t [', 'test:', 'x'.repeat(5000)),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((lines) => Buffer.from(lines.join('\n') + '\n'));

const xmlAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const junitFile = fc
  .record({
    prolog: fc.constantFrom('', '<?xml version="1.0" encoding="UTF-8"?>\n', '<?xml version="1.0" encoding="UTF-16"?>\n',
      '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n',
      '<!DOCTYPE x SYSTEM "file:///etc/passwd">\n'),
    suiteTime: fc.constantFrom('2026-01-01T00:00:00', '99999-01-01T00:00:00', '', '1e400', 'now'),
    nesting: fc.constantFrom(1, 2, 5000),
    cases: fc.array(
      fc.record({
        name: hostileString,
        time: fc.constantFrom('1.5', '1e300', '-1', 'NaN', '', '99999999999999999', '1e400', 'abc', 'Infinity'),
        body: fc.constantFrom('', '<failure message="x">&#x110000;</failure>', '<skipped/>', '<error>&#0;</error>', '<system-out>&#xD800;&bogus;</system-out>',
          '<failure>&#99999999999;</failure>', '<system-out><![CDATA[x]]]]><![CDATA[>]]></system-out>', '<system-out>&d;</system-out>', '<unclosed>'),
      }),
      { minLength: 0, maxLength: 4 },
    ),
  })
  .map((j) => {
    const cases = j.cases.map((c) => `<testcase classname="fz" name="${xmlAttr(c.name)}" time="${c.time}">${c.body}</testcase>`).join('\n');
    const open = `<testsuite name="s" timestamp="${j.suiteTime}">`.repeat(j.nesting);
    return Buffer.from(`${j.prolog}<testsuites>${open}\n${cases}\n${'</testsuite>'.repeat(j.nesting)}</testsuites>\n`);
  });

const text = (a: fc.Arbitrary<string>) => a.map((s) => Buffer.from(s, 'utf8'));

export const fileOf: Record<Format, fc.Arbitrary<Buffer>> = {
  json: text(jsonFile),
  bulk: text(bulkFile),
  'kube-burner': text(kubeBurnerFile),
  csv: text(csvFile),
  subunit: fc.oneof(subunitV2File, subunitV1File),
  junit: junitFile,
};

// --- damage ---

const BAD_BYTES = [[0x00], [0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xef, 0xbb, 0xbf], [0xfe, 0xff], [0x0d], [0x0a], [0xc0, 0xaf], [0xb3]];

export type Damage =
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'bom' }
  | { kind: 'utf16' }
  | { kind: 'crlf' };

export const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.constantFrom(...BAD_BYTES) }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.constant({ kind: 'bom' as const }),
  fc.constant({ kind: 'utf16' as const }),
  fc.constant({ kind: 'crlf' as const }),
);

export function applyDamage(bytes: Buffer, d: Damage): Buffer {
  const at = 'at' in d ? Math.floor(d.at * bytes.length) : 0;
  switch (d.kind) {
    case 'truncate':
      return bytes.subarray(0, at);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(d.bytes), bytes.subarray(at)]);
    case 'flip': {
      const out = Buffer.from(bytes);
      if (out.length) out[Math.min(at, out.length - 1)] ^= 1 << d.bit;
      return out;
    }
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]);
    case 'utf16':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(bytes.toString('utf8'), 'utf16le')]);
    case 'crlf':
      return Buffer.from(bytes.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
  }
}

// --- options ---

const runMeta = fc.constantFrom('k=v', '__proto__=x', 'constructor=y', '=v', 'novalue', `k=${'v'.repeat(600)}`, 'a.b=c', 'k:v');

/** attr-regex values that are bad but run in linear time on any engine (catastrophic ones: see CATASTROPHIC_REGEXES). */
const safeAttrRegex = fc.constantFrom('\\[(.*)\\]', '(', '', '[', '\\', '(?<x>a)', '(a)(b)(c)', '.*', '^$', '(?=a)', '\\1', 'a{99999999}');

export const CATASTROPHIC_REGEXES = ['(a+)+$', '(a|a)*$', '(a|aa)+$', '(.*a){20}$', '([a-z]+)*[0-9]$'];

const optionsOf: Record<Format, fc.Arbitrary<HostileInput['options']>> = {
  json: fc.record({ runMeta: fc.array(runMeta, { maxLength: 2 }), versionField: hostileKey }, { requiredKeys: [] }),
  bulk: fc.record({ runMeta: fc.array(runMeta, { maxLength: 2 }), uuidField: fc.array(hostileKey, { maxLength: 2 }), timestampField: hostileKey }, { requiredKeys: [] }),
  'kube-burner': fc.record({ runMeta: fc.array(runMeta, { maxLength: 2 }), collection: hostileString }, { requiredKeys: [] }),
  csv: fc.record(
    { delimiter: fc.constantFrom(',', ';', '\t', '', 'ab', '"', '\n'), timeColumn: fc.constantFrom('time', '', '__proto__', 'cpu'), uuidColumn: fc.constantFrom('uuid', '__proto__', 'cpu', ''), metric: fc.array(csvHeader, { maxLength: 2 }), attribute: fc.array(csvHeader, { maxLength: 2 }) },
    { requiredKeys: [] },
  ),
  subunit: fc.record(
    { runId: fc.constantFrom('fz-test', '', '__proto__', 'k'.repeat(300)), attrRegex: safeAttrRegex, lenient: fc.constant(true as const), subunitVersion: fc.constantFrom('auto', '1', '2', '3', ''), runAt: fc.constantFrom('2026-01-01', '99999-01-01', '', 'yesterday'), storeAttachments: fc.constant(true as const) },
    { requiredKeys: [] },
  ),
  junit: fc.record(
    { runId: fc.constantFrom('fz-test', '', '__proto__', 'k'.repeat(300)), attrRegex: safeAttrRegex, lenient: fc.constant(true as const), runAt: fc.constantFrom('2026-01-01', '99999-01-01', '', 'yesterday'), storeAttachments: fc.constant(true as const) },
    { requiredKeys: [] },
  ),
};

/** Drops empty repeatable lists (an empty list is no option at all). */
function clean(options: HostileInput['options']): HostileInput['options'] {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => !(Array.isArray(v) && v.length === 0)));
}

export function hostileInput(format: Format): fc.Arbitrary<HostileInput> {
  return fc
    .record({ file: fileOf[format], damages: fc.array(damage, { maxLength: 2 }), options: optionsOf[format] })
    .map(({ file, damages, options }) => ({ format, bytes: damages.reduce(applyDamage, file), options: clean(options) }));
}

export const anyHostileInput: fc.Arbitrary<HostileInput> = fc.constantFrom(...FORMATS).chain(hostileInput);

// --- how the CLI and the daemon take the options ---

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

export function cliFlags(options: HostileInput['options']): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(options)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === true) out.push(`--${kebab(name)}`);
      else out.push(`--${kebab(name)}=${v}`);
    }
  }
  return out;
}

export function queryString(options: HostileInput['options']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(options)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(kebab(name), v === true ? 'true' : v);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** How a failing input reads in a report: format, options and the bytes (shortened). */
export function describeInput(input: HostileInput): string {
  const shown = input.bytes.length > 300 ? input.bytes.subarray(0, 300).toString('latin1') + `…(${input.bytes.length} bytes)` : input.bytes.toString('latin1');
  return `${input.format} ${JSON.stringify(input.options)} ${JSON.stringify(shown)}`;
}
