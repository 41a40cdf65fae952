import { epochToMs, parseDateTime } from '../util/time.js';

/**
 * Timestamps as benchmark documents carry them: ISO strings (with or without zone, nanosecond
 * fractions as kube-burner writes them), epoch seconds or milliseconds as numbers or numeric strings.
 * A zone-less ISO string is UTC, as Orion reads it.
 *
 * @example
 * parseTimestamp('2024-01-15T20:00:46.307453873Z') // → 1705348846307
 * parseTimestamp(1750007825)                        // → 1750007825000 (seconds)
 */
export function parseTimestamp(value: unknown): number | null {
  let ms: number | null;
  if (typeof value === 'number') ms = Math.round(epochToMs(value));
  else if (typeof value !== 'string') return null;
  else {
    const text = value.trim();
    ms = /^-?\d+(\.\d+)?$/.test(text) ? Math.round(epochToMs(Number(text))) : parseDateTime(text);
  }
  return ms !== null && isEpochMs(ms) ? ms : null;
}

/**
 * What ingest stores as a time, in every format. A stored time must be one every reader can show, so a
 * value beyond these is refused at ingest (naming its field), never stored:
 * - epoch milliseconds (run timestamps, start/end): what a JavaScript Date holds, ±8.64e15 ms
 *   (±100 000 000 days around 1970, about years −271821 to 275760);
 * - epoch microseconds (test results' start/stop) and durations in microseconds: integers JavaScript
 *   holds exactly, |µs| ≤ 2^53 − 1 (about years 1685 to 2255; a duration of up to 285 years), so no
 *   digit is lost between the store and its readers; a stop (start + duration) must be one too.
 */
export const MAX_EPOCH_MS = 8.64e15;

/** Whether `ms` is an epoch millisecond value a Date holds (see {@link MAX_EPOCH_MS}). */
export function isEpochMs(ms: number): boolean {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_EPOCH_MS;
}

/** Whether `us` is an epoch microsecond value (or a duration in µs) held exactly (see {@link MAX_EPOCH_MS}). */
export function isEpochUs(us: number): boolean {
  return Number.isSafeInteger(us);
}

/** Documents of a run repeat the same timestamp strings: remembers the last few parses. */
export class TimestampCache {
  private readonly cache = new Map<unknown, number | null>();

  parse(value: unknown): number | null {
    if (typeof value !== 'string') return parseTimestamp(value);
    let ms = this.cache.get(value);
    if (ms === undefined) {
      ms = parseTimestamp(value);
      if (this.cache.size > 1000) this.cache.clear();
      this.cache.set(value, ms);
    }
    return ms;
  }
}
