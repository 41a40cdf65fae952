import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { otavaAnalyze, otavaListGroups, otavaListTests, parseWhen, type AnalyzeArgs } from '../../src/otava/commands.js';
import { readOtavaConfig } from '../../src/otava/config.js';
import { pyFixed, pyGeneral, pySignedFixed } from '../../src/otava/py-format.js';
import { tabulateSimple } from '../../src/otava/tabulate.js';

const read = (text: string) => readOtavaConfig(parse(text), 'otava.yaml');

describe('Otava configuration', () => {
  it('merges templates through inherit (a list, or one name where Otava crashes): mappings merged, lists concatenated', () => {
    const config = read(`
templates:
  common: {type: csv, time_column: t, metrics: {tput: {direction: 1}}, attributes: [commit]}
  more: {metrics: {p99: {direction: -1, scale: 1.0e-6}}, attributes: [branch_name]}
tests:
  a: {inherit: [common, more], file: a.csv}
  b: {inherit: common, file: b.csv, time_column: when}
test_groups:
  nightly: [b, a]
`);
    const a = config.tests.get('a');
    expect(a).toMatchObject({ type: 'csv', file: 'a.csv', timeColumn: 't', attributes: ['commit', 'branch_name'] });
    expect(a?.type === 'csv' && a.metrics).toEqual([
      { name: 'tput', column: 'tput', direction: 1, scale: 1 },
      { name: 'p99', column: 'p99', direction: -1, scale: 1e-6 },
    ]);
    expect(config.tests.get('b')).toMatchObject({ timeColumn: 'when' });
    expect(config.groups.get('nightly')).toEqual(['b', 'a']);
  });

  it.each([
    ['tests:\n  - name: x', /"tests" must be a mapping/],
    ['tests:\n  x: {file: a.csv, metrics: [v]}', /test x: field type: test type not set/],
    ['tests:\n  x: {type: bigquery, query: q, metrics: {}}', /test x: field type: test type bigquery is not supported/],
    ['tests:\n  x: {type: graphite, prefix: a, metrics: [v]}', /test x: field metrics: metrics must be a mapping of name → \{suffix/],
    ['tests:\n  x: {type: graphite, prefix: a, metrics: {v: {direction: -1}}}', /test x: field suffix: missing key "suffix"/],
    ['tests:\n  x: {type: graphite, metrics: {v: {suffix: v}}}', /test x: field prefix: missing key "prefix"/],
    ['tests:\n  x: {type: csv, metrics: [v]}', /test x: field file: missing key "file"/],
    ['tests:\n  x: {type: csv, file: a.csv, metrics: {v: {direction: 2}}}', /field metrics.v.direction: direction must be 1 or -1/],
    ['tests:\n  x: {type: csv, file: a.csv, inherit: [nope], metrics: [v]}', /no template named "nope"/],
    ['tests:\n  x: {type: csv, file: a.csv, metrics: [v]}\ntest_groups:\n  g: [x, y]', /group g names the unknown test "y"/],
    ['tests:\n  x: {type: csv, file: a.csv, metrics: 3}', /metrics must be a list or a mapping/],
  ])('refuses %j naming the place', (text, message) => {
    expect(() => read(text)).toThrow(message);
  });
});

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'otava-cfg-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

async function analyze(dir: string, extra: Partial<AnalyzeArgs>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const args: AnalyzeArgs = { configFile: 'otava.yaml', tests: ['t'], output: 'log', pValue: 0.001, magnitude: 0, window: 50, since: '1970-01-01', until: '2100-01-01', postgres: {}, ...extra };
  const code = await otavaAnalyze(args, { cwd: dir, env: {}, out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const BRANCHES = 'time,branch,v\n1700000000,main,1\n1700003600,dev,2\n1700007200,main,3\n1700010800,main,4\n';
const CONFIG = 'tests:\n  t: {type: csv, file: data.csv, metrics: [v], attributes: [branch]}\n  u: {type: csv, file: missing.csv, metrics: [v]}\ntest_groups:\n  both: [t]\n  all: [u, t]\n';

describe('otava analyze over CSV', () => {
  it('refuses a file of several branches without --branch, listing them (Otava: same rule)', async () => {
    const r = await analyze(workspace({ 'otava.yaml': CONFIG, 'data.csv': BRANCHES }), {});
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/several branches \(dev, main\).*--branch/);
  });

  it('keeps the rows of --branch, then the last N with --last, --until exclusive', async () => {
    const dir = workspace({ 'otava.yaml': CONFIG, 'data.csv': BRANCHES });
    const r = await analyze(dir, { branch: 'main', last: 2, until: '1700010800' });
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').slice(2)).toEqual(['2023-11-14 22:13:20 +0000  main        1', '2023-11-15 00:13:20 +0000  main        3']);
  });

  it('reports a test whose file is missing and goes on with the others, exit 1', async () => {
    const r = await analyze(workspace({ 'otava.yaml': CONFIG, 'data.csv': BRANCHES }), { tests: ['all'], branch: 'main' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ERROR: missing\.csv: test u: input file not found/);
    expect(r.stdout).toMatch(/^time/);
  });

  it('names the line of a cell that is no number', async () => {
    const r = await analyze(workspace({ 'otava.yaml': CONFIG, 'data.csv': 'time,branch,v\n1700000000,main,1\n1700003600,main,x\n' }), {});
    expect(r.stderr).toMatch(/data\.csv:3: test t: metric v: could not convert value in column v/);
  });

  it('lists tests and groups sorted by code point', async () => {
    const dir = workspace({ 'otava.yaml': CONFIG });
    let out = '';
    const io = { cwd: dir, env: {}, out: (t: string) => (out += t), err: () => undefined };
    await otavaListTests('otava.yaml', [], io);
    await otavaListGroups('otava.yaml', io);
    expect(out).toBe('t\nu\nall\nboth\n');
  });
});

describe('formatting as Python', () => {
  it('rounds ties half to even on the exact binary value', () => {
    expect([pyFixed(2.5, 0), pyFixed(3.5, 0), pyFixed(0.25, 1), pyFixed(0.35, 1), pyFixed(-0.04, 1)]).toEqual(['2', '4', '0.2', '0.3', '-0.0']);
    expect([pyGeneral(1000058226.507), pyGeneral(999999.5), pyGeneral(0.00001), pyGeneral(1.801429, 3, true), pyGeneral(10, 3, true)]).toEqual([
      '1.00006e+09', '1e+06', '1e-05', '1.80', '10.0',
    ]);
    expect([pySignedFixed(5.39, 1), pySignedFixed(NaN, 1), pySignedFixed(-Infinity, 1)]).toEqual(['+5.4', '+nan', '-inf']);
  });

  it('tabulates numbers on the decimal point, text left, numeric-looking text as numbers', () => {
    expect(tabulateSimple([
      { header: 'name', cells: ['a', 'bb'] },
      { header: 'v', cells: [1.5, 100] },
      { header: 'id', cells: ['7', '12'] },
    ])).toBe('name        v    id\n------  -----  ----\na         1.5     7\nbb      100      12');
  });

  it('reads --since as a date, epoch seconds or "N days ago"', () => {
    const now = new Date(Date.UTC(2026, 0, 10));
    expect(parseWhen('2026-01-01', '--since', now)).toBe(Date.UTC(2026, 0, 1) / 1000);
    expect(parseWhen('1700000000', '--since', now)).toBe(1700000000);
    expect(parseWhen('2 weeks ago', '--since', now)).toBe(Date.UTC(2025, 11, 27) / 1000);
    expect(() => parseWhen('soon', '--since', now)).toThrow(/field --since: "soon" is not a date/);
  });
});
