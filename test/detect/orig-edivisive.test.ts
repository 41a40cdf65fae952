import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { origEDivisive } from '../../src/detect/orig-edivisive.js';
import { NumpyPcg64 } from '../../src/detect/pcg64.js';
import { close, FIXTURES, loadExpected, loadManifest, loadSeries, num, type Json } from './golden.js';

const origCases = loadManifest().filter((c) => c.options.orig_edivisive);

describe('original E-divisive with the permutation test', () => {
  it.each(origCases.map((c) => [c.name, c] as const))('%s matches Otava (same seed → same permutations)', (_name, c) => {
    const expected = loadExpected(c.name);
    for (const [metric, values] of loadSeries(c)) {
      const want = (expected.metrics as Record<string, { change_points: Json[] }>)[metric].change_points;
      const got = origEDivisive(values as number[], { pvalue: c.options.max_pvalue, seed: c.options.seed });
      expect(got.map((cp) => cp.index)).toEqual(want.map((w) => w.index));
      got.forEach((cp, k) => {
        expect(cp.pvalue).toBe(num(want[k].pvalue));
        expect(cp.extremeQhatPerm).toBe(want[k].extreme_qhat_perm);
        expect(close(cp.qhat, num(want[k].qhat), 1e-9)).toBe(true);
      });
    }
  });

  it('is deterministic for a seed', () => {
    const values = Array.from({ length: 60 }, (_, i) => (i < 30 ? 10 : 11) + ((i * 7919) % 13) / 13);
    expect(origEDivisive(values, { pvalue: 0.05, seed: 7 })).toEqual(origEDivisive(values, { pvalue: 0.05, seed: 7 }));
  });
});

describe('numpy default_rng reproduction', () => {
  const reference = JSON.parse(readFileSync(FIXTURES + 'numpy-shuffles.json', 'utf8')) as { rows: { seed: number; shuffled: number[] }[] };
  it.each(reference.rows.map((r) => [r.seed, r] as const))('seed %s shuffles like numpy', (_seed, row) => {
    const rng = NumpyPcg64.fromSeed(row.seed);
    const x = Float64Array.from({ length: 20 }, (_, i) => i);
    rng.shuffle(x, 0, 20);
    rng.shuffle(x, 5, 12);
    rng.shuffle(x, 0, 20);
    expect(Array.from(x)).toEqual(row.shuffled);
  });
});
