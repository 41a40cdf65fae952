/**
 * Test combinations and their names. PCG: every combination, config key order, the last key fastest
 * (Autoperf's `itertools.product`). RCG: a seeded random order of the same space without repeats — a lazy
 * Fisher–Yates shuffle, so a campaign resumed with the same seed walks the same order and skips what the
 * ESS already holds. Names are Autoperf's (`600SEC_100B_5PUB_1SUB_REL_MC_0DUR_100LC`), parsed back exactly.
 *
 * ```ts
 * const space = new Space(config.qos);
 * testName(space.at(0)); // '30SEC_100B_1PUB_1SUB_REL_MC_0DUR_100LC'
 * for (const c of rcgOrder(space, 42)) { … }
 * ```
 */
import { seededRandom } from '../util/random.js';
import type { QosValue, Workload } from './config.js';

/** One test's settings, in config key order; a key whose list is empty is absent. */
export type Combination = Array<[string, QosValue]>;

export class Space {
  readonly keys: string[];
  readonly lists: QosValue[][];
  readonly size: number;

  constructor(qos: Array<[string, QosValue[]]>) {
    const used = qos.filter(([, values]) => values.length > 0);
    this.keys = used.map(([k]) => k);
    this.lists = used.map(([, v]) => v);
    this.size = this.lists.reduce((n, l) => n * l.length, 1);
  }

  /** The combination at PCG index `i` (0 ≤ i < size): the last key varies fastest. */
  at(i: number): Combination {
    const out: Combination = new Array(this.keys.length);
    for (let k = this.keys.length - 1; k >= 0; k--) {
      const n = this.lists[k].length;
      out[k] = [this.keys[k], this.lists[k][i % n]];
      i = Math.floor(i / n);
    }
    return out;
  }

  *pcg(): Generator<Combination> {
    for (let i = 0; i < this.size; i++) yield this.at(i);
  }
}

/**
 * The space in a random order fixed by `seed`, each combination once. The swaps live in a map, so
 * memory grows with the number drawn, not with the size of the space.
 */
export function* rcgOrder(space: Space, seed: number): Generator<Combination> {
  const random = seededRandom(seed);
  const swapped = new Map<number, number>();
  for (let i = 0; i < space.size; i++) {
    const j = i + Math.floor(random() * (space.size - i));
    const pick = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    swapped.delete(i);
    yield space.at(pick);
  }
}

export const asObject = (c: Combination): Record<string, QosValue> => Object.fromEntries(c);

const PERFTEST_NAME: Array<{ key: string; write: (v: QosValue) => string; pattern: string; read: (m: string) => QosValue }> = [
  { key: 'duration_secs', write: (v) => `${v}SEC`, pattern: '(\\d+)SEC', read: Number },
  { key: 'datalen_bytes', write: (v) => `${v}B`, pattern: '(\\d+)B', read: Number },
  { key: 'pub_count', write: (v) => `${v}PUB`, pattern: '(\\d+)PUB', read: Number },
  { key: 'sub_count', write: (v) => `${v}SUB`, pattern: '(\\d+)SUB', read: Number },
  { key: 'use_reliable', write: (v) => (v ? 'REL' : 'BE'), pattern: '(REL|BE)', read: (m) => m === 'REL' },
  { key: 'use_multicast', write: (v) => (v ? 'MC' : 'UC'), pattern: '(MC|UC)', read: (m) => m === 'MC' },
  { key: 'durability_level', write: (v) => `${v}DUR`, pattern: '(\\d)DUR', read: Number },
  { key: 'latency_count', write: (v) => `${v}LC`, pattern: '(\\d+)LC', read: Number },
];
// Every part optional (a setting with an empty list has none), in Autoperf's fixed order.
const PERFTEST_NAME_RE = new RegExp(`^${PERFTEST_NAME.map((p) => `(?:${p.pattern}(?:_|$))?`).join('')}$`);

/**
 * The test's name. Perftest: Autoperf's fixed order whatever the config's key order, a setting left out
 * leaves its part out. A generic workload: `key-value` parts in config order joined by `__`.
 */
export function testName(c: Combination, workload: Workload): string {
  const values = asObject(c);
  if (workload.kind === 'perftest') return PERFTEST_NAME.filter((p) => p.key in values).map((p) => p.write(values[p.key])).join('_');
  return c.map(([k, v]) => `${k}-${String(v)}`).join('__');
}

/** The settings a name stands for, or null when it is not a name of this space. */
export function parseTestName(name: string, space: Space, workload: Workload): Combination | null {
  const values: Record<string, QosValue> = {};
  if (workload.kind === 'perftest') {
    const m = PERFTEST_NAME_RE.exec(name);
    if (!m || name.endsWith('_')) return null;
    PERFTEST_NAME.forEach((p, i) => {
      if (m[i + 1] !== undefined) values[p.key] = p.read(m[i + 1]);
    });
  } else {
    for (const part of name.split('__')) {
      const dash = part.indexOf('-');
      if (dash < 1) return null;
      const key = part.slice(0, dash);
      const k = space.keys.indexOf(key);
      const value = k < 0 ? undefined : space.lists[k].find((v) => String(v) === part.slice(dash + 1));
      if (value === undefined || key in values) return null;
      values[key] = value;
    }
  }
  if (Object.keys(values).length !== space.keys.length) return null;
  const out: Combination = [];
  for (const [k, key] of space.keys.entries()) {
    if (!(key in values) || !space.lists[k].some((v) => v === values[key])) return null;
    out.push([key, values[key]]);
  }
  return out;
}
