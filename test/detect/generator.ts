/**
 * Deterministic synthetic series in the style of the golden cases (levels with steps, Gaussian noise,
 * outliers, gaps), for checks that need no Otava: invariants and the naive reference implementation.
 */
import { normal as standardNormal, seededRandom } from '../../src/util/random.js';

export interface GeneratedSeries {
  seed: number;
  values: (number | null)[];
  /** positions where the level changes (informational) */
  steps: number[];
}

export interface GeneratorOptions {
  length?: [number, number];
  maxSteps?: number;
  /** probability of a missing value per point */
  gapRate?: number;
  /** round values to integers (creates exact ties) */
  integers?: boolean;
}

export function generateSeries(seed: number, options: GeneratorOptions = {}): GeneratedSeries {
  const random = seededRandom(seed);
  const normal = () => standardNormal(random);
  const [minLen, maxLen] = options.length ?? [20, 400];
  const n = minLen + Math.floor(random() * (maxLen - minLen + 1));
  const stepCount = Math.floor(random() * ((options.maxSteps ?? 4) + 1));
  const steps = Array.from({ length: stepCount }, () => 1 + Math.floor(random() * Math.max(1, n - 1))).sort((a, b) => a - b);
  let level = 50 + random() * 1000;
  const noise = level * (0.001 + random() * 0.05);
  const values: (number | null)[] = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    while (k < steps.length && steps[k] === i) {
      level *= 1 + (random() < 0.5 ? -1 : 1) * (0.005 + random() * 0.3);
      k++;
    }
    let v = level + noise * normal();
    if (random() < 0.01) v += noise * 10 * normal(); // an outlier now and then
    if (options.integers) v = Math.round(v);
    values.push(options.gapRate && random() < options.gapRate ? null : v);
  }
  return { seed, values, steps };
}
