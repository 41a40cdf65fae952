/** The pieces of the scikit-learn IsolationForest reproduction that have independent references. */
import { describe, expect, it } from 'vitest';
import { averagePathLength, isolationForestScores } from '../../src/analyze/isolation-forest.js';
import { RandomState } from '../../src/analyze/mt19937.js';

describe('isolation forest', () => {
  it('MT19937 matches the reference implementation (init_genrand(5489))', () => {
    const rng = new RandomState(5489);
    expect(rng.nextUint32()).toBe(3499211612);
    expect(rng.nextUint32()).toBe(581869302);
  });

  it('randint stays in range', () => {
    const rng = new RandomState(1);
    for (let i = 0; i < 1000; i++) {
      const v = rng.randint(3, 10);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThan(10);
    }
  });

  it('c(n) is sklearn\'s average path length', () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    expect(averagePathLength(256)).toBeCloseTo(2 * (Math.log(255) + 0.5772156649015329) - (2 * 255) / 256, 12);
  });

  it('an isolated point scores highest and above 0.5; most of a dense cluster below', () => {
    const rows = [...Array.from({ length: 30 }, (_, i) => [10 + (i % 5) * 0.01]), [50]];
    const scores = isolationForestScores(rows, { randomState: 42 });
    const max = Math.max(...scores);
    expect(scores[30]).toBe(max);
    expect(scores[30]).toBeGreaterThan(0.5);
    expect(scores.slice(0, 30).every((s) => s < scores[30])).toBe(true);
    expect(scores.slice(0, 30).filter((s) => s < 0.5).length).toBeGreaterThan(15);
  });
});
