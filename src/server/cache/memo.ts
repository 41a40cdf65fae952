/**
 * A bounded memo of asynchronous computations: least recently used entries are dropped past
 * `maxEntries`; concurrent callers of one key share one computation; a failed computation is forgotten
 * (the next caller computes again, so errors are never served from the memo).
 *
 * Keys must name every input of the computation — the daemon's keys include the store's data version,
 * which is what keeps two daemons on one database from ever answering differently.
 *
 * @example
 * const memo = new Memo<string>('bodies', 128);
 * const body = await memo.get(`series|${configHash}|v${version}`, () => computeBody());
 */
export interface MemoStats {
  name: string;
  entries: number;
  maxEntries: number;
  hits: number;
  misses: number;
}

export class Memo<V> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<string, Promise<V>>();
  private hits = 0;
  private misses = 0;

  constructor(
    readonly name: string,
    readonly maxEntries: number,
  ) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError(`memo ${name}: maxEntries must be a positive integer`);
  }

  get(key: string, compute: () => Promise<V>): Promise<V> {
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    this.misses++;
    const pending = compute();
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return pending;
  }

  /** Drops the entry of `key` if it is still `value` (a caller found it stale; a newer one stays). */
  forget(key: string, value: Promise<V>): void {
    if (this.entries.get(key) === value) this.entries.delete(key);
  }

  stats(): MemoStats {
    return { name: this.name, entries: this.entries.size, maxEntries: this.maxEntries, hits: this.hits, misses: this.misses };
  }
}
