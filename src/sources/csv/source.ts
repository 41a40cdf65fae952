/**
 * A CSV file in Apache Otava's layout as a source: one row per run, a `time` column (any timestamp form),
 * attribute columns and metric columns. Each row is both the run's metadata and its single document, so
 * an Orion config's metadata selects rows and a standard metric names a column (`metric_of_interest`);
 * numeric cells are numbers. A row's uuid is its `uuid` column (or the test's uuid field), else `row-<line>`.
 *
 * @example
 * const source = await CsvSource.open('results.csv');
 * await source.findRuns({ selector: { match: {}, not: {}, wildcard: {} }, uuidField: 'uuid', versionField: 'version', timestampField: 'time' });
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../../util/errors.js';
import { splitCsvLine } from '../../util/csv.js';
import { getNested, toEpochMs } from '../opensearch/fields.js';
import { MatchableDocument, matchesFilters, matchesSelector, stripKeyword } from '../store/match.js';
import { documentTime, runMetricRows, type StoredDocument } from '../store/metric-rows.js';
import type { DocumentQuery, MetricQuery, MetricRow, RunInfo, RunQuery, Source } from '../types.js';

interface CsvRow {
  line: number;
  doc: StoredDocument;
}

const TIME_COLUMNS = ['time', 'timestamp'];

export class CsvSource implements Source {
  readonly kind = 'csv';

  private constructor(
    private readonly file: string,
    private readonly rows: CsvRow[],
  ) {}

  static async open(file: string): Promise<CsvSource> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read CSV file: ${(err as Error).message}`, { file });
    }
    return new CsvSource(file, parseCsv(text, file));
  }

  requestCount(): number {
    return 0;
  }

  async close(): Promise<void> {}

  async findRuns(query: RunQuery): Promise<RunInfo[]> {
    const wanted = query.uuids ? new Set(query.uuids) : undefined;
    const runs: RunInfo[] = [];
    for (const row of this.rows) {
      const uuid = this.uuidOf(row, query.uuidField);
      const timestampMs = this.timeOf(row, query.timestampField);
      if (wanted && !wanted.has(uuid)) continue;
      if (query.after && !(timestampMs > query.after.getTime())) continue;
      if (query.before && !(timestampMs < query.before.getTime())) continue;
      if (!matchesSelector(row.doc.doc, query.selector)) continue;
      const version = getNested(row.doc.doc.body, query.versionField);
      const buildUrl = row.doc.doc.body.buildUrl;
      runs.push({
        uuid,
        timestampMs,
        ...(version !== undefined ? { version: String(version) } : {}),
        ...(typeof buildUrl === 'string' ? { buildUrl } : {}),
        metadata: row.doc.doc.body,
      });
    }
    runs.sort((a, b) => b.timestampMs - a.timestampMs);
    return (query.limit !== undefined ? runs.slice(0, query.limit) : runs).reverse();
  }

  async fetchMetrics(query: MetricQuery): Promise<Map<string, MetricRow[]>> {
    const out = new Map<string, MetricRow[]>(query.metrics.map((m) => [m.name, []]));
    const wanted = new Set(query.uuids);
    for (const row of this.rows) {
      const uuid = this.uuidOf(row, query.uuidField);
      if (!wanted.has(uuid)) continue;
      for (const [name, metricRow] of runMetricRows(uuid, [row.doc], query.metrics, query.timestampField)) out.get(name)?.push(metricRow);
    }
    return out;
  }

  async findDocuments(query: DocumentQuery): Promise<Record<string, unknown>[]> {
    const wanted = new Set(query.uuids);
    return this.rows
      .filter((r) => wanted.has(this.uuidOf(r, query.uuidField)) && matchesFilters(r.doc.doc, query.filters, query.not))
      .sort((a, b) => documentTime(b.doc, query.timestampField) - documentTime(a.doc, query.timestampField))
      .map((r) => r.doc.doc.body);
  }

  async distinctValues(query: DocumentQuery & { field: string }): Promise<string[]> {
    const values = new Set<string>();
    for (const body of await this.findDocuments(query)) {
      const v = getNested(body, stripKeyword(query.field));
      if (v !== undefined && v !== null) values.add(String(v));
    }
    return [...values].sort();
  }

  private uuidOf(row: CsvRow, uuidField: string): string {
    const value = getNested(row.doc.doc.body, uuidField);
    return value === undefined || value === '' ? `row-${row.line}` : String(value);
  }

  private timeOf(row: CsvRow, timestampField: string): number {
    const ms = documentTime(row.doc, timestampField);
    if (Number.isNaN(ms)) throw new UserError(`no readable time (columns ${[timestampField, ...TIME_COLUMNS].join(', ')})`, { file: this.file, line: row.line });
    return ms;
  }
}

function parseCsv(text: string, file: string): CsvRow[] {
  const lines = text.split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '');
  if ('error' in header || header.fields.length === 0 || header.fields.every((f) => f === '')) {
    throw new UserError('the CSV file has no header line', { file, line: 1 });
  }
  const names = header.fields.map((f) => f.trim());
  const timeColumn = names.find((n) => TIME_COLUMNS.includes(n.toLowerCase()));
  if (!timeColumn) throw new UserError(`the CSV header has no time column (${TIME_COLUMNS.join(' or ')})`, { file, line: 1 });
  const rows: CsvRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const parsed = splitCsvLine(lines[i]);
    if ('error' in parsed) throw new UserError(parsed.error, { file, line: i + 1 });
    if (parsed.fields.length !== names.length) {
      throw new UserError(`expected ${names.length} fields, got ${parsed.fields.length}`, { file, line: i + 1 });
    }
    const body: Record<string, unknown> = {};
    names.forEach((name, j) => {
      const cell = parsed.fields[j].trim();
      body[name] = cell !== '' && Number.isFinite(Number(cell)) ? Number(cell) : cell;
    });
    const timestampMs = toEpochMs(body[timeColumn]);
    if (Number.isNaN(timestampMs)) throw new UserError(`unreadable time ${JSON.stringify(body[timeColumn])}`, { file, line: i + 1, field: timeColumn });
    if (body.timestamp === undefined) body.timestamp = body[timeColumn];
    rows.push({ line: i + 1, doc: { runId: i, timestampMs, doc: new MatchableDocument(body) } });
  }
  return rows;
}
