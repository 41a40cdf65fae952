/**
 * Per-run thresholds (Bencher's model) from the analysis config and from flags: judged by `judgeRun`,
 * reported by `analyze` as a change point at the newest run, used by `check` (a metric's mapping wins
 * over the flags) and `detect`; a bad mapping is refused by `config validate` with file and line.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { filesFlags } from '../support/analyze-flags.js';
import { judgeRun } from '../../src/analyze/index.js';
import { runCli } from '../support/cli.js';
import { alertFiles, runsFile } from './data.js';

const FLAT = [100, 101, 99, 100, 102, 98, 100, 101, 99, 100];

describe('judgeRun', () => {
  it('judges the side the direction names, at the test default, or the sides the boundaries name', () => {
    // Orion direction 1: an increase is bad.
    expect(judgeRun(FLAT, 130, { test: 'percentage' }, 1).status).toBe('regression');
    expect(judgeRun(FLAT, 70, { test: 'percentage' }, 1).status).toBe('improvement');
    expect(judgeRun(FLAT, 70, { test: 'percentage' }, -1).status).toBe('regression');
    expect(judgeRun(FLAT, 70, { test: 'percentage' }, 0).status).toBe('regression');
    expect(judgeRun(FLAT, 105, { test: 'percentage' }, 1).status).toBe('pass');
    expect(judgeRun(FLAT, 105, { test: 'percentage', value: 4 }, 1).status).toBe('regression');
    // A lower boundary judges decreases whatever the direction says.
    expect(judgeRun(FLAT, 130, { test: 'z_score', lower: 3 }, 1).status).toBe('improvement');
    expect(judgeRun(FLAT, 70, { test: 'z_score', lower: 3 }, 1).status).toBe('regression');
    const both = judgeRun(FLAT, 100, { test: 't_test', lower: 0.9, upper: 0.999 }, 1);
    expect(both.upperLimit! - 100).toBeGreaterThan(100 - both.lowerLimit!); // the stricter confidence is wider
  });

  it('static boundaries are the limits; the window is the last N runs; too few runs are not enough data', () => {
    expect(judgeRun([], 12, { test: 'static', upper: 10 }, 0)).toMatchObject({ status: 'regression', upperLimit: 10 });
    expect(judgeRun([], 8, { test: 'static', lower: 9, upper: 10 }, 1)).toMatchObject({ status: 'regression', lowerLimit: 9, upperLimit: 10 });
    expect(judgeRun([], 9.5, { test: 'static', lower: 9, upper: 10 }, 1).status).toBe('pass');
    expect(judgeRun([...FLAT, 200, 200, 200], 200, { test: 'percentage', window: 3 }, 1)).toMatchObject({ status: 'pass', baseline: 200, sampleSize: 3 });
    expect(judgeRun([100], 300, { test: 't_test' }, 1).status).toBe('not_enough_data');
    expect(judgeRun(FLAT, 300, { test: 'percentage', minSampleSize: 20 }, 1).status).toBe('not_enough_data');
  });
});

describe('per-run thresholds in the config and flags', () => {
  const files = alertFiles();
  const db = `sqlite:${join(files.dir, 'db.sqlite')}`;
  /** Test t1 with cpu's threshold `cpu` and mem's `mem` (YAML, or nothing). */
  const config = (name: string, cpu?: string, mem?: string) => {
    const path = join(files.dir, name);
    const t = (x?: string) => (x ? `        threshold: ${x}\n` : '');
    writeFileSync(path, `tests:\n  - name: t1\n    metadata:\n      platform: AWS\n    metrics:\n      - name: cpu\n        metric_of_interest: cpu\n${t(cpu)}      - name: mem\n        metric_of_interest: mem\n${t(mem)}`);
    return path;
  };
  beforeAll(async () => {
    // No change anywhere: cpu about 10, mem about 100.
    expect((await runCli(['ingest', 'json', runsFile(files.dir, 'a.json', 0, 20), '--db', db])).code).toBe(0);
  });

  it('analyze: a crossing of the newest run is a change point there (exit 2); without a threshold none (exit 0)', async () => {
    const analyze = (path: string, ...flags: string[]) => runCli(['analyze', '--hunter-analyze', '--config', path, '--db', db, '-o', 'json', ...filesFlags(), ...flags]);
    const plain = await analyze(config('plain.yaml'));
    expect(plain.code).toBe(0);
    const crossed = await analyze(config('static.yaml', '{test: static, upper_boundary: 9.5}'));
    expect(crossed.stderr).toBe('');
    expect(crossed.code).toBe(2);
    const rows = JSON.parse(crossed.stdout) as { uuid: string; is_changepoint: boolean; metrics: Record<string, { percentage_change: number }> }[];
    expect(rows.filter((r) => r.is_changepoint).map((r) => r.uuid)).toEqual(['run-019']);
    expect(rows[19].metrics.cpu_cpu.percentage_change).not.toBe(0);
    expect(rows[19].metrics.mem_mem.percentage_change).toBe(0);
    // The flag is the threshold of metrics whose config names none: mem (about 100) now crosses 50.
    const flagged = await analyze(config('plain2.yaml'), '--threshold', 'static', '--threshold-upper', '50');
    expect(flagged.code).toBe(2);
    const flaggedRows = JSON.parse(flagged.stdout) as { uuid: string; is_changepoint: boolean }[];
    expect(flaggedRows.filter((r) => r.is_changepoint).map((r) => r.uuid)).toEqual(['run-019']);
    // A threshold the newest run stays within: exit 0.
    expect((await analyze(config('within.yaml', '{test: percentage, window: 10, upper_boundary: 10}'))).code).toBe(0);
  });

  it("check: a metric's mapping wins over the flags; each row names the threshold it was judged by", async () => {
    const path = config('check.yaml', '{test: static, lower_boundary: 5, upper_boundary: 15}');
    const r = await runCli(['check', '--config', path, '--db', db, '--uuid', 'run-019', '--threshold', 'static', '--upper', '50', '--output', 'json']);
    expect(r.code).toBe(2);
    const result = JSON.parse(r.stdout) as { rows: { metric: string; threshold: string; status: string; upperLimit: number }[] };
    expect(result.rows.map((x) => [x.metric, x.threshold, x.status, x.upperLimit])).toEqual([
      ['cpu_cpu', 'static', 'pass', 15],
      ['mem_mem', 'static', 'regression', 50],
    ]);
    const md = await runCli(['check', '--config', path, '--db', db, '--uuid', 'run-019', '--threshold', 'z_score', '--output', 'markdown']);
    expect(md.stdout).toMatch(/^### ✅ perfhound: run `run-019` is within its thresholds/);
    expect(md.stdout).toMatch(/\| t1 \| cpu_cpu \| static \|/);
    expect(md.stdout).toMatch(/\| t1 \| mem_mem \| z_score \|/);
  });

  it('flags: a boundary outside what its test accepts is a one-line error naming the flag', async () => {
    const bad = await runCli(['check', '--config', config('c.yaml'), '--db', db, '--uuid', 'run-019', '--threshold', 't_test', '--value', '1.5']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--value.*a t_test boundary is a confidence between 0 and 1/);
    const window = await runCli(['analyze', '--hunter-analyze', '--config', config('c.yaml'), '--db', db, '--threshold', 'iqr', '--threshold-window', '0', ...filesFlags()]);
    expect(window.stderr).toMatch(/--threshold-window/);
    expect(window.code).toBe(1);
  });

  it('config validate: a bad mapping is an error with file and line; a good one is valid', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{test: bogus}', /:8: .*threshold\.test: must be one of t_test, z_score, iqr, percentage, static/],
      ['{test: t_test, upper_boundary: 1.5}', /:8: .*a t_test boundary is a confidence between 0 and 1 \(e\.g\. 0\.99\) \(got 1\.5\)/],
      ['{test: static}', /:8: .*a static threshold needs lower_boundary and\/or upper_boundary/],
      ['{test: iqr, windw: 3}', /:8: .*unknown key "windw"/],
      ['{test: z_score, window: 0}', /:8: .*threshold\.window: must be at least 1/],
      ['[1]', /:8: .*must be a number \(percent\) or a per-run threshold mapping/],
    ];
    for (const [value, message] of cases) {
      const r = await runCli(['config', 'validate', config('bad.yaml', value)]);
      expect(r.code, value).toBe(1);
      expect(r.stderr, value).toMatch(message);
      expect(r.stderr.trim().split('\n'), value).toHaveLength(1);
    }
    const good = await runCli(['config', 'validate', config('good.yaml', '{test: t_test, window: 30, upper_boundary: 0.99}', '12')]);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
  });

  it('detect: the newest row judged under each metric (text), a crossing listed beside the change points (json)', async () => {
    const csv = join(files.dir, 'series.csv');
    const latency = [...FLAT, 140];
    writeFileSync(csv, 'time,latency,throughput\n' + latency.map((v, i) => `${i},${v},${500 + (i % 3)}`).join('\n') + '\n');
    const text = await runCli(['detect', csv, '--threshold', 'percentage', '--threshold-value', '20', '--direction', 'latency=-1']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/latency: no change point\npercentage threshold over 10 run\(s\): row 10 \(10\) = 140, limits \[80, 120\]: regression/);
    expect(text.stdout).toMatch(/throughput: no change point\npercentage threshold over 10 run\(s\): row 10 \(10\) = 50\d, limits \[\d+(\.\d+)?, \d+(\.\d+)?\]: pass/);
    const json = await runCli(['detect', csv, '--threshold', 'percentage', '--threshold-value', '20', '--direction', 'latency=-1', '--output', 'json']);
    const out = JSON.parse(json.stdout) as Record<string, { rule?: string; index: number; regression: boolean }[]>;
    expect(out.latency).toEqual([expect.objectContaining({ rule: 'threshold', index: 10, regression: true, threshold: 'percentage', value: 140 })]);
    expect(out.throughput).toEqual([]);
    expect((await runCli(['detect', csv, '--threshold', 'iqr', '-o', 'otava'])).stderr).toMatch(/--threshold.*not otava/);
  });
});
