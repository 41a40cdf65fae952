import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/connect.js';
import { tableCounts, writeRun } from '../../src/store/runs.js';
import { parseInteger, parseNumber, parsePositiveInt } from '../../src/util/params.js';
import { runCli } from '../support/cli.js';

/**
 * Item 11 of the security issue: `db expire --days ""` deleted every run (Number("") is 0). Every numeric
 * option of every command refuses what is not plainly a number of the expected kind — empty, blank,
 * words, hex, overflowing, fractional where an integer is wanted, negative where that makes no sense —
 * with one line naming the option, exit 1, and nothing changed in the store.
 */
const NOT_NUMBERS = ['', ' ', 'abc', '1e400', '0x10', 'Infinity', 'NaN', '12abc', '1_000', ' 5'];
const NOT_WHOLE = [...NOT_NUMBERS, '1.5', '1e3', '-1', '9007199254740993'];

let dir = '';
let db = '';
const csv = resolve('test/fixtures/analyze/otava-layout.csv');
const config = resolve('test/fixtures/analyze/csv-config.yaml');

const anomalyDetection = ['analyze', '--config', config, '--source', 'csv', '--csv', csv, '--anomaly-detection'];

/** Every numeric option: the command line before and after it, and the values it must refuse. */
const OPTIONS: Array<{ option: string; args: (value: string) => string[]; refuse: string[] }> = [
  { option: '--days', args: (v) => ['db', 'expire', '--days', v, '--db', db], refuse: NOT_WHOLE },
  { option: '--limit', args: (v) => ['runs', 'list', '--limit', v, '--db', db], refuse: NOT_WHOLE },
  { option: '--window', args: (v) => ['tests', 'history', 'some.test', '--window', v, '--db', db], refuse: NOT_WHOLE },
  { option: '--limit', args: (v) => ['tests', 'slowest', '--limit', v, '--db', db], refuse: NOT_WHOLE },
  { option: '--limit', args: (v) => ['tests', 'recent-failures', 'build_name', '--limit', v, '--db', db], refuse: NOT_WHOLE },
  { option: '--workers', args: (v) => ['tests', 'partition', '--workers', v, '--db', db], refuse: [...NOT_WHOLE, '0'] },
  { option: '--window', args: (v) => ['detect', csv, '--window', v], refuse: [...NOT_WHOLE, '1'] },
  { option: '-P', args: (v) => ['detect', csv, '-P', v], refuse: [...NOT_NUMBERS, '-0.5', '1.5'] },
  { option: '-M', args: (v) => ['detect', csv, '-M', v], refuse: [...NOT_NUMBERS, '-1'] },
  { option: '--seed', args: (v) => ['detect', csv, '--seed', v], refuse: NOT_WHOLE },
  ...['--lookback-size', '--column-group-size', '--jobs'].map((option) => ({
    option,
    args: (v: string) => ['analyze', '--config', config, '--source', 'csv', '--csv', csv, option, v],
    refuse: [...NOT_WHOLE, '0'],
  })),
  { option: '--anomaly-window', args: (v) => [...anomalyDetection, '--anomaly-window', v], refuse: [...NOT_WHOLE, '0'] },
  { option: '--min-anomaly-percent', args: (v) => [...anomalyDetection, '--min-anomaly-percent', v], refuse: NOT_WHOLE },
];

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'perfhound-numbers-'));
  db = `sqlite:${join(dir, 'n.db')}`;
  await withStore((store) =>
    store.writeTransaction((trx) =>
      writeRun(trx, { uuid: 'old-run', timestampMs: Date.UTC(2020, 0, 1), source: 'json', collection: 'results', metadata: { build_name: 'b' } }),
    ),
  );
});

afterAll(() => undefined);

describe('numeric CLI options refuse what is not a number of their kind', () => {
  for (const { option, args, refuse } of OPTIONS) {
    it(`${args('N').filter((a) => /^[a-z]/.test(a)).slice(0, 2).join(' ')} ${option}`, async () => {
      const before = await withStore((store) => tableCounts(store.db));
      for (const value of refuse) {
        const { code, stdout, stderr } = await runCli(args(value));
        expect({ value, code }).toEqual({ value, code: 1 });
        expect(stderr, `value ${JSON.stringify(value)}`).toContain(`field ${option}:`);
        expect(stderr.trim().split('\n'), `one line for ${JSON.stringify(value)}`).toHaveLength(1);
        expect(stdout).toBe('');
      }
      expect(await withStore((store) => tableCounts(store.db))).toEqual(before);
    });
  }

  it('db expire --days "" leaves every run in place', async () => {
    const { code } = await runCli(['db', 'expire', '--days', '', '--db', db]);
    expect(code).toBe(1);
    expect((await withStore((store) => tableCounts(store.db))).runs).toBe(1);
  });
});

describe('parseNumber', () => {
  it('reads plain decimal numbers within the bounds', () => {
    expect(parsePositiveInt('0', 'n')).toBe(0);
    expect(parsePositiveInt('-0', 'n')).toBe(0);
    expect(parsePositiveInt('186', 'n')).toBe(186);
    expect(parsePositiveInt('+7', 'n')).toBe(7);
    expect(parseInteger('65535', 'n', { min: 1, max: 65535 })).toBe(65535);
    expect(parseNumber('0.001', 'n', { integer: false, max: 1 })).toBe(0.001);
    expect(parseNumber('.5', 'n', { integer: false })).toBe(0.5);
    expect(parseNumber('1e-3', 'n', { integer: false })).toBe(0.001);
    expect(parseNumber('-2.5', 'n', { integer: false, min: -10 })).toBe(-2.5);
  });

  it('names the field and the expectation, and quotes the value', () => {
    expect(() => parsePositiveInt('', '--days')).toThrow('field --days: expected a whole number ≥ 0, got ""');
    expect(() => parseInteger('70000', '--port', { min: 1, max: 65535 })).toThrow('field --port: expected a whole number from 1 to 65535, got "70000"');
    expect(() => parseNumber('x\u001b[31m', '-P', { integer: false, max: 1 })).toThrow('field -P: expected a number from 0 to 1, got "x\\u001b[31m"');
    expect(() => parsePositiveInt('9'.repeat(100), 'offset')).toThrow(`got "${'9'.repeat(40)}…"`);
  });
});
