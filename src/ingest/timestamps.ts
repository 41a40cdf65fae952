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
  if (typeof value === 'number') return Number.isFinite(value) ? Math.round(epochToMs(value)) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return Math.round(epochToMs(Number(text)));
  return parseDateTime(text);
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
