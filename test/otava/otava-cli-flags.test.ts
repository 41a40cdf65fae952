/**
 * `perfhound otava …` through the command line, as an Otava user types it: Otava's own argv of the shared
 * cases (--config-file, --since/--until, -P, -M, --window, --output) prints Otava's stdout byte for byte,
 * --branch/--last select the points, and Hunter's `regressions` command (removed in Otava 0.8, still in
 * scripts) compares the stable range at --since with the one at the end.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const root = resolve('test/fixtures/changepoints');
const home = process.cwd();
afterEach(() => process.chdir(home));

interface Run { argv: string[]; exit_code: number; stdout_file: string }
const runs = JSON.parse(readFileSync(join(root, 'otava-cli/runs.json'), 'utf8')) as Record<string, Record<string, Run>>;

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'otava-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  process.chdir(dir);
  return dir;
}

describe("otava analyze with Otava's argv", () => {
  // Two cases with Otava's defaults, and the first four that set -P, -M or --window otherwise (every format).
  const all = Object.entries(runs).flatMap(([name, formats]) => Object.entries(formats).map(([format, run]) => ({ name, format, run })));
  const defaults = (run: Run) => run.argv.join(' ').includes('-P 0.001 -M 0.0 --window 50');
  const picked = [...all.filter((c) => defaults(c.run)).slice(0, 2), ...all.filter((c) => !defaults(c.run)).slice(0, 4)];

  it.each(picked.map((p) => [p.name, p.format, p.run] as const))('%s --output %s', async (_name, _format, run) => {
    process.chdir(root);
    const argv = run.argv.map((a) => (a === 'cases/otava.yaml' ? 'otava-cli/otava.yaml' : a));
    const r = await runCli(['otava', ...argv]);
    expect(r.stdout).toBe(readFileSync(join(root, 'otava-cli', run.stdout_file), 'utf8'));
    expect(r.code).toBe(run.exit_code);
  });

  it('--branch, --last and --until select the points', async () => {
    workspace({
      'otava.yaml': 'tests:\n  t: {type: csv, file: data.csv, metrics: [v], attributes: [branch]}\n',
      'data.csv': 'time,branch,v\n1700000000,main,1\n1700003600,dev,2\n1700007200,main,3\n1700010800,main,4\n',
    });
    const r = await runCli(['otava', 'analyze', 't', '--config-file', 'otava.yaml', '--since', '1970-01-01', '--until', '1700010800', '--branch', 'main', '--last', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').slice(2)).toEqual(['2023-11-14 22:13:20 +0000  main        1', '2023-11-15 00:13:20 +0000  main        3']);
  });
});

describe('otava regressions (Hunter)', () => {
  // 30 daily points around 100, then 20 around 80: throughput (higher is better) fell 20 %; latency is flat.
  const rows = Array.from({ length: 50 }, (_, i) => {
    const throughput = (i < 30 ? 100 : 80) + (i % 2 ? 1 : -1);
    return `${1_700_000_000 + i * 86_400},${throughput},${10 + (i % 2 ? 0.5 : -0.5)}`;
  });
  const files = {
    'otava.yaml': 'templates:\n  common: {type: csv, time_column: time}\ntests:\n  fell:\n    inherit: [common]\n    file: data.csv\n    metrics: {throughput: {direction: 1}, latency: {direction: -1}}\n  rose:\n    inherit: [common]\n    file: data.csv\n    metrics: {throughput: {direction: -1}}\ntest_groups:\n  all: [fell, rose]\n',
    'data.csv': ['time,throughput,latency', ...rows].join('\n') + '\n',
  };

  it("names the metric that moved the wrong way, with Hunter's line; OK for the others", async () => {
    workspace(files);
    const r = await runCli(['otava', 'regressions', 'fell', '--config-file', 'otava.yaml', '--since', '2023-11-14']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('fell:\n    throughput      :     100. -->     80.0 ( -20.0%)\nRegressions in 1 test found\n');
  });

  it('a group; direction -1 makes the fall no regression; --since after the change compares the last range with itself', async () => {
    workspace(files);
    const group = await runCli(['otava', 'regressions', 'all', '--config-file', 'otava.yaml', '--since', '2023-11-14']);
    expect(group.stdout).toBe('fell:\n    throughput      :     100. -->     80.0 ( -20.0%)\nrose: OK\nRegressions in 1 test found\n');
    const late = await runCli(['otava', 'regressions', 'fell', '--config-file', 'otava.yaml', '--since', '2023-12-20']);
    expect(late.stdout).toBe('fell: OK\nNo regressions found!\n');
  });

  it('a test whose data cannot be read is an error line; the others are still compared (exit 1)', async () => {
    workspace({ ...files, 'otava.yaml': files['otava.yaml'].replace('rose:\n    inherit: [common]\n    file: data.csv', 'rose:\n    inherit: [common]\n    file: missing.csv') });
    const r = await runCli(['otava', 'regressions', 'all', '--config-file', 'otava.yaml', '--since', '2023-11-14']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: missing\.csv: test rose: input file not found/);
    expect(r.stdout).toContain('Regressions in 1 test found\nSome tests were skipped due to import / analyze errors. Consult error log.\n');
  });
});
