import { sql, type Compilable, type CompiledQuery, type InsertQueryBuilder, type InsertResult, type Kysely, type QueryResult, type Transaction } from 'kysely';
import { bumpDataVersion } from './data-version.js';
import type { Database } from './schema.js';
import { deleteTermKeys } from './term-index.js';
import type { DialectName } from './url.js';

/**
 * Queries over the subunit2sql-style tables (tests, test_runs, test_run_metadata, test_metadata,
 * attachments). Writes are multi-row and set-based: aggregates are updated with SQL increments inside the
 * ingest transaction (never read-modify-write), so concurrent ingests cannot lose counts.
 */
export type Db = Kysely<Database> | Transaction<Database>;

/** Statuses counted as a pass / a failure (subunit2sql's `increment_counts`, `get_run_totals`). */
export const PASS_STATUSES = ['success', 'xfail'] as const;
export const FAIL_STATUSES = ['fail', 'uxsuccess'] as const;

/**
 * Rows per multi-row statement: large enough to amortise each statement's round trip and preparation,
 * within every dialect's bound-parameter limit (SQLite 32 766; 5 columns × 2 000 = 10 000).
 */
export const BATCH = 2000;

/**
 * Multi-row statements are built and compiled by Kysely once per (dialect, statement, row count) and then
 * executed with new parameters: building a 2 000-row query tree per batch cost more than the database's
 * own work (the pattern of `insertDocuments` in runs.ts).
 */
const templates = new WeakMap<object, Map<string, CompiledQuery>>();

function template(trx: Db, name: string, rows: number, columns: number, build: (rows: number) => Compilable): CompiledQuery {
  // Keyed by the executor's adapter, so each dialect gets its own SQL.
  const key = trx.getExecutor().adapter;
  let byName = templates.get(key);
  if (!byName) templates.set(key, (byName = new Map()));
  const id = `${name}:${rows}`;
  let compiled = byName.get(id);
  if (!compiled) {
    compiled = build(rows).compile();
    // The parameters must be exactly the placeholders' values, row by row, or binding would shift columns.
    if (compiled.parameters.length !== rows * columns) throw new Error(`template ${id}: ${compiled.parameters.length} parameters, expected ${rows * columns}`);
    byName.set(id, compiled);
  }
  return compiled;
}

async function run<R>(trx: Db, compiled: CompiledQuery, parameters: unknown[]): Promise<QueryResult<R>> {
  return trx.executeQuery<R>({ ...compiled, parameters } as CompiledQuery<R>);
}

/**
 * PostgreSQL takes a batch as one array parameter per column, unnested into rows
 * (`insert … select * from unnest($1::bigint[], …)`): a statement of 5 parameters instead of 10 000, which
 * the server parses and plans once per batch in microseconds instead of milliseconds, and one SQL text for
 * every batch size. `types` are the columns' element types, in the flat rows' column order.
 */
function unnestRows(types: readonly string[]) {
  return sql`select * from unnest(${sql.join(types.map((t) => sql`${[]}::${sql.raw(t)}[]`))})`;
}

/** A flat parameter array of `columns` values a row → one array per column (for {@link unnestRows}). */
function byColumn(rows: readonly unknown[], columns: number): unknown[][] {
  return Array.from({ length: columns }, (_, c) => columnOf(rows, columns, c));
}

/**
 * The compiled multi-row statement for `rows` (flat, `columns` values a row) and the parameters to run it
 * with: on PostgreSQL `unnested` (one SQL for any count, {@link byColumn} parameters), elsewhere `values`
 * compiled for this row count with the flat rows as parameters.
 */
function multiRow(trx: Db, dialect: DialectName, name: string, rows: unknown[], columns: number, build: { unnested: () => Compilable; values: (rows: number) => Compilable }): [CompiledQuery, unknown[]] {
  if (dialect === 'postgres') return [template(trx, `${name}-unnest`, 1, columns, build.unnested), byColumn(rows, columns)];
  return [template(trx, name, rows.length / columns, columns, build.values), rows];
}

/** Whether INSERT … RETURNING gives ids back (MariaDB cannot combine it with ON DUPLICATE KEY UPDATE). */
function hasReturning(dialect: DialectName): boolean {
  return dialect !== 'mysql';
}

/** Columns of one row of {@link addTestAggregates}' flat parameter array, in this order. */
export const AGGREGATE_COLUMNS = 5;

/**
 * One test's row for {@link addTestAggregates}, appended to a flat parameter array (no per-row object):
 * `success`/`failure` are 0 or 1, `runTime` this result's duration in seconds (null without timestamps).
 */
export function pushAggregateRow(rows: unknown[], name: string, success: number, failure: number, runTime: number | null): void {
  rows.push(name, success + failure, success, failure, runTime);
}

/**
 * Creates missing tests and adds one run's results to the aggregates of existing ones, with subunit2sql's
 * semantics: run_count = success + failure (skips count nowhere); run_time = cumulative mean of successful
 * durations, seeded by the first result of any status until a success replaces it. `run_time` is assigned
 * first because MySQL evaluates SET assignments left to right with already-updated values. `rows` is flat
 * (see {@link pushAggregateRow}); names must be distinct within one call. Returns the internal id of every
 * test named.
 */
export async function addTestAggregates(trx: Db, dialect: DialectName, rows: readonly unknown[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const step = BATCH * AGGREGATE_COLUMNS;
  for (let i = 0; i < rows.length; i += step) {
    const parameters = rows.length <= step ? (rows as unknown[]) : rows.slice(i, i + step);
    const [compiled, values] = multiRow(trx, dialect, 'tests-upsert', parameters, AGGREGATE_COLUMNS, {
      unnested: () => aggregateUpsert(trx, dialect, trx.insertInto('tests').columns(['test_id', 'run_count', 'success', 'failure', 'run_time']).expression(unnestRows(['text', 'int', 'int', 'int', 'float8']))),
      values: (n) => aggregateUpsert(trx, dialect, trx.insertInto('tests').values(new Array(n).fill({ test_id: '', run_count: 0, success: 0, failure: 0, run_time: 0 as number | null }))),
    });
    const result = await run<{ id: number | string; test_id: string }>(trx, compiled, values);
    if (hasReturning(dialect)) for (const r of result.rows) ids.set(r.test_id, Number(r.id));
  }
  if (!hasReturning(dialect)) {
    const names: string[] = [];
    for (let i = 0; i < rows.length; i += AGGREGATE_COLUMNS) names.push(rows[i] as string);
    return testIdsByName(trx, names);
  }
  return ids;
}

function aggregateUpsert(trx: Db, dialect: DialectName, insert: InsertQueryBuilder<Database, 'tests', InsertResult>): Compilable {
  if (dialect === 'mysql') {
    return insert.onDuplicateKeyUpdate({
      run_time: sql`case when values(success) > 0 and values(run_time) is not null then (coalesce(run_time, 0) * success + values(run_time)) / (success + 1) when run_time is null then values(run_time) else run_time end`,
      run_count: sql`run_count + values(run_count)`,
      success: sql`success + values(success)`,
      failure: sql`failure + values(failure)`,
    });
  }
  return insert
    .onConflict((oc) =>
      oc.column('test_id').doUpdateSet({
        run_time: sql`case when excluded.success > 0 and excluded.run_time is not null then (coalesce(tests.run_time, 0) * tests.success + excluded.run_time) / (tests.success + 1) when tests.run_time is null then excluded.run_time else tests.run_time end`,
        run_count: sql`tests.run_count + excluded.run_count`,
        success: sql`tests.success + excluded.success`,
        failure: sql`tests.failure + excluded.failure`,
      }),
    )
    .returning(['id', 'test_id']);
}

/**
 * Recomputes the aggregates of `testIds` from their remaining test runs (after a run was replaced or a
 * duplicate result overwritten): counts by status, run_time = mean successful duration, else the duration
 * of the oldest remaining result — the state an in-order ingest of those runs would have produced.
 */
export async function recomputeTestAggregates(trx: Db, testIds: number[]): Promise<void> {
  for (let i = 0; i < testIds.length; i += BATCH) {
    const ids = testIds.slice(i, i + BATCH);
    const rows = await trx
      .selectFrom('test_runs')
      .select(['id', 'test_id', 'status', 'start_us', 'stop_us'])
      .where('test_id', 'in', ids)
      .orderBy('id')
      .execute();
    const byTest = new Map<number, typeof rows>();
    for (const r of rows) {
      const list = byTest.get(Number(r.test_id)) ?? [];
      list.push(r);
      byTest.set(Number(r.test_id), list);
    }
    for (const id of ids) {
      const runs = byTest.get(id) ?? [];
      const duration = (r: (typeof rows)[number]) => (r.start_us === null || r.stop_us === null ? null : (Number(r.stop_us) - Number(r.start_us)) / 1e6);
      const passes = runs.filter((r) => (PASS_STATUSES as readonly string[]).includes(r.status));
      const failures = runs.filter((r) => (FAIL_STATUSES as readonly string[]).includes(r.status)).length;
      const timed = passes.map(duration).filter((d): d is number => d !== null);
      const seed = runs.map(duration).find((d) => d !== null) ?? null;
      const runTime = timed.length ? timed.reduce((a, b) => a + b, 0) / timed.length : seed;
      await trx
        .updateTable('tests')
        .set({ run_count: passes.length + failures, success: passes.length, failure: failures, run_time: runTime })
        .where('id', '=', id)
        .execute();
    }
  }
}

/** Internal ids of tests by name. */
export async function testIdsByName(trx: Db, names: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < names.length; i += BATCH) {
    const rows = await trx.selectFrom('tests').select(['id', 'test_id']).where('test_id', 'in', names.slice(i, i + BATCH)).execute();
    for (const r of rows) out.set(r.test_id, Number(r.id));
  }
  return out;
}

/** Columns of one row of {@link insertTestRuns}' flat parameter array: test_id, run_id, status, start_us, stop_us. */
export const TEST_RUN_COLUMNS = 5;

/**
 * Inserts a run's test results (one per test; `rows` flat, {@link TEST_RUN_COLUMNS} values a row, all of
 * one run); returns their test run ids in row order.
 */
export async function insertTestRuns(trx: Db, dialect: DialectName, rows: readonly unknown[]): Promise<number[]> {
  const ids: number[] = [];
  const step = BATCH * TEST_RUN_COLUMNS;
  for (let i = 0; i < rows.length; i += step) {
    const parameters = rows.length <= step ? (rows as unknown[]) : rows.slice(i, i + step);
    const count = parameters.length / TEST_RUN_COLUMNS;
    const [compiled, values] = multiRow(trx, dialect, 'test-runs-insert', parameters, TEST_RUN_COLUMNS, {
      unnested: () =>
        trx
          .insertInto('test_runs')
          .columns(['test_id', 'run_id', 'status', 'start_us', 'stop_us'])
          .expression(unnestRows(['bigint', 'bigint', 'text', 'bigint', 'bigint']))
          .returning(['id', 'test_id']),
      values: (n) => trx.insertInto('test_runs').values(new Array(n).fill({ test_id: 0, run_id: 0, status: '', start_us: 0, stop_us: 0 })),
    });
    const result = await run<{ id: number | string; test_id: number | string }>(trx, compiled, values);
    const mysqlStep = dialect === 'mysql' ? await consecutiveIdStep(trx) : null;
    if (mysqlStep !== null) {
      // The first id of the statement, the others following it one step apart (see consecutiveIdStep).
      const first = Number(result.insertId);
      for (let k = 0; k < count; k++) ids.push(first + k * mysqlStep);
      continue;
    }
    if (dialect === 'sqlite') {
      // The rows of one multi-row INSERT (no explicit ids, no conflict clause) get consecutive rowids in
      // VALUES order, ending at the last insert rowid: each is one more than the table's largest rowid, and
      // no other writer can interleave while this transaction holds the write lock. (Only a table whose
      // largest rowid is 2^63 − 1 gets random ones — far beyond the 2^53 ids every caller assumes.) That is
      // cheaper than RETURNING, which materialises the returned rows first: about 0.3 s of CPU per 100 000.
      const first = Number(result.insertId) - count + 1;
      for (let k = 0; k < count; k++) ids.push(first + k);
      continue;
    }
    const back =
      dialect === 'postgres'
        ? result.rows
        : // MariaDB/MySQL in interleaved mode: (test_id, run_id) is unique, so the rows just written are found by them.
          await trx
            .selectFrom('test_runs')
            .select(['id', 'test_id'])
            .where('run_id', '=', parameters[1] as number)
            .where('test_id', 'in', columnOf(parameters, TEST_RUN_COLUMNS, 0) as number[])
            .execute();
    const byTest = new Map<number, number>();
    for (const r of back) byTest.set(Number(r.test_id), Number(r.id));
    for (let k = 0; k < parameters.length; k += TEST_RUN_COLUMNS) ids.push(byTest.get(Number(parameters[k])) as number);
  }
  return ids;
}

const idSteps = new WeakMap<Db, Promise<number | null>>();

/**
 * MariaDB/MySQL report the first id a multi-row INSERT generated; with InnoDB's auto-increment lock mode 0
 * or 1 (MariaDB's default: "consecutive") a simple insert — VALUES rows, no conflict clause — takes all its
 * ids at once, in row order, `auto_increment_increment` apart, so the ids need no query back (~0.3 s per
 * 100 000 results). In mode 2 (MySQL 8's default, Galera) they may interleave with another session's:
 * null, and the rows are read back. Asked once per transaction: one connection, one answer.
 */
function consecutiveIdStep(trx: Db): Promise<number | null> {
  let step = idSteps.get(trx);
  if (step === undefined) {
    step = sql<{ mode: number | string; step: number | string }>`select @@innodb_autoinc_lock_mode as mode, @@auto_increment_increment as step`
      .execute(trx)
      .then(({ rows: [r] }) => (Number(r.mode) <= 1 ? Number(r.step) : null));
    idSteps.set(trx, step);
  }
  return step;
}

function columnOf(rows: readonly unknown[], columns: number, column: number): unknown[] {
  const out: unknown[] = [];
  for (let k = column; k < rows.length; k += columns) out.push(rows[k]);
  return out;
}

/** Columns of one row of {@link insertTestRunMetadata}'s flat parameter array: test_run_id, key, value. */
export const TEST_RUN_METADATA_COLUMNS = 3;

export async function insertTestRunMetadata(trx: Db, dialect: DialectName, rows: readonly unknown[]): Promise<void> {
  const step = BATCH * TEST_RUN_METADATA_COLUMNS;
  for (let i = 0; i < rows.length; i += step) {
    const parameters = rows.length <= step ? (rows as unknown[]) : rows.slice(i, i + step);
    await run(
      trx,
      ...multiRow(trx, dialect, 'test-run-metadata-insert', parameters, TEST_RUN_METADATA_COLUMNS, {
        unnested: () => trx.insertInto('test_run_metadata').columns(['test_run_id', 'key', 'value']).expression(unnestRows(['bigint', 'text', 'text'])),
        values: (n) => trx.insertInto('test_run_metadata').values(new Array(n).fill({ test_run_id: 0, key: '', value: '' })),
      }),
    );
  }
}

/** Adds test metadata rows that are not there yet (unique by test, key, value). */
export async function addTestMetadata(trx: Db, dialect: DialectName, rows: { test_id: number; key: string; value: string }[]): Promise<void> {
  const distinct = [...new Map(rows.map((r) => [`${r.test_id}\u0000${r.key}\u0000${r.value}`, r])).values()];
  for (let i = 0; i < distinct.length; i += BATCH) {
    const insert = trx.insertInto('test_metadata').values(distinct.slice(i, i + BATCH));
    // A no-op update rather than INSERT IGNORE, which would also hide real errors (truncation) on MariaDB.
    await (dialect === 'mysql'
      ? insert.onDuplicateKeyUpdate({ test_id: sql`test_id` })
      : insert.onConflict((oc) => oc.columns(['test_id', 'key', 'value']).doNothing())
    ).execute();
  }
}

export interface NewAttachment {
  test_run_id: number;
  label: string;
  content_type: string | null;
  body: Buffer;
}

/** Attachments go in statements of at most this many bytes (or rows): their bodies can be large. */
const ATTACHMENT_STATEMENT_BYTES = 4 << 20;
const ATTACHMENT_STATEMENT_ROWS = 200;

export async function insertAttachments(trx: Db, rows: NewAttachment[]): Promise<void> {
  let start = 0;
  while (start < rows.length) {
    let end = start;
    let bytes = 0;
    while (end < rows.length && end - start < ATTACHMENT_STATEMENT_ROWS && (end === start || bytes + rows[end].body.length <= ATTACHMENT_STATEMENT_BYTES)) {
      bytes += rows[end].body.length;
      end++;
    }
    await trx.insertInto('attachments').values(rows.slice(start, end)).execute();
    start = end;
  }
}

/**
 * The stored results of `names` in run `runId`: name → test run id and test id. Names become test ids
 * first, so the results are found on the unique (test_id, run_id) index: joined to `tests` in one query,
 * SQLite's planner scans the whole run on (run_id) as soon as the list holds ten names — a scan per
 * confirmed batch, which made a million-test ingest quadratic (23 of its 46 s).
 */
export async function storedResultsByName(trx: Db, runId: number, names: string[]): Promise<Map<string, { testRunId: number; testId: number }>> {
  const out = new Map<string, { testRunId: number; testId: number }>();
  const nameOf = new Map<number, string>();
  for (const [name, id] of await testIdsByName(trx, names)) nameOf.set(id, name);
  const testIds = [...nameOf.keys()];
  for (let i = 0; i < testIds.length; i += BATCH) {
    const rows = await trx
      .selectFrom('test_runs')
      .select(['id', 'test_id'])
      .where('run_id', '=', runId)
      .where('test_id', 'in', testIds.slice(i, i + BATCH))
      .execute();
    for (const r of rows) out.set(nameOf.get(Number(r.test_id)) as string, { testRunId: Number(r.id), testId: Number(r.test_id) });
  }
  return out;
}

export interface StoredRunTotals {
  tests: number;
  passes: number;
  fails: number;
  skips: number;
  /** Sum of the durations of the results with both times (subunit2sql's run_time), in seconds. */
  durationSum: number;
  firstStartUs: number | null;
  lastStopUs: number | null;
}

/**
 * subunit2sql's `get_run_totals` and `run_time()` over the stored results of a run (one aggregate query
 * on the run's index, so the ingest keeps nothing per test): results without timestamps add no time.
 * Counted by status class in one pass rather than grouped by status: a GROUP BY sorts the run's rows
 * first, which took ~30 MB more peak memory on SQLite for a million results.
 */
export async function storedRunTotals(trx: Db, runId: number): Promise<StoredRunTotals> {
  const r = await trx
    .selectFrom('test_runs')
    .select((eb) => {
      const count = (statuses: readonly string[]) => eb.fn.sum<number | string | null>(eb.case().when('status', 'in', statuses).then(1).else(0).end());
      return [
        eb.fn.countAll().as('n'),
        count(PASS_STATUSES).as('passes'),
        count(FAIL_STATUSES).as('fails'),
        count(['skip']).as('skips'),
        eb.fn.sum(eb('stop_us', '-', eb.ref('start_us'))).as('us'),
        eb.fn.min('start_us').as('first'),
        eb.fn.max('stop_us').as('last'),
      ];
    })
    .where('run_id', '=', runId)
    .executeTakeFirstOrThrow();
  return {
    tests: Number(r.n),
    passes: Number(r.passes ?? 0),
    fails: Number(r.fails ?? 0),
    skips: Number(r.skips ?? 0),
    durationSum: Number(r.us ?? 0) / 1e6,
    firstStartUs: r.first === null ? null : Number(r.first),
    lastStopUs: r.last === null ? null : Number(r.last),
  };
}

/** Deletes a run's test results with their metadata and attachments; returns the tests they belonged to. */
export async function deleteRunTestResults(trx: Db, runId: number): Promise<number[]> {
  const rows = await trx.selectFrom('test_runs').select('test_id').where('run_id', '=', runId).execute();
  const testRunIds = trx.selectFrom('test_runs').select('id').where('run_id', '=', runId);
  await trx.deleteFrom('test_run_metadata').where('test_run_id', 'in', testRunIds).execute();
  await trx.deleteFrom('attachments').where('test_run_id', 'in', testRunIds).execute();
  await trx.deleteFrom('test_runs').where('run_id', '=', runId).execute();
  return rows.map((r) => Number(r.test_id));
}

/** Deletes one test result (a duplicate in a stream being replaced by the later one). */
export async function deleteTestRun(trx: Db, testRunId: number): Promise<void> {
  await trx.deleteFrom('test_run_metadata').where('test_run_id', '=', testRunId).execute();
  await trx.deleteFrom('attachments').where('test_run_id', '=', testRunId).execute();
  await trx.deleteFrom('test_runs').where('id', '=', testRunId).execute();
}

export interface StoredTestResult {
  testRunId: number;
  name: string;
  status: string;
  startUs: number | null;
  stopUs: number | null;
  metadata: Record<string, string>;
}

/** A run's results in start order (tests without a start last), with their metadata. */
export async function runTestResults(db: Db, runId: number): Promise<StoredTestResult[]> {
  const rows = await db
    .selectFrom('test_runs')
    .innerJoin('tests', 'tests.id', 'test_runs.test_id')
    .select(['test_runs.id as id', 'tests.test_id as name', 'test_runs.status', 'test_runs.start_us', 'test_runs.stop_us'])
    .where('test_runs.run_id', '=', runId)
    .orderBy('test_runs.id')
    .execute();
  const meta = await db
    .selectFrom('test_run_metadata')
    .innerJoin('test_runs', 'test_runs.id', 'test_run_metadata.test_run_id')
    .select(['test_run_metadata.test_run_id', 'test_run_metadata.key', 'test_run_metadata.value'])
    .where('test_runs.run_id', '=', runId)
    .execute();
  const byRun = new Map<number, Record<string, string>>();
  for (const m of meta) {
    const record = byRun.get(Number(m.test_run_id)) ?? {};
    record[m.key] = m.value;
    byRun.set(Number(m.test_run_id), record);
  }
  return rows.map((r) => ({
    testRunId: Number(r.id),
    name: r.name,
    status: r.status,
    startUs: r.start_us === null ? null : Number(r.start_us),
    stopUs: r.stop_us === null ? null : Number(r.stop_us),
    metadata: byRun.get(Number(r.id)) ?? {},
  }));
}

export async function testRunAttachments(db: Db, testRunIds: number[]): Promise<Map<number, { label: string; contentType: string | null; body: Buffer }[]>> {
  const out = new Map<number, { label: string; contentType: string | null; body: Buffer }[]>();
  for (let i = 0; i < testRunIds.length; i += BATCH) {
    const rows = await db
      .selectFrom('attachments')
      .select(['test_run_id', 'label', 'content_type', 'body'])
      .where('test_run_id', 'in', testRunIds.slice(i, i + BATCH))
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const list = out.get(Number(r.test_run_id)) ?? [];
      list.push({ label: r.label, contentType: r.content_type, body: Buffer.from(r.body) });
      out.set(Number(r.test_run_id), list);
    }
  }
  return out;
}

/**
 * subunit2sql-db-manage expire: deletes runs older than `cutoffMs` (by run time) and everything that
 * belongs to them — metadata, documents, test results with their metadata and attachments, and the
 * regressions, acknowledgements (by run uuid) and reports (by run id) about them — in one transaction.
 * The `tests` aggregates are left as they are (they summarise all history, as in subunit2sql).
 */
export interface ExpireResult {
  runs: number;
  testRuns: number;
  regressions: number;
  acks: number;
  reports: number;
}

export async function expireRuns(db: Kysely<Database>, cutoffMs: number): Promise<ExpireResult> {
  return db.transaction().execute(async (trx) => {
    const old = await trx.selectFrom('runs').select(['id', 'uuid']).where('timestamp_ms', '<', cutoffMs).execute();
    const result: ExpireResult = { runs: old.length, testRuns: 0, regressions: 0, acks: 0, reports: 0 };
    const count = (r: { numDeletedRows: bigint }) => Number(r.numDeletedRows);
    for (let i = 0; i < old.length; i += BATCH) {
      const ids = old.slice(i, i + BATCH).map((r) => Number(r.id));
      const uuids = old.slice(i, i + BATCH).map((r) => r.uuid);
      const trIds = trx.selectFrom('test_runs').select('id').where('run_id', 'in', ids);
      await trx.deleteFrom('test_run_metadata').where('test_run_id', 'in', trIds).execute();
      await trx.deleteFrom('attachments').where('test_run_id', 'in', trIds).execute();
      result.testRuns += count(await trx.deleteFrom('test_runs').where('run_id', 'in', ids).executeTakeFirst());
      result.regressions += count(await trx.deleteFrom('regressions').where('run_uuid', 'in', uuids).executeTakeFirst());
      result.acks += count(await trx.deleteFrom('acks').where('run_uuid', 'in', uuids).executeTakeFirst());
      result.reports += count(await trx.deleteFrom('reports').where('run_id', 'in', ids).executeTakeFirst());
      await trx.deleteFrom('run_metadata').where('run_id', 'in', ids).execute();
      await deleteTermKeys(trx, ids);
      await trx.deleteFrom('run_times').where('run_id', 'in', ids).execute();
      await trx.deleteFrom('documents').where('run_id', 'in', ids).execute();
      await trx.deleteFrom('runs').where('id', 'in', ids).execute();
    }
    await bumpDataVersion(trx);
    return result;
  });
}
