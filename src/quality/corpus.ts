/**
 * The labelled change point corpus: synthetic series whose true change indexes are known, generated from
 * fixed seeds (the same series on every machine). Each series has a noise family, a scenario (pure noise,
 * steps, a variance change, a trend, slow drift, a random walk) and a length of 30 … 10 000 points.
 *
 * @example
 * const corpus = generateCorpus();            // the full corpus of `npm run quality`
 * const quick = generateCorpus({ maxLength: 500 }); // the slice the tests use
 */
import { normal as standardNormal, seededRandom } from '../util/random.js';

export const NOISE_KINDS = ['gaussian', 'student-t2', 'student-t3', 'lognormal', 'bimodal', 'outliers', 'seasonal', 'quantised', 'missing'] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

export type Scenario = 'noise' | 'step' | 'steps' | 'close-steps' | 'edge-steps' | 'variance' | 'trend' | 'drift' | 'random-walk';

export const LENGTHS = [30, 100, 500, 2000, 10000] as const;
export const STEP_PERCENTS = [1, 2, 5, 10, 30] as const;

export interface LabelledSeries {
  id: string;
  scenario: Scenario;
  noise: NoiseKind;
  length: number;
  /** relative size of the steps in percent of the level (0 when none) */
  stepPercent: number;
  /** noise scale relative to the level (2 % unless the family says otherwise) */
  noiseScale: number;
  /** null = missing value */
  values: (number | null)[];
  /** true change indexes (first point of the new regime) */
  truth: number[];
}

const LEVEL = 100;
/** Noise scale of every family, relative to the level: a CV of 2 %. */
const SCALE = 0.02;
/** Lognormal latencies: σ of the logarithm (a skewed family, CV ≈ 20 %). */
const LOGNORMAL_SIGMA = 0.2;

type Random = () => number;

/** A noise draw of the family, in units of the level (added to a level of 1, multiplied by LEVEL). */
function noiseDraw(kind: NoiseKind, random: Random, i: number): number {
  const z = () => standardNormal(random);
  switch (kind) {
    case 'student-t2':
    case 'student-t3': {
      const df = kind === 'student-t2' ? 2 : 3;
      let chi = 0;
      for (let k = 0; k < df; k++) chi += z() ** 2;
      return (SCALE * z()) / Math.sqrt(chi / df);
    }
    case 'lognormal':
      return Math.exp(LOGNORMAL_SIGMA * z()) - 1;
    case 'bimodal':
      // two modes 3σ apart, 30 % of the runs in the slower one (e.g. a cache hit or miss)
      return SCALE * (0.5 * z() + (random() < 0.3 ? 3 : 0));
    case 'outliers':
      return SCALE * z() + (random() < 0.01 ? SCALE * (random() < 0.5 ? -1 : 1) * (6 + 14 * random()) : 0);
    case 'seasonal':
      // weekly pattern: two slow days a week
      return SCALE * (z() + ([0, 0, 0, 0, 0, 1.5, 1.5][i % 7] - 3 / 7));
    default:
      return SCALE * z();
  }
}

interface Shape {
  /** multiplicative level at index i (1 = the base level) */
  level: (i: number) => number;
  /** noise multiplier at index i */
  spread?: (i: number) => number;
  truth: number[];
}

function makeSeries(id: string, scenario: Scenario, noise: NoiseKind, n: number, stepPercent: number, seed: number, shape: Shape): LabelledSeries {
  const random = seededRandom(seed);
  const values: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const spread = shape.spread ? shape.spread(i) : 1;
    let v = LEVEL * shape.level(i) * (1 + spread * noiseDraw(noise, random, i));
    if (noise === 'quantised') v = Math.round(v / 2) * 2; // integers of a counter with resolution 2 (σ = 2)
    values.push(noise === 'missing' && random() < 0.05 ? null : v);
  }
  return { id, scenario, noise, length: n, stepPercent, noiseScale: noise === 'lognormal' ? LOGNORMAL_SIGMA : SCALE, values, truth: shape.truth };
}

/** Level function of steps at `at` (sorted) by factors `factors`. */
function steps(at: number[], factors: number[]): (i: number) => number {
  return (i) => {
    let level = 1;
    for (let k = 0; k < at.length && at[k] <= i; k++) level *= factors[k];
    return level;
  };
}

export interface CorpusOptions {
  /** only series of at most this many points */
  maxLength?: number;
  /** series per (length, family) cell of the noise-only scenario; the other scenarios scale from it */
  replicates?: number;
  /**
   * first seed (default 1): another value gives a held-out corpus of the same design, to check that a
   * rule chosen on the published corpus is not fitted to its particular draws
   */
  seed?: number;
}

/**
 * The corpus. Replicates per cell shrink with the length (a 10 000-point series counts like many short
 * ones towards FP/1000), so the whole corpus stays analysable in well under a minute.
 */
export function generateCorpus(options: CorpusOptions = {}): LabelledSeries[] {
  const maxLength = options.maxLength ?? Infinity;
  const base = options.replicates ?? 6;
  const out: LabelledSeries[] = [];
  let seed = options.seed ?? 1;
  for (const n of LENGTHS) {
    if (n > maxLength) continue;
    const reps = n <= 100 ? base : n <= 500 ? Math.max(1, Math.ceil(base / 2)) : n <= 2000 ? Math.max(1, Math.ceil(base / 3)) : 1;
    const margin = Math.min(10, Math.floor(n / 6));
    for (let r = 0; r < reps; r++) {
      for (const noise of NOISE_KINDS) {
        const tag = `${noise}-n${n}-r${r}`;
        out.push(makeSeries(`noise-${tag}`, 'noise', noise, n, 0, seed++, { level: () => 1, truth: [] }));
        for (const pct of STEP_PERCENTS) {
          // one step, up or down, anywhere at least `margin` from the ends
          const random = seededRandom(seed * 7919);
          const at = margin + Math.floor(random() * (n - 2 * margin));
          const factor = random() < 0.5 ? 1 + pct / 100 : 1 / (1 + pct / 100);
          out.push(makeSeries(`step${pct}-${tag}`, 'step', noise, n, pct, seed++, { level: steps([at], [factor]), truth: [at] }));
        }
        if (n >= 100) {
          for (const pct of [5, 10]) {
            const random = seededRandom(seed * 7919);
            // several steps ≥ n/8 apart, alternating direction
            const count = n >= 500 ? 4 : 2;
            const at = Array.from({ length: count }, (_, k) => Math.round(((k + 1) * n) / (count + 1) + (random() - 0.5) * (n / (4 * (count + 1)))));
            const factors = at.map((_, k) => (k % 2 === 0 ? 1 + pct / 100 : 1 / (1 + pct / 100)));
            out.push(makeSeries(`steps${pct}-${tag}`, 'steps', noise, n, pct, seed++, { level: steps(at, factors), truth: at }));
            // two steps close together (a regression fixed 12 runs later)
            const mid = Math.floor(n / 2);
            out.push(makeSeries(`close${pct}-${tag}`, 'close-steps', noise, n, pct, seed++, { level: steps([mid, mid + 12], [1 + pct / 100, 1 / (1 + pct / 100)]), truth: [mid, mid + 12] }));
          }
        }
        for (const pct of [5, 10, 30]) {
          // steps near both ends: 8 points after the start and 8 before the end
          out.push(makeSeries(`edge${pct}-${tag}`, 'edge-steps', noise, n, pct, seed++, { level: steps([8, n - 8], [1 + pct / 100, 1 + pct / 100]), truth: [8, n - 8] }));
        }
        if (noise === 'gaussian' || noise === 'lognormal' || noise === 'quantised') {
          const mid = Math.floor(n / 2);
          out.push(makeSeries(`variance-${tag}`, 'variance', noise, n, 0, seed++, { level: () => 1, spread: (i) => (i < mid ? 1 : 3), truth: [mid] }));
          for (const total of [10, 30]) {
            // a linear trend over the whole series: one finding at most, not a staircase
            out.push(makeSeries(`trend${total}-${tag}`, 'trend', noise, n, total, seed++, { level: (i) => 1 + (total / 100) * (i / n), truth: [] }));
          }
          // slow drift: one slow swing of ±1σ over the series
          out.push(makeSeries(`drift-${tag}`, 'drift', noise, n, 0, seed++, { level: (i) => 1 + SCALE * Math.sin((2 * Math.PI * i) / n), truth: [] }));
          // random walk: the level wanders by 0.1σ per point on top of the noise
          const random = seededRandom(seed * 104729);
          const walk: number[] = [];
          let w = 0;
          for (let i = 0; i < n; i++) walk.push((w += 0.1 * SCALE * standardNormal(random)));
          out.push(makeSeries(`walk-${tag}`, 'random-walk', noise, n, 0, seed++, { level: (i) => 1 + walk[i], truth: [] }));
        }
      }
    }
  }
  return out;
}
