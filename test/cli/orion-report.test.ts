/**
 * `analyze --report FILES`: Orion's standalone summary over saved JSON outputs, no data source: a
 * verdict per workload (named after its file), a summary line, exit 2 on any regression.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesFlags } from '../support/analyze-flags.js';
import { runCli } from '../support/cli.js';

const row = (uuid: string, cp: boolean, pct = 0) => ({
  uuid, timestamp: 1768559595, ocpVersion: `4.20.0-${uuid}`, prs: [], buildUrl: `https://prow.ci/${uuid}`,
  metrics: { cpu_avg: { value: 6.5, percentage_change: pct } }, is_changepoint: cp,
});

describe('analyze --report', () => {
  it('PASS, SKIP and REGRESSION DETECTED per workload, the summary line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    const files = {
      'output_olm.json': [row('a', false), row('b', true, 404.549), row('c', false)],
      'orion-node-density.json': [row('d', false), row('e', false)],
      'junit_empty-junit.json': [],
    };
    for (const [name, rows] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(rows, null, 2));
    const r = await runCli(['analyze', '--report', Object.keys(files).map((f) => join(dir, f)).join(',')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/olm\s.*REGRESSION DETECTED/);
    expect(r.stdout).toMatch(/node-density\s.*PASS \(no changepoints\)/);
    expect(r.stdout).toMatch(/empty\s.*SKIP \(no data\)/);
    expect(r.stdout).toContain('cpu_avg');
    expect(r.stdout).toContain('+404.55%');
    expect(r.stdout).toContain('https://prow.ci/b');
    expect(r.stdout).toContain('Summary: 3 workloads | 1 REGRESSION | 1 PASS | 1 SKIP');
  });

  it('reads what analyze -o json saved; exit 0 without a regression; a missing file is exit 1', async () => {
    const flags = filesFlags();
    const csv = ['--source', 'csv', '--csv', 'test/fixtures/analyze/otava-layout.csv', '--config', 'test/fixtures/analyze/csv-config.yaml'];
    await runCli(['analyze', ...csv, '--hunter-analyze', '-o', 'json', ...flags]);
    const saved = flags[1].replace(/output\.txt$/, 'output_csv-test.json');
    const r = await runCli(['analyze', '--report', saved]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/csv-test\s.*REGRESSION DETECTED/);
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    writeFileSync(join(dir, 'output_ok.json'), JSON.stringify([row('a', false)]));
    expect((await runCli(['analyze', '--report', join(dir, 'output_ok.json')])).code).toBe(0);
    const missing = await runCli(['analyze', '--report', join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.json');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });
});
