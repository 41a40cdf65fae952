import { describe, expect, it } from 'vitest';
import { analyzeSeries, IncrementalSeries } from '../../src/detect/analyze.js';
import type { ChangePoint } from '../../src/detect/types.js';
import { close } from './golden.js';
import { generateSeries } from './generator.js';
import { naiveOtava, type NaiveChangePoint } from './naive-reference.js';

const SEEDS = Array.from({ length: 200 }, (_, i) => 1000 + i);

function sameChangePoints(fast: ChangePoint[], naive: NaiveChangePoint[]): string | null {
  const a = fast.map((c) => c.index).join(',');
  const b = naive.map((c) => c.index).join(',');
  if (a !== b) return `indexes [${a}] ≠ naive [${b}]`;
  for (let k = 0; k < fast.length; k++) {
    const f = fast[k];
    const n = naive[k];
    for (const key of ['meanBefore', 'meanAfter', 'stddevBefore', 'stddevAfter', 'magnitude', 'qhat'] as const) {
      if (!close(f[key], n[key], 1e-8)) return `${f.index}.${key}: ${f[key]} ≠ naive ${n[key]}`;
    }
    if (!close(f.pvalue, n.pvalue, 1e-6, 1e-300)) return `${f.index}.pvalue: ${f.pvalue} ≠ naive ${n.pvalue}`;
  }
  return null;
}

describe('further generated cases (no Otava needed)', () => {
  it('the engine equals a naive implementation of the same algorithm on 200 random series', () => {
    const failures: string[] = [];
    let withChanges = 0;
    for (const seed of SEEDS) {
      const { values } = generateSeries(seed, { length: [10, 300] });
      const z = values as number[];
      const windowLen = [10, 30, 50][seed % 3];
      const maxPvalue = [0.001, 0.01, 0.05][seed % 5 % 3];
      const minMagnitude = seed % 4 === 0 ? 0.02 : 0;
      const fast = analyzeSeries(z, { windowLen, maxPvalue, minMagnitude, mode: 'otava' });
      const naive = naiveOtava(z, windowLen, maxPvalue, minMagnitude);
      const weak = sameChangePoints(fast.weakChangePoints, naive.weak);
      const final = sameChangePoints(fast.changePoints, naive.final);
      if (weak) failures.push(`seed ${seed} weak: ${weak}`);
      if (final) failures.push(`seed ${seed} final: ${final}`);
      if (fast.changePoints.length) withChanges++;
    }
    expect(failures).toEqual([]);
    expect(withChanges).toBeGreaterThan(50); // the generated cases do exercise detection
  });

  it('perfhound mode shares the split step with otava mode and reports a subset-sized, explained result', () => {
    for (const seed of SEEDS.slice(0, 100)) {
      const { values } = generateSeries(seed, { integers: seed % 2 === 0 });
      const perfhound = analyzeSeries(values, { trace: true });
      const otava = analyzeSeries(values, { mode: 'otava', trace: true });
      expect(perfhound.weakChangePoints).toEqual(otava.weakChangePoints);
      expect(perfhound.trace!.splitWindows).toEqual(otava.trace!.splitWindows);
      expect(perfhound.warnings).toEqual([]);
      for (const cp of perfhound.changePoints) {
        expect(cp.explanation!.adjustedPvalue).toBeLessThan(0.001);
        expect(cp.pvalue).toBe(cp.explanation!.adjustedPvalue);
      }
    }
  });

  it('perfhound mode leaves gaps out, says where, and maps indexes back', () => {
    let gaps = 0;
    for (const seed of SEEDS.slice(0, 100)) {
      const { values } = generateSeries(seed, { gapRate: 0.05 });
      if (seed % 7 === 0 && values.length > 3) values[3] = NaN;
      const kept = values.map((v, i) => [v, i] as const).filter(([v]) => v !== null && Number.isFinite(v));
      const result = analyzeSeries(values);
      const compact = analyzeSeries(kept.map(([v]) => v));
      expect(result.changePoints).toEqual(compact.changePoints.map((cp) => ({ ...cp, index: kept[cp.index][1] })));
      const skipped = values.flatMap((v, i) => (v === null || !Number.isFinite(v) ? [i] : []));
      expect(result.skippedIndexes).toEqual(skipped);
      gaps += skipped.length;
      for (const i of skipped) {
        expect(result.warnings.some((w) => new RegExp(`\\b${i}\\b`).test(w) || rangeCovers(w, i))).toBe(true);
      }
    }
    expect(gaps).toBeGreaterThan(100);
  });

  it('incremental appends equal full recomputes, in both modes, with gaps and ties', () => {
    for (const seed of SEEDS.slice(0, 40)) {
      const mode = seed % 2 === 0 ? 'otava' : 'perfhound';
      const { values } = generateSeries(seed, { length: [60, 400], gapRate: 0.03, integers: seed % 3 === 0 });
      const options = { mode, windowLen: [20, 30, 50][seed % 3], trace: true } as const;
      const series = new IncrementalSeries(options);
      let n = 0;
      while (n < values.length) {
        const chunk = 1 + (seed * 7 + n) % 13;
        series.append(values.slice(n, n + chunk));
        n = Math.min(values.length, n + chunk);
        expect(series.result()).toEqual(analyzeSeries(values.slice(0, n), options));
      }
    }
  });
});

function rangeCovers(warning: string, i: number): boolean {
  const m = /points (\d+)–(\d+)/.exec(warning);
  return m !== null && Number(m[1]) <= i && i <= Number(m[2]);
}
