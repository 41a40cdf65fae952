/**
 * numpy's default generator, reproduced: `numpy.random.default_rng(seed)` (SeedSequence → PCG64
 * XSL-RR 128/64) and `Generator.shuffle` of a 1-D array (Fisher–Yates with masked rejection sampling,
 * 32-bit draws taken in halves of a 64-bit output). Same seed → same permutations as numpy, which makes
 * Otava's permutation test reproducible.
 *
 * @example
 * const rng = NumpyPcg64.fromSeed(1);
 * rng.shuffle(values, 0, values.length); // as np.random.default_rng(1).shuffle(values)
 */

const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;
const MULTIPLIER = 0x2360ed051fc65da44385df649fccf645n;

// SeedSequence constants (numpy/random/bit_generator.pyx).
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const POOL_SIZE = 4;

function seedWords(seed: number): number[] {
  if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  const words: number[] = [];
  let rest = seed;
  do {
    words.push(rest % 0x100000000);
    rest = Math.floor(rest / 0x100000000);
  } while (rest > 0);
  return words;
}

/** SeedSequence(seed).generate_state(n64, uint64) as bigints. */
function seedSequenceState(seed: number, n64: number): bigint[] {
  const entropy = seedWords(seed);
  let hashConst = INIT_A;
  const hashmix = (value: number): number => {
    value = (value ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> 16)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const r = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (r ^ (r >>> 16)) >>> 0;
  };
  const pool: number[] = [];
  for (let i = 0; i < POOL_SIZE; i++) pool.push(hashmix(i < entropy.length ? entropy[i] : 0));
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) if (src !== dst) pool[dst] = mix(pool[dst], hashmix(pool[src]));
  }
  for (let src = POOL_SIZE; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) pool[dst] = mix(pool[dst], hashmix(entropy[src]));
  }
  let h = INIT_B;
  const words32: number[] = [];
  for (let i = 0; i < 2 * n64; i++) {
    let v = (pool[i % POOL_SIZE] ^ h) >>> 0;
    h = Math.imul(h, MULT_B) >>> 0;
    v = Math.imul(v, h) >>> 0;
    words32.push((v ^ (v >>> 16)) >>> 0);
  }
  const out: bigint[] = [];
  for (let i = 0; i < n64; i++) out.push(BigInt(words32[2 * i]) | (BigInt(words32[2 * i + 1]) << 32n));
  return out;
}

export class NumpyPcg64 {
  private state = 0n;
  private inc = 0n;
  private pendingHigh: number | null = null;

  static fromSeed(seed: number): NumpyPcg64 {
    const [s0, s1, i0, i1] = seedSequenceState(seed, 4);
    const rng = new NumpyPcg64();
    rng.inc = ((((i0 << 64n) | i1) << 1n) | 1n) & MASK128;
    rng.step();
    rng.state = (rng.state + ((s0 << 64n) | s1)) & MASK128;
    rng.step();
    return rng;
  }

  private step(): void {
    this.state = (this.state * MULTIPLIER + this.inc) & MASK128;
  }

  /** Next 64-bit output as [low 32 bits, high 32 bits]. */
  private next64(): [number, number] {
    this.step();
    const hi = this.state >> 64n;
    const xored = (hi ^ this.state) & MASK64;
    const rot = hi >> 58n;
    const out = ((xored >> rot) | (xored << ((64n - rot) & 63n))) & MASK64;
    return [Number(out & 0xffffffffn), Number(out >> 32n)];
  }

  next32(): number {
    if (this.pendingHigh !== null) {
      const v = this.pendingHigh;
      this.pendingHigh = null;
      return v;
    }
    const [low, high] = this.next64();
    this.pendingHigh = high;
    return low;
  }

  /** numpy `random_interval(max)` over this generator. */
  interval(max: number): number {
    return numpyRandomInterval(() => this.next32(), max);
  }

  /** `Generator.shuffle(x[start:end])`. */
  shuffle(x: Float64Array, start: number, end: number): void {
    for (let i = end - start - 1; i >= 1; i--) {
      const j = this.interval(i);
      const tmp = x[start + j];
      x[start + j] = x[start + i];
      x[start + i] = tmp;
    }
  }
}

/**
 * numpy's `random_interval(max)`: a uniform integer in [0, max] by masked rejection sampling over 32-bit
 * draws (max < 2³²). Shared by every numpy-compatible generator (PCG64 here, MT19937 elsewhere).
 */
export function numpyRandomInterval(next32: () => number, max: number): number {
  if (max === 0) return 0;
  let mask = max;
  for (let shift = 1; shift <= 16; shift *= 2) mask |= mask >>> shift;
  mask >>>= 0;
  for (;;) {
    const value = (next32() & mask) >>> 0;
    if (value <= max) return value;
  }
}
