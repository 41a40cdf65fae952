/**
 * `perfhound ingest csv`: Otava-layout CSV rows into runs, one transaction per row.
 *
 * ```ts
 * const report = await ingestCsv(store, 'results.csv', { timeColumn: 'time', collection: 'results',
 *   runCollection: 'results', runMeta: { branch: 'main' } });
 * ```
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/connect.js';
import type { NewRun } from '../store/runs.js';
import { UserError, type Place } from '../util/errors.js';
import { parseNumberCell, splitCsvLine } from '../util/csv.js';
import { scanLines } from './line-scanner.js';
import { newReport, placeMessage, printable, quoted, type IngestReport } from './report.js';
import { isoTimestamp } from './run-fields.js';
import { RunPlaces } from './run-places.js';
import { parseTimestamp } from './timestamps.js';
import { writeOneRun } from './write-groups.js';

export interface CsvOptions {
  timeColumn: string;
  /** Metric columns; default: the columns whose first value is a number (or empty / nan). */
  metrics?: string[];
  /** Attribute columns (run metadata); default: every other column. */
  attributes?: string[];
  /** Column holding the run id; default `uuid` when present, else an id derived from time + attributes. */
  uuidColumn?: string;
  /** Collection of the per-run metrics document (default `results`). */
  collection: string;
  /** Collection the runs belong to (default `results`). */
  runCollection: string;
  runMeta: Record<string, string>;
  delimiter?: string;
  label?: string;
  /** Rewrite runs a test-result ingest wrote (`--replace`). */
  replace?: boolean;
}

/**
 * Ingests a CSV in Otava's layout — a time column, metric columns, attribute columns — each row a run:
 * attributes (and `--run-meta`) become its metadata, metric values one document
 * `{uuid, timestamp, <metric>: value}` in the collection. An empty cell or `nan` is "no value" (the key
 * is left out). One transaction per row; a bad row is reported with its line and the others are written.
 * Two passes: the first notes each row's run id, so two rows of one id (given, or derived from the same
 * time and attributes) are both refused, each line named. A header naming a column twice is refused.
 */
export async function ingestCsv(store: Store, path: string, options: CsvOptions): Promise<IngestReport> {
  const file = options.label ?? path;
  const report = newReport(file, 'csv');
  const places = new RunPlaces(file);
  for await (const row of csvRows(path, file, options)) if (row.outcome.uuid !== undefined) places.note(row.outcome.uuid, row.line);
  for await (const { line, outcome } of csvRows(path, file, options)) {
    const place = { file, line };
    const duplicate = outcome.uuid === undefined ? undefined : places.duplicate(outcome.uuid, line);
    if (duplicate === null) continue;
    if (duplicate !== undefined) {
      report.runs.push({ uuid: outcome.uuid!, outcome: 'failed', documents: 0, error: placeMessage(duplicate, place) });
    } else if (!('run' in outcome)) {
      const error = placeMessage(outcome.error, { ...place, field: outcome.field });
      if (outcome.uuid === undefined) report.errors.push(error);
      else report.runs.push({ uuid: outcome.uuid, outcome: 'failed', documents: 0, error });
    } else {
      const document = { collection: options.collection, timestampMs: outcome.run.timestampMs, metricName: null, body: JSON.stringify(outcome.body) };
      report.runs.push(await writeOneRun(store, outcome.run, [document], place));
    }
  }
  return report;
}

type RowOutcome = { uuid: string; run: NewRun; body: Record<string, unknown> } | { error: string; field?: string; uuid?: string };

/**
 * The data rows of the file as runs (or why not), each with its line. Problems of the header (a column
 * missing or named twice) are thrown: they concern every row. A file without a header has no rows.
 */
async function* csvRows(path: string, file: string, options: CsvOptions): AsyncGenerator<{ line: number; outcome: RowOutcome }> {
  let header: string[] | undefined;
  let headerLine = 1;
  let metricIdx: number[] = [];
  let attrIdx: number[] = [];
  let timeIdx = -1;
  let uuidIdx = -1;
  for await (const line of scanLines(path)) {
    if (!line.text.trim()) continue;
    const split = splitCsvLine(line.text, options.delimiter);
    if ('error' in split) {
      if (!header) throw new UserError(split.error, { file, line: line.line });
      yield { line: line.line, outcome: { error: split.error } };
      continue;
    }
    const cells = split.fields.map((c) => c.trim());
    if (!header) {
      header = cells;
      headerLine = line.line;
      const headerPlace = { file, line: headerLine };
      checkHeader(header, headerPlace);
      timeIdx = column(header, options.timeColumn, headerPlace, 'time column');
      uuidIdx = options.uuidColumn ? column(header, options.uuidColumn, headerPlace, 'uuid column') : header.indexOf('uuid');
      continue;
    }
    if (!metricIdx.length) ({ metricIdx, attrIdx } = classifyColumns(header, cells, timeIdx, uuidIdx, options, { file, line: headerLine }));
    yield { line: line.line, outcome: rowToRun(header, cells, { timeIdx, uuidIdx, metricIdx, attrIdx }, options) };
  }
}

/** A column named twice would leave one of its values silently behind: refused, both columns named. */
function checkHeader(header: string[], headerPlace: Place): void {
  const seen = new Map<string, number>();
  for (const [i, name] of header.entries()) {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new UserError(`column ${quoted(name)} appears twice in the header (columns ${first + 1} and ${i + 1})`, { ...headerPlace, field: printable(name) });
    }
    seen.set(name, i);
  }
}

function column(header: string[], name: string, headerPlace: Place, what: string): number {
  const i = header.indexOf(name);
  if (i === -1) throw new UserError(`${what} ${quoted(name)} is not in the header (${header.map((h) => quoted(h, 60)).join(', ')})`, { ...headerPlace, field: printable(name) });
  return i;
}

function classifyColumns(header: string[], firstRow: string[], timeIdx: number, uuidIdx: number, options: CsvOptions, headerPlace: Place) {
  const named = (names: string[]) => names.map((n) => column(header, n, headerPlace, 'column'));
  const free = header.map((_, i) => i).filter((i) => i !== timeIdx && i !== uuidIdx);
  const looksNumeric = (v: string | undefined) => v === undefined || parseNumberCell(v) !== undefined;
  const metricIdx = options.metrics?.length ? named(options.metrics) : free.filter((i) => !options.attributes?.includes(header[i]) && looksNumeric(firstRow[i]));
  const attrIdx = options.attributes?.length ? named(options.attributes) : free.filter((i) => !metricIdx.includes(i));
  if (!metricIdx.length) throw new UserError('no metric columns (give them with --metric)', headerPlace);
  return { metricIdx, attrIdx };
}

function rowToRun(
  header: string[],
  cells: string[],
  cols: { timeIdx: number; uuidIdx: number; metricIdx: number[]; attrIdx: number[] },
  options: CsvOptions,
): RowOutcome {
  const time = cells[cols.timeIdx] ?? '';
  const timestampMs = parseTimestamp(time);
  // No prototype: a column named __proto__ is a key like any other (an object literal would drop it).
  const attributes = Object.create(null) as Record<string, string>;
  for (const i of cols.attrIdx) attributes[header[i]] = cells[i] ?? '';
  const uuid = cols.uuidIdx >= 0 && cells[cols.uuidIdx]
    ? cells[cols.uuidIdx]
    : 'csv-' + createHash('sha1').update(JSON.stringify([options.runCollection, time, attributes])).digest('hex').slice(0, 20);
  // A short row (a truncated file) would otherwise be written with metrics silently missing.
  if (cells.length !== header.length) return { error: `expected ${header.length} cells as in the header, found ${cells.length}`, uuid };
  if (timestampMs === null) return { error: `${quoted(time)} is not a time`, field: printable(header[cols.timeIdx]), uuid };
  const timestamp = isoTimestamp(timestampMs);
  if (timestamp === undefined) return { error: `${quoted(time)} is outside the times a date can hold`, field: printable(header[cols.timeIdx]), uuid };
  const body = Object.assign(Object.create(null), { uuid, timestamp }) as Record<string, unknown>;
  for (const i of cols.metricIdx) {
    const value = parseNumberCell(cells[i] ?? '');
    if (value === null || Number.isNaN(value)) continue;
    if (value === undefined) return { error: `${quoted(cells[i])} is not a number`, field: printable(header[i]), uuid };
    // JSON has no infinity: refuse the row rather than store a value that reads back as something else.
    if (!Number.isFinite(value)) return { error: `${quoted(cells[i])} is not a finite number`, field: printable(header[i]), uuid };
    body[header[i]] = value;
  }
  const metadata = { uuid, timestamp, ...attributes, ...options.runMeta };
  return { uuid, run: { uuid, timestampMs, source: 'csv', collection: options.runCollection, metadata, replace: options.replace }, body };
}
