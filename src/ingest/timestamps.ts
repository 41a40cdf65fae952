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
  if (typeof value === 'number') return Number.isFinite(value) ? epochToMs(value) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!text) return null;
  if (/^-?\d+(\.\d+)?$/.test(text)) return epochToMs(Number(text));
  // Date.parse accepts at most millisecond fractions; trim longer ones (kube-burner writes nanoseconds).
  let iso = text.replace(/(\.\d{3})\d+/, '$1').replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso)) iso += 'Z';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00Z';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** Numbers below 1e11 are epoch seconds (until year 5138), larger ones milliseconds. */
function epochToMs(n: number): number {
  return Math.abs(n) < 1e11 ? Math.round(n * 1000) : Math.round(n);
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
