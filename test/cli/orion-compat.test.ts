/**
 * The deliberate differences from Orion (docs/orion-differences.md) and `--orion-compat`, which restores
 * Orion's behaviour: an exact version field selects nothing, a test-level direction is ignored.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesFlags } from '../support/analyze-flags.js';
import { runCli } from '../support/cli.js';

const CSV = 'test/fixtures/analyze/otava-layout.csv';

function config(body: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'compat-')), 'config.yaml');
  writeFileSync(path, `tests:\n  - name: t\n    version_field: version\n    timestamp: time\n${body}    metrics:\n      - name: cpu\n        metric_of_interest: cpu\n`);
  return path;
}
const analyze = (cfg: string, extra: string[] = []) => runCli(['analyze', '--hunter-analyze', '--source', 'csv', '--csv', CSV, '--config', cfg, ...filesFlags(), ...extra]);

describe('deliberate differences and --orion-compat', () => {
  it('an exact version is a prefix (no 4.21 run: exit 3); with --orion-compat it selects nothing, as Orion', async () => {
    const cfg = config('    metadata:\n      version: "4.21"\n');
    const ours = await analyze(cfg);
    expect(ours.code).toBe(3);
    expect(ours.stderr).toMatch(/warning: .*--orion-compat.*docs\/orion-differences\.md/);
    const orion = await analyze(cfg, ['--orion-compat']);
    expect(orion.code).toBe(2);
  });

  it('a test-level direction -1 is honoured (the cpu increase is no regression); --orion-compat ignores it', async () => {
    const cfg = config('    direction: -1\n    metadata:\n      platform: AWS\n');
    const ours = await analyze(cfg);
    expect(ours.code).toBe(0);
    expect(ours.stderr).toMatch(/warning: .*--orion-compat.*docs\/orion-differences\.md/);
    const orion = await analyze(cfg, ['--orion-compat']);
    expect(orion.code).toBe(2);
  });

  it('the differences table names, for every row, the flag restoring Orion or says there is none', () => {
    const doc = readFileSync('docs/orion-differences.md', 'utf8');
    const rows = doc.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| what'));
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const row of rows) {
      const cells = row.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
      expect(cells, row).toHaveLength(4);
      expect(cells[3], row).toMatch(/^(`--[a-z-]+|none)/);
    }
    expect(doc).toMatch(/exact version field[^\n]*`--orion-compat`/);
    expect(doc).toMatch(/test-level `direction`[^\n]*`--orion-compat`/);
  });
});
