/**
 * The test names an ingest has already written, as a Bloom filter: fixed memory (1 MiB) whatever the size
 * of the run, no false negatives, and few false positives — a "maybe" is confirmed against the store, so
 * the answer is always exact. At 300 000 names about 1 in 7 000 is a false "maybe"; at a million, 1 in 50.
 */
const BITS = 1 << 23;
const PROBES = 5;

export class NameFilter {
  private readonly words = new Uint32Array(BITS / 32);

  add(name: string): void {
    const [h1, h2] = hashes(name);
    for (let k = 0; k < PROBES; k++) {
      const bit = (h1 + Math.imul(k, h2)) & (BITS - 1);
      this.words[bit >>> 5] |= 1 << (bit & 31);
    }
  }

  mightHave(name: string): boolean {
    const [h1, h2] = hashes(name);
    for (let k = 0; k < PROBES; k++) {
      const bit = (h1 + Math.imul(k, h2)) & (BITS - 1);
      if ((this.words[bit >>> 5] & (1 << (bit & 31))) === 0) return false;
    }
    return true;
  }
}

/** Two independent 32-bit FNV-1a style hashes of the UTF-16 code units (double hashing makes the probes). */
function hashes(name: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ name.length;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  // An odd step visits distinct bits for every probe.
  return [a >>> 0, (b ^ (b >>> 15)) | 1];
}
