import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;
type Table = 'documents' | 'run_metadata' | 'run_terms' | 'run_times';

/** Values per INSERT at most: within every dialect's parameter limit (SQLite 32 766). */
const MAX_PARAMETERS = 5000;

const templates = new WeakMap<object, Map<string, CompiledQuery>>();

/**
 * Inserts rows given as one flat list of values, `columns.length` per row in that order, by multi-row
 * INSERTs compiled once per dialect, table and row count: later calls only bind values. Kysely built and
 * compiled an INSERT tree per call, which cost more than SQLite's own work for a run's few dozen metadata
 * rows (issue 17).
 */
export async function insertRows(trx: Db, table: Table, columns: readonly string[], values: readonly unknown[]): Promise<void> {
  const perInsert = Math.floor(MAX_PARAMETERS / columns.length) * columns.length;
  for (let i = 0; i < values.length; i += perInsert) {
    const parameters = values.slice(i, i + perInsert);
    await trx.executeQuery({ ...template(trx, table, columns, parameters.length / columns.length), parameters });
  }
}

function template(trx: Db, table: Table, columns: readonly string[], rows: number): CompiledQuery {
  // Keyed by the executor's adapter, so each dialect gets its own SQL.
  const adapter = trx.getExecutor().adapter;
  let byShape = templates.get(adapter);
  if (!byShape) templates.set(adapter, (byShape = new Map()));
  const key = `${table}(${columns.join(',')})×${rows}`;
  let compiled = byShape.get(key);
  if (!compiled) {
    const placeholder = Object.fromEntries(columns.map((c) => [c, 0]));
    compiled = trx.insertInto(table).values(new Array(rows).fill(placeholder) as never).compile();
    byShape.set(key, compiled);
  }
  return compiled;
}
