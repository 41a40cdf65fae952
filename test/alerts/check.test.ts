/**
 * `perfhound check`, the CI gate: one run against the runs before it with a per-run threshold; exit 2 and
 * a markdown summary when a metric crosses it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { alertFiles, runsFile } from './data.js';

describe('perfhound check', () => {
  const files = alertFiles();
  const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'perfhound-check-')), 'db.sqlite')}`;
  const check = (...args: string[]) => runCli(['check', '--config', files.config, '--db', db, ...args]);
  beforeAll(async () => {
    expect((await runCli(['ingest', 'json', runsFile(files.dir, 'a.json', 0, 21, { cpuStepAt: 20 }), '--db', db])).code).toBe(0);
  });

  for (const threshold of ['t_test', 'z_score', 'iqr', 'percentage']) {
    it(`${threshold}: a run that jumps fails the gate (exit 2); one of the usual runs passes (exit 0)`, async () => {
      const bad = await check('--uuid', 'run-020', '--threshold', threshold, '--output', 'json');
      expect(bad.code).toBe(2);
      const result = JSON.parse(bad.stdout) as { rows: { metric: string; status: string }[] };
      expect(result.rows.map((r) => [r.metric, r.status])).toEqual([['cpu_cpu', 'regression'], ['mem_mem', 'pass']]);
      const good = await check('--uuid', 'run-015', '--threshold', threshold);
      expect(good.stderr).toBe('');
      expect(good.code).toBe(0);
    });
  }

  it('static bounds; the last N runs as the baseline; a markdown summary for the CI job', async () => {
    expect((await check('--uuid', 'run-010', '--threshold', 'static', '--upper', '9.5')).code).toBe(2);
    expect((await check('--uuid', 'run-010', '--threshold', 'static')).stderr).toMatch(/needs --lower and\/or --upper/);
    const md = await check('--uuid', 'run-020', '--threshold', 'z_score', '--window', '5', '--output', 'markdown');
    expect(md.code).toBe(2);
    expect(md.stdout).toMatch(/^### ❌ perfhound: run `run-020` crosses its z_score threshold/);
    expect(md.stdout).toMatch(/\| t1 \| cpu_cpu \| z_score \| 19\.\d+ \| (9|10)\.\d+ \| [\d.]+ \| [\d.]+ \| 5 \| \*\*regression\*\* \|/);
    expect((await check('--uuid', 'nope')).stderr).toMatch(/run nope is in no test of the config/);
  });
});
