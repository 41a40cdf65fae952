import { describe, expect, it } from 'vitest';
import { DivergenceCalculator, newScanRecord } from '../../src/detect/divergence.js';
import { generateSeries } from './generator.js';

/** Finite values of a generated series (gaps dropped), as the engine would scan them. */
function finiteSeries(seed: number, integers: boolean): Float64Array {
  const { values } = generateSeries(seed, { length: [30, 120], integers });
  return Float64Array.from(values.filter((v): v is number => v !== null && Number.isFinite(v)));
}

describe('DivergenceCalculator scan records', () => {
  it('the running best after each column is exactly the candidate of that shorter interval', () => {
    let checked = 0;
    for (let seed = 1; seed <= 40; seed++) {
      // Integer values create exact ties, where the τ tie rule matters.
      const x = finiteSeries(seed, seed % 2 === 0);
      const origin = seed % 5;
      const s = seed % 7;
      const e = x.length - origin;
      if (e - s < 3) continue;
      const record = newScanRecord(e - s);
      const fresh = new DivergenceCalculator(8); // smaller than the intervals: also exercises regrowth
      const full = new DivergenceCalculator(64).candidate(x, origin, s, e, false, record);
      expect({ index: s + 1 + record.tau[e - s - 2], qhat: record.qhat[e - s - 2] }).toEqual(full);
      for (let end = s + 2; end < e; end++) {
        const columns = end - s - 1;
        expect({ index: s + 1 + record.tau[columns - 1], qhat: record.qhat[columns - 1] }).toEqual(fresh.candidate(x, origin, s, end, false));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('gives the same candidate whether its Q coefficients come from the table or are divided per column', () => {
    for (let seed = 100; seed < 110; seed++) {
      const x = finiteSeries(seed, false);
      // capacity 4 → a 4×4 table, so every interval longer than 5 points divides its coefficients
      const divided = new DivergenceCalculator(4).candidate(x, 0, 0, x.length, false);
      const tabulated = new DivergenceCalculator(x.length).candidate(x, 0, 0, x.length, false);
      expect(divided).toEqual(tabulated);
    }
  });
});
