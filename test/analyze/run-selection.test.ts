/**
 * Selecting runs says what excluded them: an empty or unresolvable --uuid selector is an error (it used
 * to widen silently to every run); "no runs match its metadata" only when the metadata excluded every
 * run, another message when the time window did.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesFlags } from '../support/analyze-flags.js';
import { runCli } from '../support/cli.js';

const CONFIG = 'test/fixtures/analyze/csv-config.yaml';
const analyze = (csv: string, extra: string[]) => runCli(['analyze', '--hunter-analyze', '--source', 'csv', '--csv', csv, '--config', CONFIG, ...filesFlags(), ...extra]);

describe('run selection', () => {
  it('--uuid "" is refused, naming --uuid', async () => {
    const r = await analyze('test/fixtures/analyze/otava-layout.csv', ['--uuid', '']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--uuid');
    expect(r.stdout).toBe('');
  });

  it("--uuid of a run with none of the selecting fields is refused rather than compared with every run", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'selector-'));
    const csv = join(dir, 'bare.csv');
    writeFileSync(csv, 'time,uuid,cpu\n' + Array.from({ length: 12 }, (_, i) => `2026-02-${String(i + 1).padStart(2, '0')}T10:00:00Z,run-${i},${i < 6 ? 10 : 20}`).join('\n') + '\n');
    const r = await analyze(csv, ['--uuid', 'run-3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--uuid');
    expect(r.stderr).toContain('run-3');
    expect(r.stderr).toMatch(/--baseline/);
    expect(r.stdout).toBe('');
  });

  it('a time window that excludes every run says so, not "no runs match its metadata"', async () => {
    const r = await analyze('test/fixtures/analyze/otava-layout.csv', ['--since', '2000-01-01']);
    expect(r.code).toBe(3);
    expect(r.stderr).not.toContain('no runs match its metadata');
    expect(r.stderr).toMatch(/match its metadata but none is in the time window/);
  });
});
