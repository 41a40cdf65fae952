import { DivergenceCalculator, newScanRecord, type Candidate, type ScanRecord } from './divergence.js';
import type { SegmentComparison, WindowTrace } from './types.js';

/** Compares `x[a:b)` with `x[b:c)` (global indexes); may answer from a cache. */
export type SegmentTester = (a: number, b: number, c: number) => SegmentComparison;

/**
 * Scan records reused by every window (the engine is synchronous, so one window uses them at a time);
 * grown to the longest window seen.
 */
const recordPool: ScanRecord[] = [];

function pooledRecord(k: number, capacity: number): ScanRecord {
  if (k >= recordPool.length || recordPool[k].qhat.length < capacity) recordPool[k] = newScanRecord(capacity);
  return recordPool[k];
}

/** A scan of `[start, start + columns + 1)` (window coordinates) whose running bests are in `record`. */
interface Scan {
  columns: number;
  record: ScanRecord;
}

/**
 * E-divisive inside one window `series[start:end)` as Otava's `ChangePointDetector.get_change_points`:
 * repeatedly take the best candidate over the current intervals (ties → leftmost interval), t-test it
 * against its whole interval, keep it if p ≤ threshold, stop at the first that is not.
 * A candidate depends only on its interval, so each interval's candidate is computed once; and a cut
 * leaves the interval left of it as a prefix of one already scanned, whose candidate (finite data) is
 * then read from that scan's running best instead of being scanned again.
 */
export function detectInWindow(
  series: Float64Array,
  start: number,
  end: number,
  threshold: number,
  mayHaveNonFinite: boolean,
  calc: DivergenceCalculator,
  test: SegmentTester,
): WindowTrace {
  const width = end - start;
  const cuts: number[] = []; // local change point indexes, sorted
  const memo = new Map<number, Candidate>();
  /** the longest scan from each interval start (intervals only shrink, so it is the first one) */
  const scans = new Map<number, Scan>();
  const trace: WindowTrace = { start, end, found: [], rejectedCandidate: null };
  for (;;) {
    let best: Candidate | null = null;
    let bestStart = 0;
    let bestEnd = 0;
    let prev = 0;
    for (let k = 0; k <= cuts.length; k++) {
      const stop = k < cuts.length ? cuts[k] : width;
      if (stop - prev > 1) {
        const key = prev * (width + 1) + stop;
        let cand = memo.get(key);
        if (cand === undefined) {
          const columns = stop - prev - 1;
          const scan = scans.get(prev);
          if (scan !== undefined && !mayHaveNonFinite && scan.columns >= columns) {
            cand = { index: prev + 1 + scan.record.tau[columns - 1], qhat: scan.record.qhat[columns - 1] };
          } else {
            const record = pooledRecord(scans.size, columns);
            cand = calc.candidate(series, start, prev, stop, mayHaveNonFinite, record);
            if (scan === undefined) scans.set(prev, { columns, record });
          }
          memo.set(key, cand);
        }
        if (best === null || cand.qhat > best.qhat) {
          best = cand;
          bestStart = prev;
          bestEnd = stop;
        }
      }
      prev = stop;
    }
    if (best === null) break;
    const stats = test(start + bestStart, start + best.index, start + bestEnd);
    const record = { index: start + best.index, qhat: best.qhat, pvalue: stats.pvalue };
    if (stats.pvalue <= threshold) {
      trace.found.push(record);
      let at = cuts.length;
      while (at > 0 && cuts[at - 1] > best.index) at--;
      cuts.splice(at, 0, best.index);
    } else {
      trace.rejectedCandidate = record;
      break;
    }
  }
  // Otava lists a window's change points sorted by index.
  trace.found.sort((a, b) => a.index - b.index);
  return trace;
}
