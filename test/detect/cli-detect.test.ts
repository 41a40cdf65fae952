import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerDetect } from '../../src/cli/detect.js';
import { UserError } from '../../src/util/errors.js';
import { close, FIXTURES, loadExpected, loadManifest, num, type Json } from './golden.js';

async function runDetect(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  registerDetect(program);
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  await program.parseAsync(['node', 'perfhound', 'detect', ...args]);
  vi.restoreAllMocks();
  return out;
}

afterEach(() => vi.restoreAllMocks());

const csvCases = loadManifest().filter(
  (c) => c.kind === 'batch' && !c.options.orig_edivisive && c.type !== 'histostat' &&
    Object.entries(c.metrics ?? {}).every(([name, spec]) => (spec.column ?? name) === name),
);

describe('perfhound detect', () => {
  it.each(csvCases.map((c) => [c.name, c] as const))('--mode otava --output json reproduces Otava on %s', async (_name, c) => {
    const expected = loadExpected(c.name);
    const metrics = expected.metrics as Record<string, { change_points: Json[] }>;
    const args = [`${FIXTURES}cases/${c.csv}`, '--mode', 'otava', '--window', String(c.options.window_len), '-P', String(c.options.max_pvalue), '-M', String(c.options.min_magnitude), '--output', 'json'];
    for (const metric of Object.keys(metrics)) args.push('--metric', metric);
    if (c.csv_delimiter) args.push('--delimiter', c.csv_delimiter);
    if (c.branch) args.push('--branch', c.branch);
    const out = JSON.parse(await runDetect(args)) as Record<string, Json[]>;
    expect(Object.keys(out).sort()).toEqual(Object.keys(metrics).sort());
    for (const [metric, want] of Object.entries(metrics)) {
      const got = out[metric];
      expect(got.map((g) => [g.index, g.time])).toEqual(want.change_points.map((w) => [w.index, w.time]));
      got.forEach((g, k) => {
        for (const key of ['mean_before', 'mean_after', 'stddev_before', 'stddev_after', 'magnitude', 'forward_change_percent', 'backward_change_percent', 'qhat']) {
          expect(close(num(g[key]), num(want.change_points[k][key]), 1e-9), `${metric}.${key}`).toBe(true);
        }
        expect(close(num(g.pvalue), num(want.change_points[k].pvalue), 1e-6, 1e-300)).toBe(true);
      });
    }
  });

  it('prints a table per metric and names the place of a bad cell', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-detect-'));
    const good = join(dir, 'good.csv');
    writeFileSync(good, 'time,commit,value\n' + Array.from({ length: 40 }, (_, i) => `${i},c${i},${i < 20 ? 10 + (i % 3) * 0.1 : 20 + (i % 3) * 0.1}`).join('\n') + '\n');
    const text = await runDetect([good]);
    expect(text).toMatch(/^value: 1 change point/);
    expect(text).toMatch(/\n\s+20\s+20\s/);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'time,value\n1,2\n2,3\n3,oops\n');
    await expect(runDetect([bad, '--metric', 'value'])).rejects.toThrow(UserError);
    await expect(runDetect([bad, '--metric', 'value'])).rejects.toThrow(/bad\.csv:4: .*column 2 \(value\): not a number: "oops"/);
    await expect(runDetect([good, '--window', '1'])).rejects.toThrow(/field --window: expected a whole number ≥ 2, got "1"/);
  });

  it('refuses a file of several branches without --branch, and --branch of a file without that column', async () => {
    await expect(runDetect([`${FIXTURES}cases/upstream_sample_multi_branch.csv`])).rejects.toThrow(/several branches \(feature-x, feature-y, main\); choose one with --branch/);
    await expect(runDetect([`${FIXTURES}cases/upstream_sample.csv`, '--branch', 'main'])).rejects.toThrow(/no "branch" column/);
    await expect(runDetect([`${FIXTURES}cases/upstream_sample.csv`, '--delimiter', ';;'])).rejects.toThrow(/--delimiter must be one character/);
  });

  it('--direction marks the changes the wrong way as regressions', async () => {
    const file = `${FIXTURES}cases/upstream_sample.csv`; // metric2 drops 12.9 %
    const higherIsBetter = JSON.parse(await runDetect([file, '-o', 'json'])) as Record<string, Json[]>;
    expect(higherIsBetter.metric2.map((cp) => cp.regression)).toEqual([true]);
    const lowerIsBetter = JSON.parse(await runDetect([file, '-o', 'json', '--direction', 'metric2=-1'])) as Record<string, Json[]>;
    expect(lowerIsBetter.metric2.map((cp) => cp.regression)).toEqual([false]);
    expect(await runDetect([file, '--direction', '-1'])).not.toMatch(/regression/);
    expect(await runDetect([file])).toMatch(/-12\.9%\s+\S+\s+regression/);
    await expect(runDetect([file, '--direction', 'nope=-1'])).rejects.toThrow(/names no analysed metric "nope"/);
  });

  it('-o otava prints Otava\'s annotated log table, as otava analyze does', async () => {
    const { readFileSync } = await import('node:fs');
    const out = await runDetect([`${FIXTURES}cases/step_up_5pct_n100.csv`, '--mode', 'otava', '-o', 'otava']);
    expect(out).toBe(readFileSync(`${FIXTURES}otava-cli/step_up_5pct_n100.log.txt`, 'utf8'));
  });

  it('--orig-edivisive runs the permutation test with the given seed', async () => {
    const out = JSON.parse(await runDetect([`${FIXTURES}cases/upstream_cpd_sequence.csv`, '--orig-edivisive', '--seed', '1', '-P', '0.01', '--output', 'json'])) as Record<string, Json[]>;
    expect(out.value.map((cp) => cp.index)).toEqual([5, 8]);
  });
});

describe('perfhound detect --output json explains each change point', () => {
  it('gives the robust means, noise, p-values and the rule that kept it (default mode only)', async () => {
    const file = `${FIXTURES}cases/upstream_sample.csv`;
    const out = JSON.parse(await runDetect([file, '-o', 'json', '--metric', 'metric2'])) as Record<string, Json[]>;
    const explanation = out.metric2[0].explanation as Json;
    expect(Object.keys(explanation).sort()).toEqual(
      ['adjusted_pvalue', 'effect', 'median_after', 'median_before', 'noise', 'pvalue', 'relative_magnitude', 'robust_mean_after', 'robust_mean_before', 'rule', 'tests'].sort(),
    );
    expect(explanation.rule).toMatch(/^perfhound: /);
    expect(explanation.adjusted_pvalue).toBe(out.metric2[0].pvalue);
    const otava = JSON.parse(await runDetect([file, '-o', 'json', '--metric', 'metric2', '--mode', 'otava'])) as Record<string, Json[]>;
    expect(otava.metric2[0].explanation).toBeUndefined();
  });
});
