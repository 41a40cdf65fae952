import { CompiledQuery, PostgresAdapter, SqliteAdapter, type Kysely, type Transaction } from 'kysely';
import { CopyRows } from './pg-copy.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;
type Table = 'runs' | 'documents' | 'run_metadata' | 'run_terms' | 'run_times';

/** Values per INSERT at most: within every dialect's parameter limit (SQLite 32 766). */
const MAX_PARAMETERS = 5000;
/** Statements of up to this many rows are kept (a run's own few dozen rows); longer ones, of many runs, vary in length and are built anew. */
const KEPT_ROWS = 128;

interface Shape {
  /** The one-row INSERT as Kysely compiles it. */
  one: CompiledQuery;
  /** Its text up to the row's values: `insert into "t" ("a", "b") values `. */
  head: string;
  /** PostgreSQL numbers its placeholders ($1, $2…); the others write `?`. */
  numbered: boolean;
  sqlByRows: Map<number, string>;
}

const shapes = new WeakMap<object, Map<string, Shape>>();

/**
 * Inserts rows given as one flat list of values, `columns.length` per row in that order, by multi-row
 * INSERTs whose text is built once per dialect, table and row count: later calls only bind values. Kysely
 * built and compiled an INSERT tree per call, which cost more than SQLite's own work for a run's few dozen
 * metadata rows (issue 17).
 */
export async function insertRows(trx: Db, table: Table, columns: readonly string[], values: readonly unknown[]): Promise<void> {
  const maxRows = Math.floor(MAX_PARAMETERS / columns.length);
  // SQLite keeps every statement it prepared (sqlite.ts, 200 of them), ~0.3 KB a row: rows of many runs
  // in statements of every length kept ~90 MB there. So its statements have a few lengths only: the
  // longest, then powers of two (at most a dozen statements more for a call).
  const fewLengths = trx.getExecutor().adapter instanceof SqliteAdapter;
  const total = values.length / columns.length;
  for (let row = 0; row < total; ) {
    let rows = Math.min(maxRows, total - row);
    if (fewLengths && rows < maxRows && rows > KEPT_ROWS) rows = 2 ** Math.floor(Math.log2(rows));
    const parameters = values.slice(row * columns.length, (row + rows) * columns.length);
    await trx.executeQuery({ ...template(trx, table, columns, rows, fewLengths), parameters });
    row += rows;
  }
}

/** Rows per COPY: a few MB of COPY text at most. */
const COPY_ROWS = 10_000;

/**
 * Loads rows as {@link insertRows} takes them; on PostgreSQL by COPY: the server parses a tab-separated
 * stream and inserts in batches, about half its time of multi-row INSERTs, and no parameter is encoded
 * one by one. Values are strings, numbers or null.
 */
export async function loadRows(trx: Db, table: Table, columns: readonly string[], values: readonly unknown[]): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return insertRows(trx, table, columns, values);
  const statement = `copy ${table} (${columns.join(', ')}) from stdin`;
  const width = columns.length;
  for (let i = 0; i < values.length; i += COPY_ROWS * width) {
    const rows = new CopyRows();
    for (let k = i; k < Math.min(values.length, i + COPY_ROWS * width); k += width) rows.pushRow(values, k, width);
    await trx.executeQuery(CompiledQuery.raw(statement, [rows]));
  }
}

function template(trx: Db, table: Table, columns: readonly string[], rows: number, fewLengths: boolean): CompiledQuery {
  const shape = shapeOf(trx, table, columns);
  let sql = shape.sqlByRows.get(rows);
  if (sql === undefined) {
    sql = shape.head + Array.from({ length: rows }, (_, r) => rowPlaceholders(shape.numbered, columns.length, r)).join(', ');
    if (rows <= KEPT_ROWS || fewLengths) shape.sqlByRows.set(rows, sql);
  }
  return { ...shape.one, sql };
}

function shapeOf(trx: Db, table: Table, columns: readonly string[]): Shape {
  // Keyed by the executor's adapter, so each dialect gets its own SQL.
  const adapter = trx.getExecutor().adapter;
  let byTable = shapes.get(adapter);
  if (!byTable) shapes.set(adapter, (byTable = new Map()));
  const key = `${table}(${columns.join(',')})`;
  let shape = byTable.get(key);
  if (!shape) {
    const one = trx.insertInto(table).values(Object.fromEntries(columns.map((c) => [c, 0])) as never).compile();
    const numbered = adapter instanceof PostgresAdapter;
    const values = rowPlaceholders(numbered, columns.length, 0);
    if (!one.sql.endsWith(values)) throw new Error(`unexpected INSERT text: ${one.sql}`);
    shape = { one, head: one.sql.slice(0, -values.length), numbered, sqlByRows: new Map() };
    byTable.set(key, shape);
  }
  return shape;
}

/** Row `r`'s placeholders as Kysely writes them: `($4, $5, $6)` or `(?, ?, ?)`. */
function rowPlaceholders(numbered: boolean, columns: number, r: number): string {
  let text = '(';
  for (let c = 0; c < columns; c++) text += (c ? ', ' : '') + (numbered ? `$${r * columns + c + 1}` : '?');
  return text + ')';
}
