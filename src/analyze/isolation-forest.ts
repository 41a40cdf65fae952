/**
 * scikit-learn's `IsolationForest(contamination="auto", random_state=…)` (defaults: 100 trees,
 * `max_samples="auto"` = min(256, n), `max_features=1.0`, no bootstrap), reproduced step by step so that
 * Orion's `--anomaly-detection` flags the same rows:
 *
 * - `BaseBagging._fit`: `seeds = RandomState(random_state).randint(2³¹−1, size=n_estimators)`;
 * - per tree i: the tree's own seed is `RandomState(seeds[i]).randint(2³¹−1)` (`_set_random_states`);
 *   the rows are `sample_without_replacement(n, max_samples, RandomState(seeds[i]))` after the features
 *   (all of them; reservoir sampling draws nothing when every item is kept, else a permutation);
 * - the tree (`ExtraTreeRegressor(max_features=1, splitter="random")`, depth-first, left child first,
 *   `max_depth = ceil(log2(max_samples))`) draws from the C `rand_r` generator seeded with
 *   `RandomState(treeSeed).randint(0, 2³¹−1)`: a feature (Fisher–Yates over the non-constant ones,
 *   constant ones remembered for the subtree) and a threshold uniform in [min, max) of that feature in the
 *   node, values as float32;
 * - score: 2^(−mean path length / c(max_samples)), path length = depth + c(leaf size); outlier when the
 *   score exceeds 0.5 (`offset_ = −0.5` for contamination "auto").
 *
 * @example
 * isolationForestOutliers([[1], [1], [1], [9]], { randomState: 42 }); // [false, false, false, true]
 */
import { RandomState } from './mt19937.js';

const MAX_INT32 = 2147483647;
const RAND_R_MAX = 2147483647;
const FEATURE_THRESHOLD = 1e-7;
const EULER_GAMMA = 0.5772156649015329;

export interface IsolationForestOptions {
  randomState: number;
  /** Default 100. */
  nEstimators?: number;
}

/** Outlier flag per row (`predict(X) == -1`). */
export function isolationForestOutliers(rows: readonly (readonly number[])[], options: IsolationForestOptions): boolean[] {
  return isolationForestScores(rows, options).map((score) => score > 0.5);
}

/** Anomaly score per row (`-score_samples(X)`): above 0.5 is an outlier. */
export function isolationForestScores(rows: readonly (readonly number[])[], options: IsolationForestOptions): number[] {
  const n = rows.length;
  if (n === 0) return [];
  const nFeatures = rows[0].length;
  const X = rows.map((r) => r.map((v) => Math.fround(v)));
  const nEstimators = options.nEstimators ?? 100;
  const maxSamples = Math.min(256, n);
  const maxDepth = Math.ceil(Math.log2(Math.max(maxSamples, 2)));
  const bagging = new RandomState(options.randomState);
  const seeds: number[] = [];
  for (let i = 0; i < nEstimators; i++) seeds.push(bagging.randint(0, MAX_INT32));

  const depths = new Array<number>(n).fill(0);
  for (const seed of seeds) {
    const treeSeed = new RandomState(seed).randint(0, MAX_INT32);
    const indicesRng = new RandomState(seed);
    const features = sampleWithoutReplacement(nFeatures, nFeatures, indicesRng);
    // The splitter visits the kept rows in index order (sklearn masks the others with zero weight).
    const samples = sampleWithoutReplacement(n, maxSamples, indicesRng).sort((a, b) => a - b);
    const tree = buildTree(X.map((r) => features.map((f) => r[f])), samples, maxDepth, new RandomState(treeSeed).randint(0, RAND_R_MAX));
    for (let i = 0; i < n; i++) {
      const row = features.map((f) => X[i][f]);
      const leaf = tree.apply(row);
      depths[i] += leaf.depth + averagePathLength(leaf.samples);
    }
  }
  const denominator = nEstimators * averagePathLength(maxSamples);
  return depths.map((d) => (denominator === 0 ? 1 : 2 ** (-d / denominator)));
}

/** sklearn `_average_path_length`: c(n) = 2·H(n−1) − 2(n−1)/n with H(k) ≈ ln k + γ; 0 for n ≤ 1, 1 for 2. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + EULER_GAMMA) - (2 * (n - 1)) / n;
}

/** sklearn `sample_without_replacement(n_population, n_samples, method="auto")`. */
function sampleWithoutReplacement(population: number, count: number, rng: RandomState): number[] {
  const ratio = population === 0 ? 1 : count / population;
  if (ratio > 0.01 && ratio < 0.99) return permutation(population, rng).slice(0, count);
  if (ratio < 0.2) {
    // Tracking selection.
    const selected = new Set<number>();
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      let j = rng.randint(0, population);
      while (selected.has(j)) j = rng.randint(0, population);
      selected.add(j);
      out.push(j);
    }
    return out;
  }
  // Reservoir sampling.
  const out = Array.from({ length: count }, (_, i) => i);
  for (let i = count; i < population; i++) {
    const j = rng.randint(0, i + 1);
    if (j < count) out[j] = i;
  }
  return out;
}

/** numpy legacy `permutation(n)`: Fisher–Yates from the end with `random_interval` draws. */
function permutation(n: number, rng: RandomState): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.interval(i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** sklearn's `our_rand_r` xorshift generator. */
class RandR {
  constructor(private state: number) {}

  next(): number {
    let s = this.state >>> 0;
    if (s === 0) s = 1;
    s = (s ^ (s << 13)) >>> 0;
    s = (s ^ (s >>> 17)) >>> 0;
    s = (s ^ (s << 5)) >>> 0;
    this.state = s;
    return s % (RAND_R_MAX + 1);
  }

  int(low: number, high: number): number {
    return low + (this.next() % (high - low));
  }

  uniform(low: number, high: number): number {
    return ((high - low) * this.next()) / RAND_R_MAX + low;
  }
}

interface Node {
  depth: number;
  samples: number;
  feature?: number;
  threshold?: number;
  left?: Node;
  right?: Node;
}

class IsolationTree {
  constructor(private readonly root: Node) {}

  apply(row: readonly number[]): Node {
    let node = this.root;
    while (node.left && node.right && node.feature !== undefined && node.threshold !== undefined) {
      node = row[node.feature] <= node.threshold ? node.left : node.right;
    }
    return node;
  }
}

/** sklearn's DepthFirstTreeBuilder with the RandomSplitter and max_features = 1. */
function buildTree(X: readonly (readonly number[])[], sampleRows: number[], maxDepth: number, randSeed: number): IsolationTree {
  const rand = new RandR(randSeed);
  const nFeatures = X[0]?.length ?? 0;
  const features = Array.from({ length: nFeatures }, (_, i) => i);
  const samples = [...sampleRows];
  const root: Node = { depth: 0, samples: samples.length };
  // Stack entries: [start, end, depth, node, nConstantFeatures]; the left child is popped first.
  const stack: [number, number, number, Node, number][] = [[0, samples.length, 0, root, 0]];
  while (stack.length) {
    const [start, end, depth, node, nKnownConstants] = stack.pop() as [number, number, number, Node, number];
    const nNode = end - start;
    if (depth >= maxDepth || nNode < 2) continue;
    const split = splitRandom(X, samples, features, start, end, nKnownConstants, rand);
    if (!split) continue;
    node.feature = split.feature;
    node.threshold = split.threshold;
    node.right = { depth: depth + 1, samples: end - split.pos };
    node.left = { depth: depth + 1, samples: split.pos - start };
    stack.push([split.pos, end, depth + 1, node.right, split.nConstants]);
    stack.push([start, split.pos, depth + 1, node.left, split.nConstants]);
  }
  return new IsolationTree(root);
}

/** `node_split_random` with max_features = 1 and min_samples_leaf = 1 (one candidate split). */
function splitRandom(
  X: readonly (readonly number[])[],
  samples: number[],
  features: number[],
  start: number,
  end: number,
  nKnownConstants: number,
  rand: RandR,
): { feature: number; threshold: number; pos: number; nConstants: number } | undefined {
  let fI = features.length;
  let nFoundConstants = 0;
  let nDrawnConstants = 0;
  let nTotalConstants = nKnownConstants;
  let nVisited = 0;
  const maxFeatures = 1;
  while (fI > nTotalConstants && (nVisited < maxFeatures || nVisited <= nFoundConstants + nDrawnConstants)) {
    nVisited++;
    let fJ = rand.int(nDrawnConstants, fI - nFoundConstants);
    if (fJ < nKnownConstants) {
      [features[nDrawnConstants], features[fJ]] = [features[fJ], features[nDrawnConstants]];
      nDrawnConstants++;
      continue;
    }
    fJ += nFoundConstants;
    const feature = features[fJ];
    let min = Infinity;
    let max = -Infinity;
    for (let p = start; p < end; p++) {
      const v = X[samples[p]][feature];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max <= min + FEATURE_THRESHOLD) {
      [features[fJ], features[nTotalConstants]] = [features[nTotalConstants], feature];
      nFoundConstants++;
      nTotalConstants++;
      continue;
    }
    fI--;
    [features[fI], features[fJ]] = [features[fJ], features[fI]];
    let threshold = rand.uniform(min, max);
    if (threshold === max) threshold = min;
    const pos = partition(X, samples, feature, start, end, threshold);
    if (pos - start < 1 || end - pos < 1) continue;
    return { feature, threshold, pos, nConstants: nTotalConstants };
  }
  return undefined;
}

/** sklearn's `partition_samples`: values ≤ threshold to the front, swapping from both ends. */
function partition(X: readonly (readonly number[])[], samples: number[], feature: number, start: number, end: number, threshold: number): number {
  let p = start;
  let partitionEnd = end;
  while (p < partitionEnd) {
    if (X[samples[p]][feature] <= threshold) {
      p++;
    } else {
      partitionEnd--;
      [samples[p], samples[partitionEnd]] = [samples[partitionEnd], samples[p]];
    }
  }
  return partitionEnd;
}
