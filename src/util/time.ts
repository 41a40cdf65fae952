/**
 * Reading times as benchmark data writes them, the same way in every layer: calendar text in UTC unless it
 * names a zone, epoch numbers in seconds or milliseconds.
 *
 * ```ts
 * parseDateTime('2024-01-15T20:00:46.307453873Z') // → 1705348846307 (fractions below a ms dropped)
 * parseDateTime('2024/1/5 10:00 +0200')           // → Date.UTC(2024, 0, 5, 8)
 * epochToMs(1750007825)                           // → 1750007825000 (seconds)
 * ```
 */

/** `YYYY-MM-DD[ HH:MM[:SS[.frac]]][ Z|±HH[:]MM]`, with `-`, `.` or `/` between the date parts (Otava's examples). */
const DATE_TIME = /^(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Epoch milliseconds of a date-time text, or null when it is none. The forms above are read exactly (UTC
 * when no zone is given, as Orion and OpenSearch read them; out-of-range parts such as month 13 are no
 * time); any other text goes to `Date.parse` (RFC 2822 dates and the like).
 */
export function parseDateTime(text: string): number | null {
  const trimmed = text.trim();
  const m = DATE_TIME.exec(trimmed);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
    const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
    const date = new Date(Date.UTC(...parts));
    const valid = date.getUTCMonth() === parts[1] && date.getUTCDate() === parts[2] && parts[3] < 24 && parts[4] < 60 && parts[5] < 60;
    if (!valid) return null;
    // Date.parse keeps milliseconds and drops finer digits (kube-burner writes nanoseconds): the same here.
    let ms = date.getTime() + Number(frac.slice(0, 3).padEnd(3, '0'));
    if (zone && zone !== 'Z') {
      const digits = zone.replace(':', '');
      const offsetMinutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
      ms -= (zone.startsWith('-') ? -1 : 1) * offsetMinutes * 60_000;
    }
    return ms;
  }
  if (!trimmed) return null;
  const parsed = Date.parse(trimmed.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(parsed) ? null : parsed;
}

/** Epoch numbers below this are seconds (until the year 5138), larger ones milliseconds, as Orion reads them. */
export const EPOCH_SECONDS_LIMIT = 1e11;

/** Milliseconds of an epoch number in seconds or milliseconds (see {@link EPOCH_SECONDS_LIMIT}). */
export function epochToMs(n: number): number {
  return Math.abs(n) < EPOCH_SECONDS_LIMIT ? n * 1000 : n;
}
