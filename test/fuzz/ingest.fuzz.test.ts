/**
 * Every ingest format, through the CLI and the daemon, on generated hostile inputs (see support/hostile.ts)
 * and on the hostile corpus (test/fixtures/hostile). Invariants: support/channels.ts. SQLite: fast.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { useDaemon } from '../server/support.js';
import { check } from './support/fuzz.js';
import { assertReadable, capturedLogger, ingestBothWays, workFolder, type Channels } from './support/channels.js';
import { FORMATS, hostileInput, TEST_FORMATS, VICTIMS, type Format } from './support/hostile.js';
import { Sweep } from './support/leaks.js';
import { storeState } from './support/store-state.js';

const CORPUS = join(import.meta.dirname, '../fixtures/hostile');

const log = capturedLogger();
const daemon = useDaemon('sqlite', { logger: log.logger, ingestLimit: 8 * 1024 * 1024 });
const ch: Channels = {
  daemon,
  sweep: new Sweep(),
  logLines: log.lines,
  work: workFolder('perfhound-fuzz-ingest-'),
  cliDb: () => `sqlite:${relative(process.cwd(), daemon.url.slice('sqlite:'.length))}`,
};

beforeAll(async () => {
  for (const token of Object.values(daemon.tokens)) ch.sweep.secret(token);
  // The victims: a benchmark run and a test run that no hostile input may change.
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(ch.work.abs, 'victim.json'), JSON.stringify([{ uuid: VICTIMS.bench, timestamp: '2026-01-01T00:00:00Z', metadata: { platform: 'AWS' }, metrics: { cpu: 1.5 } }]));
  writeFileSync(join(ch.work.abs, 'victim.subunit'), 'test: victim.a\nsuccess: victim.a\ntest: victim.b\nfailure: victim.b\n');
  expect((await runCli(['ingest', 'json', ch.work.rel('victim.json'), '--db', ch.cliDb()])).code).toBe(0);
  expect((await runCli(['ingest', 'subunit', ch.work.rel('victim.subunit'), '--run-id', VICTIMS.test, '--db', ch.cliDb()])).code).toBe(0);
  expect(Object.keys((await storeState(daemon.store)).runs).sort()).toEqual([VICTIMS.bench, VICTIMS.test]);
});

describe('ingest of hostile inputs, CLI and daemon', () => {
  for (const format of FORMATS) {
    it(`${format}: no crash, no 5xx, no leak, nothing changed by a refusal, the store stays readable`, async () => {
      await check(`ingest ${format}`, fc.asyncProperty(hostileInput(format), async (input) => void (await ingestBothWays(ch, input))), 10);
    });
  }

  it('an input with no records and --run-id of an existing run is refused, and a test ingest never rewrites a benchmark run (items 9, 12)', async () => {
    const empty = fc.constantFrom('', ' ', '\n\n', '\t \r\n', '\ufeff', '\u0000');
    const noRecords: Record<Format, fc.Arbitrary<string>> = {
      subunit: fc.oneof(empty, fc.constantFrom('tags: a\n', 'time: 2026-01-01 00:00:00Z\n')),
      junit: fc.oneof(empty, fc.constantFrom('<testsuites/>', '<testsuites></testsuites>', '<?xml version="1.0"?>\n<testsuite name="s"></testsuite>')),
    } as Record<Format, fc.Arbitrary<string>>;
    const someRecords: Record<Format, string> = { subunit: 'test: fz.a\nsuccess: fz.a\n', junit: '<testsuite name="s"><testcase classname="c" name="n" time="1"/></testsuite>' } as Record<Format, string>;
    const cases = fc.constantFrom(...TEST_FORMATS).chain((format) =>
      fc.oneof(
        // An input without records may not replace the run with nothing.
        fc.record({ format: fc.constant(format), text: noRecords[format], runId: fc.constantFrom(VICTIMS.test, VICTIMS.bench) }),
        // A test ingest may not rewrite a benchmark run (its metadata would be lost) without --replace.
        fc.record({ format: fc.constant(format), text: fc.constant(someRecords[format]), runId: fc.constant(VICTIMS.bench) }),
      ),
    );
    await check(
      'ingest victims',
      fc.asyncProperty(cases, async ({ format, text, runId }) => {
        const { cli, status } = await ingestBothWays(ch, { format, bytes: Buffer.from(text), options: { runId } });
        // ingestBothWays already failed if a victim changed; a silent success is a refusal missed.
        if (cli.code === 0 || status < 400) throw new Error(`${format} with --run-id ${runId} was accepted (exit ${cli.code}, HTTP ${status})`);
      }),
      8,
    );
  });

  it('two runs with one id in one input are refused (item 13)', async () => {
    const jsonDup = fc.tuple(fc.constantFrom('d-1', 'd-2'), fc.integer({ min: 0, max: 3 })).map(([id, extra]) => {
      const runs: Array<{ uuid: string; timestamp: string; metrics: Record<string, number> }> = [{ uuid: id, timestamp: '2026-02-01T00:00:00Z', metrics: { cpu: 1 } }, { uuid: id, timestamp: '2026-02-02T00:00:00Z', metrics: { cpu: 2 } }];
      for (let i = 0; i < extra; i++) runs.splice(1, 0, { uuid: `d-other-${i}`, timestamp: '2026-02-03T00:00:00Z', metrics: { cpu: 3 } });
      return { format: 'json' as Format, bytes: Buffer.from(JSON.stringify(runs)), options: {} };
    });
    const csvDup = fc.constantFrom('a', 'b').map((attr) => ({
      format: 'csv' as Format,
      // The same time and attributes: the same derived run id.
      bytes: Buffer.from(`time,commit,cpu\n2026-03-01,${attr},1\n2026-03-01,${attr},2\n`),
      options: {},
    }));
    const csvUuidDup = fc.constant({ format: 'csv' as Format, bytes: Buffer.from('time,uuid,cpu\n2026-03-01,u-1,1\n2026-03-02,u-1,2\n'), options: {} });
    await check(
      'ingest duplicate ids',
      fc.asyncProperty(fc.oneof(jsonDup, csvDup, csvUuidDup), async (input) => {
        const { cli, status } = await ingestBothWays(ch, input);
        if (cli.code === 0 || status < 400) throw new Error(`duplicate run ids accepted (exit ${cli.code}, HTTP ${status}): ${input.bytes.toString()}`);
      }),
      6,
    );
  });

  it('values are kept exactly or refused, never altered silently (item 15)', async () => {
    let n = 0;
    const literal = fc.constantFrom('1e400', '-1e400', '1e-400', '123456789012345678901234567890', '0.1', '1e300', '-0');
    const badText = fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf]);
    const jsonCase = fc.tuple(literal, badText).map(([lit, bad]) => {
      const uuid = `exact-${++n}`;
      const bytes = Buffer.concat([
        Buffer.from(`[{"uuid":"${uuid}","timestamp":"2026-04-01T00:00:00Z","metadata":{"note":"a`),
        Buffer.from(bad),
        Buffer.from(`b"},"documents":[{"v":${lit}}]}]`),
      ]);
      return { kind: 'json' as const, uuid, lit, input: { format: 'json' as Format, bytes, options: {} } };
    });
    const csvCase = fc.constantFrom('__proto__', 'constructor', 'dup').map((column) => {
      const header = column === 'dup' ? 'time,env,env,cpu' : `time,${column},cpu`;
      const row = column === 'dup' ? `2026-05-0${(++n % 9) + 1},first,second,1` : `2026-05-0${(++n % 9) + 1},kept,1`;
      return { kind: 'csv' as const, uuid: '', lit: column, input: { format: 'csv' as Format, bytes: Buffer.from(`${header}\n${row}\n`), options: {} } };
    });
    await check(
      'ingest exact values',
      fc.asyncProperty(fc.oneof(jsonCase, csvCase), async (c) => {
        const before = new Set(Object.keys((await storeState(daemon.store)).runs));
        const { cli } = await ingestBothWays(ch, c.input);
        if (cli.code !== 0) return;
        const res = await daemon.app.inject({ method: 'GET', url: '/api/v1/runs?limit=1000', headers: daemon.auth('ack') });
        const runs = (JSON.parse(res.body) as { runs: Array<{ uuid: string; metadata: Record<string, unknown> }> }).runs.filter((r) => !before.has(r.uuid));
        if (c.kind === 'json') {
          const run = runs.find((r) => r.uuid === c.uuid);
          if (run && String(run.metadata.note).includes('\ufffd')) throw new Error(`invalid UTF-8 stored as U+FFFD: ${JSON.stringify(run.metadata.note)}`);
          const rows = await daemon.store.db.selectFrom('documents').innerJoin('runs', 'runs.id', 'documents.run_id').select('documents.body').where('runs.uuid', '=', c.uuid).execute();
          for (const row of rows) {
            const v = (JSON.parse(row.body) as { v?: unknown }).v;
            if (v !== undefined && v !== Number(c.lit)) throw new Error(`document value ${c.lit} stored as ${JSON.stringify(v)}`);
          }
        } else if (c.lit === 'dup') {
          throw new Error(`duplicate CSV header "env" accepted (stored ${JSON.stringify(runs.map((r) => r.metadata.env))})`);
        } else if (!runs.some((r) => Object.prototype.hasOwnProperty.call(r.metadata, c.lit))) {
          throw new Error(`CSV column "${c.lit}" dropped (metadata ${JSON.stringify(runs.map((r) => r.metadata))})`);
        }
      }),
      10,
    );
  });

  it('the hostile corpus (test/fixtures/hostile): no crash, no 5xx, no leak, nothing changed by a refusal', async () => {
    const failures: string[] = [];
    for (const format of FORMATS) {
      const dir = join(CORPUS, format);
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        if (!statSync(path).isFile()) continue;
        try {
          await ingestBothWays(ch, { format, bytes: readFileSync(path), options: {} });
        } catch (err) {
          failures.push(`${format}/${name}: ${(err as Error).message.slice(0, 600)}`);
        }
      }
    }
    await assertReadable(ch, 'after the corpus');
    expect(failures, failures.join('\n')).toEqual([]);
  });
});
