/**
 * The checks of issue 16 on the labelled corpus of `npm run quality` (generated here, the whole of it:
 * 2 160 series, about 2 s per mode): the `perfhound` default reports nothing on any pure-noise series,
 * no staircase on a trend (at most one finding), and on steps of ≥ 5 % at a noise CV of 2 % (1 974 true
 * changes) finds at least as many as `otava` mode.
 */
import { describe, expect, it } from 'vitest';
import { analyzeSeries } from '../../src/detect/analyze.js';
import { generateCorpus } from '../../src/quality/corpus.js';
import { slicesOf } from '../../src/quality/report.js';
import { matchChanges } from '../../src/quality/score.js';
import { pelt } from '../../src/quality/pelt.js';
import { normal, seededRandom } from '../../src/util/random.js';

const corpus = generateCorpus();
const detect = (values: readonly (number | null)[], mode: 'otava' | 'perfhound') => analyzeSeries(values, { mode }).changePoints.map((cp) => cp.index);

describe('scoring', () => {
  it('matches one-to-one within ±5 points, nearest first', () => {
    expect(matchChanges([50], [48, 90])).toEqual({ tp: 1, fp: 1, fn: 0 });
    expect(matchChanges([50, 53], [52])).toEqual({ tp: 1, fp: 0, fn: 1 });
    expect(matchChanges([50], [56])).toEqual({ tp: 0, fp: 1, fn: 1 });
  });

  it('the corpus is the same on every run (fixed seeds) and labels its changes', () => {
    const again = generateCorpus({ maxLength: 100 });
    expect(again).toEqual(corpus.filter((s) => s.length <= 100));
    expect(corpus.some((s) => s.scenario === 'noise' && s.length === 10000)).toBe(true);
    expect(corpus.filter((s) => s.scenario === 'step').every((s) => s.truth.length === 1)).toBe(true);
  });

  it('PELT finds a clear step where it is', () => {
    const random = seededRandom(7);
    const x = Array.from({ length: 60 }, (_, i) => (i < 35 ? 100 : 110) + 2 * normal(random));
    expect(pelt(x)).toEqual([35]);
  });
});

describe('the perfhound default on the corpus', () => {
  it('reports no change point on any pure-noise series', () => {
    const noisy = corpus.filter((s) => s.scenario === 'noise');
    expect(noisy.length).toBeGreaterThan(100);
    const reports = noisy.flatMap((s) => {
      const found = detect(s.values, 'perfhound');
      return found.length ? [`${s.id}: ${found.join(',')}`] : [];
    });
    expect(reports).toEqual([]);
    // …where Otava does report some (the check can fail)
    expect(noisy.some((s) => detect(s.values, 'otava').length > 0)).toBe(true);
  });

  it('reports a trend as one finding at most, never a staircase', () => {
    const trends = corpus.filter((s) => s.scenario === 'trend' && s.length <= 2000);
    const staircases = trends.flatMap((s) => {
      const found = detect(s.values, 'perfhound');
      return found.length > 1 ? [`${s.id}: ${found.join(',')}`] : [];
    });
    expect(staircases).toEqual([]);
    expect(trends.some((s) => detect(s.values, 'otava').length > 1)).toBe(true);
  });

  it('finds at least as many steps of ≥ 5 % at a noise CV of 2 % as Otava does', () => {
    const steps = corpus.filter((s) => slicesOf(s).includes('steps>=5%,cv2%'));
    const truths = steps.reduce((sum, s) => sum + s.truth.length, 0);
    expect(truths).toBeGreaterThan(1000);
    const found = (mode: 'otava' | 'perfhound') => steps.reduce((sum, s) => sum + matchChanges(s.truth, detect(s.values, mode)).tp, 0);
    const otava = found('otava');
    const perfhound = found('perfhound');
    // Otava misses some (the check is not trivially met by both finding everything)
    expect(otava).toBeLessThan(truths);
    expect(perfhound).toBeGreaterThanOrEqual(otava);
  });
});
