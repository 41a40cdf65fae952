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
import { writeRun, type NewRun } from '../store/runs.js';
import { UserError, errorMessage, type Place } from '../util/errors.js';
import { parseNumberCell, splitCsvLine } from '../util/csv.js';
import { scanLines } from './line-scanner.js';
import { newReport, placeMessage, type IngestReport } from './report.js';
import { parseTimestamp } from './timestamps.js';

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
}

/**
 * Ingests a CSV in Otava's layout — a time column, metric columns, attribute columns — each row a run:
 * attributes (and `--run-meta`) become its metadata, metric values one document
 * `{uuid, timestamp, <metric>: value}` in the collection. An empty cell or `nan` is "no value" (the key
 * is left out). One transaction per row; a bad row is reported with its line and the others are written.
 */
export async function ingestCsv(store: Store, path: string, options: CsvOptions): Promise<IngestReport> {
  const file = options.label ?? path;
  const report = newReport(file, 'csv');
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
      report.errors.push(placeMessage(split.error, { file, line: line.line }));
      continue;
    }
    const cells = split.fields.map((c) => c.trim());
    if (!header) {
      header = cells;
      headerLine = line.line;
      timeIdx = column(header, options.timeColumn, { file, line: headerLine }, 'time column');
      uuidIdx = options.uuidColumn ? column(header, options.uuidColumn, { file, line: headerLine }, 'uuid column') : header.indexOf('uuid');
      continue;
    }
    if (!metricIdx.length) ({ metricIdx, attrIdx } = classifyColumns(header, cells, timeIdx, uuidIdx, options, { file, line: headerLine }));
    const place = { file, line: line.line };
    const outcome = rowToRun(header, cells, { timeIdx, uuidIdx, metricIdx, attrIdx }, options);
    if ('error' in outcome) {
      const error = placeMessage(outcome.error, { ...place, field: outcome.field });
      report.runs.push({ uuid: outcome.uuid, outcome: 'failed', documents: 0, error });
      continue;
    }
    try {
      const { outcome: written } = await store.writeTransaction((trx) =>
        writeRun(trx, outcome.run, [{ collection: options.collection, timestampMs: outcome.run.timestampMs, metricName: null, body: JSON.stringify(outcome.body) }]),
      );
      report.runs.push({ uuid: outcome.run.uuid, outcome: written, documents: 1 });
    } catch (err) {
      report.runs.push({ uuid: outcome.run.uuid, outcome: 'failed', documents: 0, error: placeMessage(`database refused the run: ${errorMessage(err)}`, place) });
    }
  }
  if (!header) throw new UserError('the CSV file is empty (no header line)', { file });
  return report;
}

function column(header: string[], name: string, headerPlace: Place, what: string): number {
  const i = header.indexOf(name);
  if (i === -1) throw new UserError(`${what} "${name}" is not in the header (${header.join(', ')})`, { ...headerPlace, field: name });
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
): { run: NewRun; body: Record<string, unknown> } | { error: string; field?: string; uuid: string } {
  const time = cells[cols.timeIdx] ?? '';
  const timestampMs = parseTimestamp(time);
  const attributes: Record<string, string> = {};
  for (const i of cols.attrIdx) attributes[header[i]] = cells[i] ?? '';
  const uuid = cols.uuidIdx >= 0 && cells[cols.uuidIdx]
    ? cells[cols.uuidIdx]
    : 'csv-' + createHash('sha1').update(JSON.stringify([options.runCollection, time, attributes])).digest('hex').slice(0, 20);
  // A short row (a truncated file) would otherwise be written with metrics silently missing.
  if (cells.length !== header.length) return { error: `expected ${header.length} cells as in the header, found ${cells.length}`, uuid };
  if (timestampMs === null) return { error: `"${time}" is not a time`, field: header[cols.timeIdx], uuid };
  const timestamp = new Date(timestampMs).toISOString();
  const body: Record<string, unknown> = { uuid, timestamp };
  for (const i of cols.metricIdx) {
    const value = parseNumberCell(cells[i] ?? '');
    if (value === null || Number.isNaN(value)) continue;
    if (value === undefined) return { error: `"${cells[i]}" is not a number`, field: header[i], uuid };
    // JSON has no infinity: refuse the row rather than store a value that reads back as something else.
    if (!Number.isFinite(value)) return { error: `"${cells[i]}" is not a finite number`, field: header[i], uuid };
    body[header[i]] = value;
  }
  const metadata = { uuid, timestamp, ...attributes, ...options.runMeta };
  return { run: { uuid, timestampMs, source: 'csv', collection: options.runCollection, metadata }, body };
}
