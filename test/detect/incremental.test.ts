import { describe, expect, it } from 'vitest';
import { analyzeSeries, IncrementalSeries } from '../../src/detect/analyze.js';
import { loadExpected, loadManifest, loadSeries, type Json } from './golden.js';

const incrementalCases = loadManifest().filter((c) => c.kind === 'incremental');

describe('incremental append equals a full recompute', () => {
  it.each(incrementalCases.map((c) => [c.name, c] as const))('%s, step by step', (_name, c) => {
    const expected = loadExpected(c.name);
    const metric = expected.metric as string;
    const all = loadSeries(c).get(metric)!;
    const options = {
      mode: 'otava' as const,
      windowLen: c.options.window_len,
      maxPvalue: c.options.max_pvalue,
      minMagnitude: c.options.min_magnitude,
      trace: true,
    };
    const steps = expected.steps as Json[];
    expect(steps.length).toBeGreaterThan(10);
    const series = new IncrementalSeries(options);
    for (const step of steps) {
      const n = step.n as number;
      series.append(all.slice(series.length, n));
      const incremental = series.result();
      // Exactly the full recompute, statistics and trace included…
      expect(incremental).toEqual(analyzeSeries(all.slice(0, n), options));
      // …which is what Otava's full recompute finds.
      expect(incremental.changePoints.map((cp) => cp.index)).toEqual(step.full_recompute_change_points);
      // (The step's `pvalues` belong to Otava's own incremental result, whose weak set — and so whose
      // stale statistics — differ from a full recompute; only the indexes are comparable.)
    }
  });

  it('reuses the untouched windows (a few appended points recompute only the tail)', () => {
    const values = Array.from({ length: 2000 }, (_, i) => (i < 1000 ? 100 : 110) + Math.sin(i * 12.9898) * 3);
    const series = new IncrementalSeries({ windowLen: 50 });
    series.append(values.slice(0, 1990)).result();
    const result = series.append(values.slice(1990)).result();
    expect(result).toEqual(analyzeSeries(values, { windowLen: 50 }));
    // About 80 windows in all; only those reaching past point 1990 are new.
    const cost = series.lastRunCost();
    expect(cost.windowsComputed).toBeGreaterThan(0);
    expect(cost.windowsComputed).toBeLessThanOrEqual(4);
    expect(cost.windowsReused).toBeGreaterThan(70);
  });
});
