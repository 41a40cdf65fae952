import { sql, type Kysely } from 'kysely';
import type { DialectName } from '../url.js';
import { columnTypes } from './columns.js';

/**
 * The experiment runner (seed 003) keeps, per attempt, the ESS's comments and the run its results went
 * into, and per experiment how many tests it plans (for "remaining"). Columns are added only when missing:
 * MariaDB/MySQL commit each ALTER at once, so a run stopped halfway is completed when it runs again.
 */
export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  const t = columnTypes(dialect);
  const columns: Array<[string, string, ReturnType<typeof columnTypes>['text']]> = [
    ['experiment_tests', 'comments', t.text],
    ['experiment_tests', 'run_uuid', t.varchar(255)],
    ['experiments', 'planned_tests', t.bigint],
  ];
  for (const [table, column, type] of columns) {
    if (dialect === 'mysql') {
      const { rows } = await sql`select 1 from information_schema.columns where table_schema = database() and table_name = ${table} and column_name = ${column}`.execute(db);
      if (rows.length) continue;
    }
    await db.schema.alterTable(table).addColumn(column, type).execute();
  }
}
