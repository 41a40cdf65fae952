/**
 * numpy's legacy `RandomState` as far as scikit-learn's IsolationForest uses it: MT19937 seeded with
 * `init_genrand` (an integer seed), and `randint(low, high)` by masked rejection sampling on 32-bit draws
 * (numpy `random_bounded_uint64_fill` with `use_masked`, ranges below 2³²).
 *
 * @example
 * new RandomState(42).randint(0, 2147483647); // the first seed IsolationForest(random_state=42) draws
 */
export class RandomState {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1] ^ (this.mt[i - 1] >>> 30);
      // 1812433253 * prev + i, in 32-bit arithmetic.
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  nextUint32(): number {
    if (this.index >= 624) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** An integer in [low, high), as `RandomState.randint(low, high)` (high − low − 1 < 2³²). */
  randint(low: number, high: number): number {
    return low + this.interval(high - low - 1);
  }

  /** numpy `random_interval(max)`: an integer in [0, max] by masked rejection over 32-bit draws. */
  interval(max: number): number {
    if (max <= 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    for (;;) {
      const value = (this.nextUint32() & mask) >>> 0;
      if (value <= max) return value;
    }
  }

  private twist(): void {
    const mt = this.mt;
    for (let i = 0; i < 624; i++) {
      const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
      let next = mt[(i + 397) % 624] ^ (y >>> 1);
      if (y & 1) next ^= 0x9908b0df;
      mt[i] = next >>> 0;
    }
    this.index = 0;
  }
}
