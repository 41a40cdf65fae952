/**
 * Otava's importers: a test definition and a data selector in, one series out — times (unix seconds),
 * metric columns (floats; null for a value the source does not have) and attribute columns (text), in
 * the order of the source. Behaviour follows Otava 0.8's `importer.py` (file order kept, `--until`
 * exclusive, `--last` after the time filter, CSV `branch` column rules); where Otava crashes or drops
 * data silently, this refuses with an error naming the file, line and column.
 *
 * @example
 * const series = await importSeries(test, { since: 0, until: 4102444800 }, process.cwd());
 * series.data.get('throughput'); // [154023, 138455, …]
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import { parseNumberCell } from '../util/csv.js';
import { parseDateTime } from '../util/time.js';
import type { CsvTest, HistoStatTest, JsonTest, OtavaTest, PostgresSettings } from './config.js';
import { readCsvRecords } from './csv-records.js';

export interface MetricInfo {
  direction: 1 | -1;
  scale: number;
}

export interface OtavaSeries {
  testName: string;
  branch: string | null;
  /** unix seconds */
  time: number[];
  metrics: Map<string, MetricInfo>;
  data: Map<string, (number | null)[]>;
  attributes: Map<string, (string | null)[]>;
  /** times are Python floats (PostgreSQL timestamps), printed with a point in JSON */
  floatTimes?: boolean;
}

export interface DataSelector {
  /** unix seconds, inclusive */
  since: number;
  /** unix seconds, exclusive */
  until: number;
  branch?: string;
  /** a subset of the test's metrics */
  metrics?: string[];
  /** keep only the last N points (after the time filter) */
  last?: number;
  /** graphite: a subset of its attributes (run, branch, version, commit) — `--attrs` */
  attributes?: string[];
}

export interface ImportContext {
  /** the folder relative file names are read from (Otava: the working directory) */
  cwd: string;
  postgres?: PostgresSettings;
  /** graphite tests: the Graphite server (`--graphite-url`, $GRAPHITE_ADDRESS, `graphite: {url}`) */
  graphiteUrl?: string;
}

export async function importSeries(test: OtavaTest, selector: DataSelector, context: ImportContext): Promise<OtavaSeries> {
  if (selector.since > selector.until) throw new UserError(`invalid time range: --since is after --until`, { test: test.name });
  switch (test.type) {
    case 'csv':
      return importCsv(test, selector, context);
    case 'json':
      return importJson(test, selector, context);
    case 'histostat':
      return importHistoStat(test, selector, context);
    case 'postgres':
      return (await import('./postgres-import.js')).importPostgres(test, selector, context.postgres ?? {});
    case 'graphite':
      return (await import('./graphite-import.js')).importGraphite(test, selector, context.graphiteUrl);
  }
}

/** The names of a test's metrics without reading data where the config lists them (Otava's list-metrics). */
export async function metricNames(test: OtavaTest, context: ImportContext): Promise<string[]> {
  if (test.type === 'csv' || test.type === 'postgres' || test.type === 'graphite') return test.metrics.map((m) => m.name);
  if (test.type === 'json') return [...new Set((await readJsonResults(test, context)).flatMap((r) => r.metrics.map((m) => m.name)))];
  return (await histoStatLayout(test, context)).metricNames;
}

async function readText(file: string, context: ImportContext, test: string): Promise<string> {
  const path = isAbsolute(file) ? file : resolve(context.cwd, file);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'input file not found' : `cannot read the input file (${code ?? 'error'})`, { file, test });
  }
}

function selectedMetrics<M extends { name: string }>(defined: M[], wanted: string[] | undefined, test: string): M[] {
  if (!wanted) return defined;
  return wanted.map((name) => {
    const metric = defined.find((m) => m.name === name);
    if (!metric) throw new UserError(`no metric "${name}" in this test (metrics: ${defined.map((m) => m.name).join(', ')})`, { test, metric: name });
    return metric;
  });
}

/** Keeps the last `n` entries of every column, as Otava's `[-n:]` (no `--last`: all). */
function keepLast(series: OtavaSeries, n: number | undefined): OtavaSeries {
  if (n === undefined) return series;
  // Python's values[-n:]
  const cut = <T>(values: T[]): T[] => values.slice(-n);
  return {
    ...series,
    time: cut(series.time),
    data: new Map([...series.data].map(([k, v]) => [k, cut(v)])),
    attributes: new Map([...series.attributes].map(([k, v]) => [k, cut(v)])),
  };
}

/** Unix seconds of a time cell: epoch numbers and the date-time texts Otava's examples use. */
function cellTime(cell: string): number | null {
  const number = parseNumberCell(cell);
  if (typeof number === 'number' && Number.isFinite(number)) return number;
  const ms = parseDateTime(cell);
  return ms === null ? null : ms / 1000;
}

const BRANCH_COLUMN = 'branch';

async function importCsv(test: CsvTest, selector: DataSelector, context: ImportContext): Promise<OtavaSeries> {
  const text = await readText(test.file, context, test.name);
  const records = readCsvRecords(text, test.delimiter, test.quoteChar, test.file);
  const header = records[0];
  if (!header) throw new UserError('empty file: expected a header row', { file: test.file, line: 1, test: test.name });
  const columns = header.fields;
  const metrics = selectedMetrics(test.metrics, selector.metrics, test.name);
  const columnIndex = (name: string): number => {
    const at = columns.indexOf(name);
    if (at < 0) throw new UserError(`column not found: ${name} (columns: ${columns.join(', ')})`, { file: test.file, line: header.line, test: test.name });
    return at;
  };
  const branchIndex = columns.indexOf(BRANCH_COLUMN);
  if (selector.branch && branchIndex < 0) {
    throw new UserError(`--branch was given but the file has no "${BRANCH_COLUMN}" column`, { file: test.file, test: test.name });
  }
  const timeIndex = columnIndex(test.timeColumn);
  const attributeIndexes = test.attributes.map(columnIndex).filter((at) => at !== timeIndex);
  const metricIndexes = metrics.map((m) => columnIndex(m.column));

  const time: number[] = [];
  const data = new Map<string, (number | null)[]>(metrics.map((m) => [m.name, []]));
  const attributes = new Map<string, (string | null)[]>(attributeIndexes.map((at) => [columns[at], []]));
  const branches = new Set<string>();
  for (const record of records.slice(1)) {
    const place = { file: test.file, line: record.line, test: test.name };
    if (record.fields.length < columns.length) {
      throw new UserError(`${record.fields.length} values in a row of ${columns.length} columns`, place);
    }
    if (branchIndex >= 0) {
      const branch = record.fields[branchIndex];
      branches.add(branch);
      if (selector.branch && branch !== selector.branch) continue;
    }
    const ts = cellTime(record.fields[timeIndex]);
    if (ts === null) throw new UserError(`not a time: "${record.fields[timeIndex]}"`, { ...place, field: columns[timeIndex] });
    if (ts < selector.since || ts >= selector.until) continue;
    time.push(Math.trunc(ts));
    metrics.forEach((metric, i) => {
      const cell = record.fields[metricIndexes[i]];
      const value = parseNumberCell(cell);
      if (value === undefined || value === null) {
        throw new UserError(`could not convert value in column ${columns[metricIndexes[i]]} to a number: "${cell}"`, { ...place, metric: metric.name });
      }
      data.get(metric.name)!.push(value);
    });
    for (const at of attributeIndexes) attributes.get(columns[at])!.push(record.fields[at]);
  }
  if (branchIndex >= 0 && !selector.branch && branches.size > 1) {
    throw new UserError(
      `the file holds the results of several branches (${[...branches].sort().join(', ')}): analysing them together gives confusing results; choose one with --branch`,
      { file: test.file, test: test.name },
    );
  }
  const series: OtavaSeries = {
    testName: test.name,
    branch: selector.branch ?? null,
    time,
    metrics: new Map(metrics.map((m) => [m.name, { direction: m.direction, scale: m.scale }])),
    data,
    attributes,
  };
  return keepLast(series, selector.last);
}

interface JsonResult {
  timestamp: number;
  metrics: { name: string; value: number | null }[];
  attributes: Record<string, string>;
}

async function readJsonResults(test: JsonTest, context: ImportContext): Promise<JsonResult[]> {
  const text = await readText(test.file, context, test.name);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UserError(`not JSON: ${(err as Error).message}`, { file: test.file, test: test.name });
  }
  if (!Array.isArray(parsed)) throw new UserError('expected a JSON list of results', { file: test.file, test: test.name });
  return parsed.map((item, i) => {
    const field = `[${i}]`;
    const r = item as Partial<JsonResult>;
    if (typeof r !== 'object' || r === null || typeof r.timestamp !== 'number' || !Array.isArray(r.metrics)) {
      throw new UserError('expected {"timestamp": <unix seconds>, "metrics": [{"name", "value"}], "attributes": {…}}', { file: test.file, test: test.name, field });
    }
    return { timestamp: r.timestamp, metrics: r.metrics, attributes: (r.attributes ?? {}) as Record<string, string> };
  });
}

async function importJson(test: JsonTest, selector: DataSelector, context: ImportContext): Promise<OtavaSeries> {
  const results = await readJsonResults(test, context);
  const branch = selector.branch ?? test.baseBranch;
  const kept = branch ? results.filter((r) => r.attributes.branch === branch) : results;
  const allMetrics = [...new Set(results.flatMap((r) => r.metrics.map((m) => m.name)))];
  const names = selector.metrics ? allMetrics.filter((m) => selector.metrics!.includes(m)) : allMetrics;
  const attributeNames = [...new Set(results.flatMap((r) => Object.keys(r.attributes)))];
  const data = new Map<string, (number | null)[]>(names.map((n) => [n, kept.map((r) => r.metrics.find((m) => m.name === n)?.value ?? null)]));
  const series: OtavaSeries = {
    testName: test.name,
    branch: null,
    time: kept.map((r) => r.timestamp),
    metrics: new Map(names.map((n) => [n, { direction: 1, scale: 1 }])),
    data,
    attributes: new Map(attributeNames.map((a) => [a, kept.map((r) => (r.attributes[a] === undefined ? null : String(r.attributes[a])))])),
  };
  return keepLast(series, selector.last);
}

/** HdrHistogram histostat columns: metric suffix → (column, direction). */
const HISTOSTAT_COLUMNS: [string, number, 1 | -1][] = [
  ['count', 3, 1], ['min', 4, -1], ['p25', 5, -1], ['p50', 6, -1], ['p75', 7, -1], ['p90', 8, -1], ['p95', 9, -1],
  ['p98', 10, -1], ['p99', 11, -1], ['p999', 12, -1], ['p9999', 13, -1], ['max', 14, -1],
];

interface HistoStatLayout {
  tags: string[];
  metricNames: string[];
  startTime: number;
  rows: { fields: string[]; line: number }[];
}

async function histoStatLayout(test: HistoStatTest, context: ImportContext): Promise<HistoStatLayout> {
  const text = await readText(test.file, context, test.name);
  const records = readCsvRecords(text, ',', '"', test.file);
  let startTime: number | null = null;
  const rows = records.filter((r) => {
    if (!r.fields[0]?.startsWith('#')) return true;
    if (r.fields[0].includes('StartTime')) startTime = Math.trunc(Math.trunc(Number(r.fields[0].split(' ')[1]) * 1000) / 1000);
    return false;
  });
  if (startTime === null || Number.isNaN(startTime)) throw new UserError('no start time (#[StartTime: …]) in the histostat comments', { file: test.file, test: test.name });
  // Tags repeat in a fixed order every interval; Otava's set order is arbitrary, the file's order is kept here.
  const tags: string[] = [];
  for (const row of rows) {
    const tag = row.fields[0].split('=')[1];
    if (tags.includes(tag)) break;
    tags.push(tag);
  }
  const metricNames = tags.flatMap((tag) => HISTOSTAT_COLUMNS.map(([stat]) => `${tag}.${stat}`));
  return { tags, metricNames, startTime, rows };
}

async function importHistoStat(test: HistoStatTest, selector: DataSelector, context: ImportContext): Promise<OtavaSeries> {
  const layout = await histoStatLayout(test, context);
  const wanted = (name: string): boolean => !selector.metrics || selector.metrics.includes(name);
  const metrics = new Map<string, MetricInfo>();
  for (const tag of layout.tags) for (const [stat, , direction] of HISTOSTAT_COLUMNS) if (wanted(`${tag}.${stat}`)) metrics.set(`${tag}.${stat}`, { direction, scale: stat === 'count' ? 1 : 1e-6 });
  const data = new Map<string, (number | null)[]>([...metrics.keys()].map((m) => [m, []]));
  const time: number[] = [];
  layout.rows.forEach((row, i) => {
    if (i % layout.tags.length === 0) time.push(Math.trunc(Math.trunc(Number(row.fields[1]) * 1000) / 1000) + layout.startTime);
    const tag = row.fields[0].split('=')[1];
    for (const [stat, column] of HISTOSTAT_COLUMNS) {
      const name = `${tag}.${stat}`;
      if (!metrics.has(name)) continue;
      const value = parseNumberCell(row.fields[column] ?? '');
      if (value === undefined || value === null) throw new UserError(`not a number in column ${column + 1}: "${row.fields[column] ?? ''}"`, { file: test.file, line: row.line, test: test.name, metric: name });
      data.get(name)!.push(value);
    }
  });
  return keepLast({ testName: test.name, branch: null, time, metrics, data, attributes: new Map() }, selector.last);
}
