/**
 * Without --hunter-analyze, --cmr or --anomaly-detection Orion analyses nothing: it says "No algorithm
 * configured" and exits 0. perfhound does the same (it used to run E-divisive and exit 2).
 */
import { readdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const base = ['analyze', '--source', 'csv', '--csv', 'test/fixtures/analyze/otava-layout.csv', '--config', 'test/fixtures/analyze/csv-config.yaml'];

describe('analyze with no algorithm flag', () => {
  it('prints "No algorithm configured", analyses and writes nothing, exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-algo-'));
    for (const format of ['text', 'json', 'junit']) {
      const r = await runCli([...base, '-o', format, '--save-output-path', join(dir, 'output.txt'), '--save-data-path', join(dir, 'data.csv')]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('No algorithm configured');
      expect(r.stderr).toContain('--hunter-analyze');
    }
    expect(readdirSync(dir)).toEqual([]);
    // The same data with an algorithm has a regression (exit 2): nothing was analysed above.
    expect((await runCli([...base, '--hunter-analyze', '--save-output-path', join(dir, 'output.txt'), '--save-data-path', join(dir, 'data.csv')])).code).toBe(2);
  });

  it('still refuses a bad config or option (exit 1), as Orion does before analysing', async () => {
    const r = await runCli([...base, '--lookback-size', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--lookback-size');
  });
});
