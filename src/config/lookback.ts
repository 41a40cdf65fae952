/**
 * Orion's time window flags (`orion/utils.py:get_subtracted_timestamp`, `process_test`):
 *
 * - `--lookback XdYh` (regex `^(?:(\d+)d)?(?:(\d+)h)?$`: `5d`, `12h`, `1d12h`) — runs strictly after
 *   now − duration (`range.gt`), or after since − duration when `--since` is given;
 * - `--since YYYY-MM-DD` (Python `strptime('%Y-%m-%d')`, midnight UTC) — runs strictly before it
 *   (`range.lt`).
 *
 * Orion formats the bounds with `%Y-%m-%dT%H:%M:%SZ`, so sub-second parts are dropped; so are they here.
 * Unlike Orion — which crashes on a malformed lookback and silently ignores a malformed since — both are
 * errors naming the flag.
 *
 * @example
 * timeWindow({ lookback: '15d', since: '2026-01-20' });
 * // { after: 2026-01-05T00:00:00Z, before: 2026-01-20T00:00:00Z }
 */
import { UserError } from '../util/errors.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Duration of an Orion `--lookback` value in milliseconds. */
export function parseLookback(value: string): number {
  const match = /^(?:(\d+)d)?(?:(\d+)h)?$/.exec(value);
  if (!match || value === '') {
    throw new UserError(`expected a duration like 15d, 12h or 1d12h, got ${JSON.stringify(value)}`, { field: '--lookback' });
  }
  return Number(match[1] ?? 0) * DAY_MS + Number(match[2] ?? 0) * HOUR_MS;
}

/** An Orion `--since` date: midnight UTC of `YYYY-MM-DD` (month and day may have one digit, as strptime allows). */
export function parseSince(value: string): Date {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [NaN, NaN, NaN];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (!match || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new UserError(`expected a date like 2026-01-20, got ${JSON.stringify(value)}`, { field: '--since' });
  }
  return date;
}

export interface TimeWindow {
  /** Runs strictly after this instant (`RunQuery.after`). */
  after?: Date;
  /** Runs strictly before this instant (`RunQuery.before`). */
  before?: Date;
}

/** The run window of `--lookback` / `--since`; `now` is injectable for tests. Empty strings mean unset. */
export function timeWindow(flags: { lookback?: string; since?: string; now?: Date }): TimeWindow {
  const before = flags.since ? parseSince(flags.since) : undefined;
  if (!flags.lookback) return { before };
  const end = before ?? flags.now ?? new Date();
  const after = new Date(Math.floor((end.getTime() - parseLookback(flags.lookback)) / 1000) * 1000);
  return { after, before };
}
