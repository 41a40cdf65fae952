/**
 * Otava's `graphite` test type (Otava 0.8 `importer.py: GraphiteImporter`, `graphite.py`): each metric is
 * the Graphite path `<prefix>.<suffix>`, read through the render API
 * (`render?target=…&format=json&from=<since>&until=<until>`, targets sharing a prefix sent as
 * `prefix.{a,b}`); the series are aligned on the union of their timestamps (a metric without a point at a
 * time gets null there, later forward-filled by the analysis); the run, branch, version and commit
 * attributes come from Graphite events ("Performance Test" events tagged with the test's `tags`, and the
 * branch), matched to a point by the event's time rounded down to the series' resolution.
 *
 * Deliberate differences from Otava, each a crash or a silent empty answer there:
 * - a prefix with `%{BRANCH}` and no `--branch` is an error (Otava asks Graphite for the literal text);
 * - the Graphite URL works with or without its trailing slash (Otava needs it);
 * - event data that is not a Python/JSON mapping is an error naming the event (Otava: a traceback).
 */
import { UserError } from '../util/errors.js';
import type { GraphiteTest } from './config.js';
import { parsePythonLiteral, PythonLiteralError, type PyValue } from './python-literal.js';
import type { DataSelector, OtavaSeries } from './series.js';

export const GRAPHITE_ATTRIBUTES = ['run', 'branch', 'version', 'commit'] as const;

/** Otava's `interpolate` for the one variable it knows, `%{BRANCH}`. */
export function graphitePath(test: GraphiteTest, branch: string | undefined, metric: { suffix: string }): string {
  if (branch && test.branchPrefix) return `${test.branchPrefix.replaceAll('%{BRANCH}', branch)}.${metric.suffix}`;
  if (branch) {
    if (!test.prefix.includes('%{BRANCH}')) {
      throw new UserError('does not support branches: set branch_prefix, or use %{BRANCH} in the prefix', { test: test.name, field: 'prefix' });
    }
    return `${test.prefix.replaceAll('%{BRANCH}', branch)}.${metric.suffix}`;
  }
  if (test.prefix.includes('%{BRANCH}')) throw new UserError('the prefix uses %{BRANCH}: give --branch (or set $BRANCH)', { test: test.name, field: 'prefix' });
  return `${test.prefix}.${metric.suffix}`;
}

/** Otava's `compress_target_paths`: paths sharing all but their last component as one `prefix.{a,b}` target. */
export function compressTargetPaths(paths: string[]): string[] {
  const result: string[] = [];
  const byPrefix = new Map<string, string[]>();
  for (const path of paths) {
    const cut = path.lastIndexOf('.');
    if (cut < 0) {
      result.push(path);
      continue;
    }
    const prefix = path.slice(0, cut);
    const list = byPrefix.get(prefix) ?? [];
    list.push(path.slice(cut + 1));
    byPrefix.set(prefix, list);
  }
  for (const [prefix, suffixes] of byPrefix) result.push(suffixes.length > 1 ? `${prefix}.{${suffixes.join(',')}}` : `${prefix}.${suffixes[0]}`);
  return result;
}

/** Otava's `resolution`: the smallest step between points, reduced to what divides every time (at most a day). */
export function resolution(times: number[]): number {
  let res = 24 * 3600;
  if (times.length < 2) return res;
  for (let i = 1; i < times.length; i++) if (times[i] - times[i - 1] > 0) res = Math.min(res, times[i] - times[i - 1]);
  for (const t of times) res = gcd(res, t);
  return res;
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Python's `int(x / d) * d`: toward zero. */
function roundDown(x: number, divisor: number): number {
  return Math.trunc(x / divisor) * divisor;
}

function baseUrl(url: string): string {
  return url.endsWith('/') ? url : url + '/';
}

async function getJson(url: string, what: string, test: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new UserError(`failed to fetch ${what} from Graphite: ${cause?.code ?? cause?.message ?? (err as Error).message}`, { test });
  }
  if (!response.ok) throw new UserError(`failed to fetch ${what} from Graphite: HTTP ${response.status}`, { test });
  try {
    return await response.json();
  } catch {
    throw new UserError(`failed to fetch ${what} from Graphite: the answer is not JSON`, { test });
  }
}

interface GraphiteSeries {
  target: string;
  points: { time: number; value: number }[];
}

function renderSeries(body: unknown, test: string): GraphiteSeries[] {
  if (!Array.isArray(body)) throw new UserError('Graphite render answer is not a list of series', { test });
  return body.map((s: { target?: unknown; datapoints?: unknown }) => {
    if (typeof s?.target !== 'string' || !Array.isArray(s.datapoints)) throw new UserError('Graphite render answer: a series without target/datapoints', { test });
    const points = (s.datapoints as unknown[][])
      .filter((p) => Array.isArray(p) && p[0] !== null && p[0] !== undefined)
      .map((p) => ({ time: Math.trunc(Number(p[1])), value: Number(p[0]) }));
    return { target: s.target, points };
  });
}

interface RunEvent {
  when: number;
  run: string | null;
  branch: string | null;
  version: string | null;
  commit: string | null;
}

/** GraphiteEvent's fields: "" and "null" mean none. */
function eventText(value: PyValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  const text = String(value);
  return text === '' || text === 'null' ? null : text;
}

function runEvents(body: unknown, test: string): RunEvent[] {
  if (!Array.isArray(body)) throw new UserError('Graphite events answer is not a list', { test });
  return body
    .filter((e: { what?: unknown }) => e?.what === 'Performance Test')
    .map((e: { id?: unknown; when?: unknown; data?: unknown }) => {
      let data: PyValue;
      try {
        data = parsePythonLiteral(String(e.data ?? ''));
      } catch (err) {
        if (!(err instanceof PythonLiteralError)) throw err;
        throw new UserError(`Graphite event ${String(e.id)}: its data is not a mapping (${err.message})`, { test });
      }
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UserError(`Graphite event ${String(e.id)}: its data is not a mapping`, { test });
      return { when: Math.trunc(Number(e.when)), run: eventText(data.run_id), branch: eventText(data.branch), version: eventText(data.version), commit: eventText(data.commit) };
    });
}

export async function importGraphite(test: GraphiteTest, selector: DataSelector & { attributes?: string[] }, graphiteUrl: string | undefined): Promise<OtavaSeries> {
  if (!graphiteUrl) throw new UserError('no Graphite URL: give --graphite-url, set $GRAPHITE_ADDRESS or graphite: {url} in the configuration', { test: test.name });
  const url = baseUrl(graphiteUrl);
  const metrics = selector.metrics ? test.metrics.filter((m) => selector.metrics!.includes(m.name)) : test.metrics;
  for (const wanted of selector.metrics ?? []) {
    if (!test.metrics.some((m) => m.name === wanted)) throw new UserError(`no metric "${wanted}" in this test (metrics: ${test.metrics.map((m) => m.name).join(', ')})`, { test: test.name, metric: wanted });
  }
  const pathToMetric = new Map(metrics.map((m) => [graphitePath(test, selector.branch, m), m]));
  const from = String(Math.trunc(selector.since));
  const until = String(Math.trunc(selector.until));
  const targets = compressTargetPaths([...pathToMetric.keys()]).map((t) => `target=${encodeURIComponent(t)}`);
  const fetched = renderSeries(await getJson(`${url}render?${targets.join('&')}&format=json&from=${from}&until=${until}`, 'data', test.name), test.name);
  if (fetched.length === 0) throw new UserError('no time series found in Graphite for this test', { test: test.name });

  const allTimes = [...new Set(fetched.flatMap((s) => s.points.map((p) => p.time)))].sort((a, b) => a - b);
  const time = selector.last === undefined ? allTimes : allTimes.slice(-selector.last);
  // metrics in the configuration's order; one Graphite did not answer for is left out, as in Otava
  const columns = new Map<string, (number | null)[]>();
  for (const m of metrics) {
    const series = fetched.find((s) => pathToMetric.get(s.target) === m);
    // Otava drops a metric whose column is empty (no answer for it, or no point in the range)
    if (!series || time.length === 0) continue;
    const byTime = new Map(series.points.map((p) => [p.time, p.value]));
    columns.set(m.name, time.map((t) => byTime.get(t) ?? null));
  }

  const tags = [...test.tags, ...(selector.branch ? [selector.branch] : [])];
  const events = runEvents(await getJson(`${url}events/get_data?tags=${tags.map(encodeURIComponent).join('+')}&from=${from}&until=${until}&set=intersection`, 'events', test.name), test.name);
  const step = resolution(time);
  const eventAt = new Map<number, RunEvent>();
  for (const e of events) eventAt.set(roundDown(e.when, step), e);
  const attributeNames = selector.attributes ?? [...GRAPHITE_ATTRIBUTES];
  const attributes = new Map<string, (string | null)[]>(attributeNames.map((a) => [a, time.map((t) => eventAt.get(t)?.[a as (typeof GRAPHITE_ATTRIBUTES)[number]] ?? null)]));
  return {
    testName: test.name,
    branch: selector.branch ?? null,
    time,
    metrics: new Map(metrics.filter((m) => columns.has(m.name)).map((m) => [m.name, { direction: m.direction, scale: m.scale }])),
    data: columns,
    attributes,
  };
}
