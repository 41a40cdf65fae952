import { describe, expect, it } from 'vitest';
import { medianOf, rankSumPvalue } from '../../src/detect/order-stats.js';
import { seededRandom } from '../../src/util/random.js';

/** The textbook rank sum: sort indexes, mid-ranks for ties, normal approximation with the tie correction. */
function naiveRankSumZ(x: number[], a: number, b: number, c: number): number {
  const n1 = b - a;
  const n2 = c - b;
  const n = n1 + n2;
  const order = Array.from({ length: n }, (_, i) => a + i).sort((i, j) => x[i] - x[j]);
  let rankSum1 = 0;
  let ties = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]] === x[order[i]]) j++;
    for (let k = i; k <= j; k++) if (order[k] < b) rankSum1 += (i + j) / 2 + 1;
    ties += (j - i + 1) ** 3 - (j - i + 1);
    i = j + 1;
  }
  const u = rankSum1 - (n1 * (n1 + 1)) / 2;
  return Math.abs(u - (n1 * n2) / 2) / Math.sqrt(((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1))));
}

describe('order statistics', () => {
  it('medians of odd and even counts, input untouched', () => {
    const x = [5, 1, 4, 2, 3, 9];
    expect(medianOf(x, 0, 5)).toBe(3);
    expect(medianOf(x, 0, 6)).toBe(3.5);
    expect(medianOf(Float64Array.from(x), 1, 3)).toBe(2.5);
    expect(x).toEqual([5, 1, 4, 2, 3, 9]);
  });

  it('medians equal those of a full sort on random data with ties', () => {
    const random = seededRandom(3);
    for (let trial = 0; trial < 200; trial++) {
      const x = Array.from({ length: 1 + Math.floor(random() * 60) }, () => Math.floor(random() * 10));
      const sorted = [...x].sort((p, q) => p - q);
      const m = sorted.length >> 1;
      expect(medianOf(x, 0, x.length)).toBe(sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2);
    }
  });

  it('rank-sum p-values match the textbook ranking (ties included)', () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 200; trial++) {
      const n = 4 + Math.floor(random() * 80);
      const x = Array.from({ length: n }, () => Math.round(random() * 8) + (random() < 0.5 ? 0.5 : 0));
      const a = Math.floor(random() * 2);
      const b = a + 2 + Math.floor(random() * (n - a - 4));
      const z = naiveRankSumZ(x, a, b, n);
      // two-sided normal tail of the same z
      expect(rankSumPvalue(Float64Array.from(x), a, b, n)).toBeCloseTo(rankSumPvalue(x, a, b, n), 15);
      if (Number.isFinite(z)) expect(-Math.log10(rankSumPvalue(x, a, b, n))).toBeCloseTo(-Math.log10(erfcRef(z / Math.SQRT2)), 5);
    }
  });

  it('a perfect separation is significant, identical samples are not', () => {
    expect(rankSumPvalue([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 0, 10, 20)).toBeLessThan(0.001);
    expect(rankSumPvalue([1, 1, 1, 1, 1, 1], 0, 3, 6)).toBe(1);
  });
});

/** erfc by numerical integration of e^{-t²} (independent of the implementation under test). */
function erfcRef(x: number): number {
  const steps = 20000;
  const upper = x + 12;
  const h = (upper - x) / steps;
  let sum = 0;
  for (let i = 0; i <= steps; i++) sum += (i === 0 || i === steps ? 0.5 : 1) * Math.exp(-((x + i * h) ** 2));
  return (2 / Math.sqrt(Math.PI)) * sum * h;
}
