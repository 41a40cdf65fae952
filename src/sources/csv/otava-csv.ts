import { parseNumberCell, splitCsvLine } from '../../util/csv.js';
import { UserError } from '../../util/errors.js';
import { parseDateTime } from '../../util/time.js';

/**
 * Metric series from a CSV in Otava's layout: a header row, one row per run in file order, a time
 * column, metric columns; an empty cell is a missing value and the text `nan` is NaN. Without an
 * explicit metric list every column whose cells are all numbers (or empty / nan) is a metric; other
 * columns (commit, branch, …) are attributes.
 *
 * @example
 * parseOtavaCsv('time,value\n1,10\n2,\n', 'runs.csv') // → { times: [1, 2], metrics: Map { value → [10, null] } }
 */
export interface CsvSeries {
  /** the time cell of every row: a number when it is one, else the text as written */
  times: (number | string)[];
  metrics: Map<string, (number | null)[]>;
  /** the other columns (commit, branch, …) as written, in file order */
  attributes: Map<string, string[]>;
}

export interface CsvSeriesOptions {
  timeColumn?: string;
  metrics?: string[];
  delimiter?: string;
  /**
   * Keep only the rows whose `branch` column holds this value. Without it, a file whose `branch` column
   * holds several values is refused (as Otava refuses it): mixing branches gives meaningless change points.
   */
  branch?: string;
}

const BRANCH_COLUMN = 'branch';

/**
 * Unix seconds of a time cell: a number as is; a date-time text as {@link parseDateTime} reads it
 * (`YYYY-MM-DD[ HH:MM[:SS]][ ±HHMM|Z]`, also with `.` or `/` between the date parts as in Otava's
 * examples, UTC when no zone is given). Text that is no time is kept as written.
 */
export function parseTime(cell: string): number | string {
  const asNumber = parseNumberCell(cell);
  if (typeof asNumber === 'number' && Number.isFinite(asNumber)) return asNumber;
  const ms = parseDateTime(cell);
  return ms === null ? cell : ms / 1000;
}

export function parseOtavaCsv(text: string, file: string, options: CsvSeriesOptions = {}): CsvSeries {
  const timeColumn = options.timeColumn ?? 'time';
  const delimiter = options.delimiter ?? ',';
  const lines = text.split(/\r?\n/);
  const rows: { line: number; fields: string[] }[] = [];
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const split = splitCsvLine(raw, delimiter);
    if ('error' in split) throw new UserError(split.error, { file, line: i + 1 });
    rows.push({ line: i + 1, fields: split.fields });
  });
  if (rows.length === 0) throw new UserError('empty file: expected a header row', { file, line: 1 });
  const header = rows[0].fields.map((h) => h.trim());
  const timeIndex = header.indexOf(timeColumn);
  if (timeIndex < 0) {
    throw new UserError(`no time column "${timeColumn}" (columns: ${header.join(', ')}); use --time-column`, { file, line: rows[0].line });
  }
  for (const row of rows.slice(1)) {
    if (row.fields.length !== header.length) {
      throw new UserError(`expected ${header.length} cells as in the header, found ${row.fields.length}`, { file, line: row.line });
    }
  }
  const data = selectBranch(rows.slice(1), header.indexOf(BRANCH_COLUMN), options.branch, file);
  let metricColumns: number[];
  if (options.metrics && options.metrics.length) {
    metricColumns = options.metrics.map((name) => {
      const at = header.indexOf(name);
      if (at < 0) throw new UserError(`no column "${name}" (columns: ${header.join(', ')})`, { file, line: rows[0].line, metric: name });
      return at;
    });
  } else {
    metricColumns = header
      .map((_, at) => at)
      .filter((at) => at !== timeIndex && data.every((row) => parseNumberCell(row.fields[at]) !== undefined));
    if (metricColumns.length === 0) throw new UserError('no numeric metric column found; name one with --metric', { file, line: rows[0].line });
  }
  const metrics = new Map<string, (number | null)[]>();
  for (const at of metricColumns) {
    metrics.set(
      header[at],
      data.map((row) => {
        const value = parseNumberCell(row.fields[at]);
        if (value === undefined) {
          throw new UserError(`column ${at + 1} (${header[at]}): not a number: "${row.fields[at]}"`, { file, line: row.line, metric: header[at] });
        }
        return value;
      }),
    );
  }
  const times = data.map((row) => parseTime(row.fields[timeIndex].trim()));
  const attributes = new Map<string, string[]>();
  header.forEach((name, at) => {
    if (at !== timeIndex && !metricColumns.includes(at)) attributes.set(name, data.map((row) => row.fields[at]));
  });
  return { times, metrics, attributes };
}

function selectBranch<R extends { fields: string[] }>(rows: R[], branchIndex: number, branch: string | undefined, file: string): R[] {
  if (branchIndex < 0) {
    if (branch !== undefined) throw new UserError(`--branch was given but the file has no "${BRANCH_COLUMN}" column`, { file });
    return rows;
  }
  if (branch !== undefined) return rows.filter((row) => row.fields[branchIndex] === branch);
  const branches = [...new Set(rows.map((row) => row.fields[branchIndex]))].sort();
  if (branches.length > 1) {
    throw new UserError(`the file holds the results of several branches (${branches.join(', ')}); choose one with --branch`, { file, field: BRANCH_COLUMN });
  }
  return rows;
}
