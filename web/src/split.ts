/**
 * A series split by a run metadata key (`#/series?…&split=platform`): each point's run has a value of the
 * key; the points of each value become one coloured line, so values are compared over the same time axis.
 * The grouping is pure (tested in test/dashboard/split.test.ts); {@link runMetadata} reads the values from
 * `GET /api/v1/runs` over the series' time range.
 */
import { api } from './api.js';

/** At most this many lines (the palette's colours); rarer values share one "other values" line. */
export const MAX_SPLIT_LINES = 8;

/** A metadata value as text; a dotted key walks nested objects (`jobConfig.qps`) unless it is a key itself. */
export function metaValue(metadata: Record<string, unknown>, key: string): string | undefined {
  let v: unknown = metadata[key];
  if (v === undefined && key.includes('.')) {
    v = metadata;
    for (const part of key.split('.')) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  }
  if (v === undefined || v === null) return undefined;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export interface SplitLine {
  /** The metadata value, or null for the "other values" / "no value" lines. */
  value: string | null;
  label: string;
  count: number;
}

export interface Split {
  lines: SplitLine[];
  /** For each point, the index of its line in `lines`, or -1 when it is not drawn (a value not asked for). */
  lineOf: Int32Array;
}

/**
 * Groups the points' values into lines. With `wanted` values: those, in that order (points of other values
 * are not drawn). Without: the most frequent values first (ties by value), at most {@link MAX_SPLIT_LINES}
 * lines, the rest in one "other values" line; points whose run lacks the key form a "no KEY" line.
 */
export function splitPoints(values: readonly (string | undefined)[], key: string, wanted: readonly string[] = []): Split {
  const counts = new Map<string, number>();
  let missing = 0;
  for (const v of values) {
    if (v === undefined) missing++;
    else counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const lines: SplitLine[] = [];
  const index = new Map<string, number>();
  let other = -1;
  let none = -1;
  if (wanted.length) {
    for (const v of wanted) {
      if (index.has(v)) continue;
      index.set(v, lines.length);
      lines.push({ value: v, label: `${key} = ${v}`, count: counts.get(v) ?? 0 });
    }
  } else {
    const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'en', { numeric: true }));
    const room = MAX_SPLIT_LINES - (missing ? 1 : 0);
    const kept = ranked.length > room ? ranked.slice(0, room - 1) : ranked;
    for (const [v, n] of kept) {
      index.set(v, lines.length);
      lines.push({ value: v, label: `${key} = ${v}`, count: n });
    }
    if (kept.length < ranked.length) {
      other = lines.length;
      const rest = ranked.slice(kept.length);
      lines.push({ value: null, label: `other ${key} values (${rest.length})`, count: rest.reduce((n, [, c]) => n + c, 0) });
    }
    if (missing) {
      none = lines.length;
      lines.push({ value: null, label: `no ${key}`, count: missing });
    }
  }
  const lineOf = new Int32Array(values.length);
  values.forEach((v, i) => (lineOf[i] = v === undefined ? none : (index.get(v) ?? other)));
  return { lines, lineOf };
}

const DAY_MS = 86_400_000;
const PAGE = 10_000;
/** Far beyond a chart's worth of runs: a store this busy in the series' time range is named, not read on. */
const MAX_PAGES = 20;

/**
 * The value of `key` for each point's run, read from the runs of the series' time range (a day of margin:
 * a series' timestamps may come from its documents rather than its run). Throws if the range holds more
 * runs than {@link MAX_PAGES} pages.
 */
export async function runMetadata(points: readonly { uuid: string; timestamp: string }[], key: string): Promise<(string | undefined)[]> {
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    const t = Date.parse(p.timestamp);
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const wanted = new Set(points.map((p) => p.uuid));
  const found = new Map<string, string | undefined>();
  const since = new Date(min - DAY_MS).toISOString();
  const until = new Date(max + DAY_MS).toISOString();
  let offset: number | null = 0;
  for (let page = 0; offset !== null && found.size < wanted.size; page++) {
    if (page === MAX_PAGES) throw new Error(`more than ${MAX_PAGES * PAGE} runs in the series' time range: split a shorter range (lookback)`);
    const answer = await api.runs({ since, until, limit: PAGE, offset });
    for (const run of answer.runs) if (wanted.has(run.uuid)) found.set(run.uuid, metaValue(run.metadata ?? {}, key));
    offset = answer.nextOffset;
  }
  return points.map((p) => found.get(p.uuid));
}
