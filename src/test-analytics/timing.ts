import type { Db } from '../store/tests.js';
import { encodePacket } from '../ingest/subunit/v2-writer.js';
import { testRates, type Period } from './analytics.js';

/**
 * Timing data for test schedulers: mean successful duration per test (JSON), the same as a subunit v2
 * stream of successes with those durations (what `stestr load` / `testr load` read to seed their timing
 * database, like `sql2subunit --average`), and a greedy longest-processing-time partition into workers.
 */
export async function meanDurations(db: Db, options: Period & { metadata?: [string, string] } = {}): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await testRates(db, options)) if (t.meanRunTime !== null) out[t.test] = t.meanRunTime;
  return out;
}

/** A subunit v2 stream carrying one successful result per test with its mean duration, starting at `startUs`. */
export function timingStream(durations: Record<string, number>, startUs: number): Buffer {
  const packets: Buffer[] = [];
  let clock = startUs;
  for (const [test, seconds] of Object.entries(durations)) {
    const stop = clock + Math.round(seconds * 1e6);
    packets.push(encodePacket({ testId: test, status: 'inprogress', timestampUs: clock }), encodePacket({ testId: test, status: 'success', timestampUs: stop }));
    clock = stop;
  }
  return Buffer.concat(packets);
}

export interface Partition {
  worker: number;
  total: number;
  tests: string[];
}

/**
 * Greedy LPT: tests sorted by duration (longest first, unknown ones get the mean of the known) each go to
 * the worker with the least total so far. Ties break by worker number and test name, so it is deterministic.
 */
export function partitionByTimings(tests: string[], durations: Record<string, number>, workers: number): Partition[] {
  const known = Object.values(durations);
  const fallback = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  const weighted = [...new Set(tests)].map((t) => ({ test: t, d: durations[t] ?? fallback })).sort((a, b) => b.d - a.d || a.test.localeCompare(b.test));
  const parts: Partition[] = Array.from({ length: Math.max(1, workers) }, (_, i) => ({ worker: i, total: 0, tests: [] }));
  for (const { test, d } of weighted) {
    const target = parts.reduce((best, p) => (p.total < best.total ? p : best), parts[0]);
    target.tests.push(test);
    target.total += d;
  }
  return parts;
}
