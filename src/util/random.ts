/**
 * A small seeded PRNG (mulberry32) and normal deviates, for data that must be the same on every machine
 * (the demo data set, the synthetic series of the detection tests).
 *
 * ```ts
 * const random = seededRandom(42);
 * const noise = 10 * normal(random); // the same value on every run with seed 42
 * ```
 */

/** mulberry32: uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal deviate drawn from two uniforms of `random`. */
export function normal(random: () => number): number {
  // Box–Muller; 1 - u keeps log away from 0.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
