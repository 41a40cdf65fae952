/** Time buckets of the test analytics API (`GET /api/v1/tests/runs-by-key`), as chart x values. */

/**
 * A bucket's start in epoch seconds: a day or a week's first day (`2026-11-02`), an hour
 * (`2026-11-01T06:00:00`, UTC), or an ISO week (`2026-W45`, its Monday).
 */
export function bucketSeconds(bucket: string): number {
  const week = /^(\d{4})-W(\d{2})$/.exec(bucket);
  if (week) {
    // ISO 8601: week 1 holds January 4th; weeks start on Monday.
    const jan4 = Date.UTC(Number(week[1]), 0, 4);
    const monday1 = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
    return (monday1 + (Number(week[2]) - 1) * 7 * 86_400_000) / 1000;
  }
  return Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(bucket) ? `${bucket}T00:00:00Z` : /Z$|[+-]\d\d:\d\d$/.test(bucket) ? bucket : `${bucket}Z`) / 1000;
}

const STEP_SECONDS: Record<string, number> = { hour: 3600, day: 86_400, week: 7 * 86_400 };

/** The width of a bucket in seconds (a day when the resolution is not one of hour/day/week). */
export function bucketStep(resolution: string): number {
  return STEP_SECONDS[resolution] ?? 86_400;
}

/** A bucket as an axis label (two lines): `2026-11-02` / `06:00`, `week of` / `2026-10-26`, or as the API wrote it. */
export function bucketLabel(bucket: string, resolution: string): string {
  const hour = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(bucket);
  if (hour) return `${hour[1]}\n${hour[2]}`;
  if (resolution === 'week' && /^\d{4}-\d{2}-\d{2}$/.test(bucket)) return `week of\n${bucket}`;
  return bucket;
}

/** At most `room` of the values, evenly spaced, the first always included. */
export function thin<T>(values: readonly T[], room: number): T[] {
  const every = Math.max(1, Math.ceil(values.length / Math.max(1, room)));
  return values.filter((_, i) => i % every === 0);
}
