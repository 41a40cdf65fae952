/**
 * Runs and their documents: idempotent writes by uuid (one transaction per run is the caller's), reads
 * in time order with metadata filters.
 *
 * ```ts
 * const store = await openStore('sqlite:./perfhound.db');
 * await store.writeTransaction((trx) => writeRun(trx, { uuid: 'r1', timestampMs: Date.parse('2026-01-10T12:00:00Z'),
 *   source: 'json', collection: 'results', metadata: { platform: 'AWS' } },
 *   [{ collection: 'results', timestampMs: null, metricName: null, body: '{"cpu":3.2}' }]));
 * const runs = await listRuns(store.db, { where: { platform: 'AWS' }, limit: 10 }); // oldest first
 * ```
 */
import { PostgresAdapter, sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { NotFoundError, UserError } from '../util/errors.js';
import { recordDocumentCollections } from './document-collections.js';
import { deleteRunTestResults, recomputeTestAggregates } from './tests.js';
import { flattenMetadata, indexedValue, insertTermRows, termRowsOf, termText, withRunId, writeRunTerms, type TermRows } from './metadata.js';
import { termKey, termLookup } from './term-index.js';
import { insertRows, loadRows } from './insert-rows.js';
import { noteRunChanged } from './run-changes.js';
import type { Database, RunsTable } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A run as callers see it (the `runs` row, metadata parsed). */
export interface RunRecord {
  uuid: string;
  timestamp: string;
  timestampMs: number;
  start: string | null;
  end: string | null;
  status: string | null;
  buildUrl: string | null;
  version: string | null;
  artifacts: string | null;
  source: string;
  collection: string;
  passes: number | null;
  fails: number | null;
  skips: number | null;
  runTime: number | null;
  metadata: Record<string, unknown>;
}

/** What an ingester hands over for one run. */
export interface NewRun {
  uuid: string;
  /** Epoch ms; NaN when unknown, which {@link writeRun} refuses (an existing run keeps its own). */
  timestampMs: number;
  source: string;
  collection: string;
  metadata: Record<string, unknown>;
  startMs?: number | null;
  endMs?: number | null;
  status?: string | null;
  buildUrl?: string | null;
  version?: string | null;
  artifacts?: string | null;
  passes?: number | null;
  fails?: number | null;
  skips?: number | null;
  runTime?: number | null;
  /**
   * Rewrite the run even when the other kind of ingest wrote it (`--replace`); its data of that kind goes.
   * Without it such a run is refused (see {@link runKind}).
   */
  replace?: boolean;
}

/** Which kind of ingest wrote a run: test results (subunit, JUnit) or benchmark results (the other sources). */
export function runKind(source: string): 'test' | 'benchmark' {
  return source === 'subunit' || source === 'junit' ? 'test' : 'benchmark';
}

/**
 * A run id the other kind of ingest wrote is refused unless `run.replace` (a test-result ingest would
 * otherwise rewrite a benchmark run, its metadata gone); when replaced, the old kind's data goes.
 */
async function claimRun(trx: Db, id: number, storedSource: string, run: NewRun): Promise<void> {
  const stored = runKind(storedSource);
  if (stored === runKind(run.source)) return;
  if (!run.replace) {
    throw new UserError(`run ${run.uuid} holds ${storedSource} results: a ${run.source} ingest would rewrite it (--replace to do that)`, { field: 'uuid' });
  }
  if (stored === 'benchmark') {
    await trx.deleteFrom('documents').where('run_id', '=', id).execute();
  } else {
    await recomputeTestAggregates(trx, await deleteRunTestResults(trx, id));
  }
}

export interface NewDocument {
  collection: string;
  timestampMs: number | null;
  metricName: string | null;
  /** The document as JSON text. */
  body: string;
}

export type WriteOutcome = 'created' | 'replaced';

/**
 * For a writer that overlaps runs on several connections: the run's documents are inserted only once
 * `after` settles (the previous run's are in), so document ids follow run order; `ready` is called when
 * the run's other statements are done, `inserted` when its documents are in.
 */
export interface DocumentOrder {
  after: Promise<void>;
  ready(): void;
  inserted(): void;
}

/**
 * Writes a run inside the caller's transaction — a `store.writeTransaction`, so that daemons see the new
 * data version. Idempotent by uuid: an existing run keeps its internal
 * id, its row and metadata are replaced, and its documents in the collections given are replaced too —
 * so ingesting the same file twice changes nothing, and metadata and results may come from separate files.
 */
/**
 * Refuses, naming the field, a text longer than its VARCHAR column (migration 0001) — which PostgreSQL and
 * MariaDB would refuse in their own words (naming the column type) and SQLite would keep.
 */
function refuseOverlong(run: NewRun): void {
  const fields: [string, string | null | undefined, number][] = [
    ['uuid', run.uuid, 255], ['version', run.version, 255], ['collection', run.collection, 255], ['status', run.status, 64], ['build_url', run.buildUrl, 2048],
  ];
  for (const [field, value, limit] of fields) {
    // Code points are never more than UTF-16 units: counted only when the units are over the limit.
    const length = typeof value === 'string' && value.length > limit ? [...value].length : 0;
    if (length > limit) throw new UserError(`${field} is ${length} characters long; at most ${limit} are stored`, { field });
  }
}

/** Refuses a run the database would refuse or misplace (no time, a text longer than its column), naming the field. */
export function checkRun(run: NewRun): void {
  // A run without a time would sit at 1970 on every series: refuse it (the transaction rolls back).
  if (!Number.isFinite(run.timestampMs)) throw new UserError(`run ${run.uuid} has no timestamp`, { field: 'timestamp' });
  refuseOverlong(run);
}

function runRow(run: NewRun) {
  return {
    uuid: run.uuid,
    timestamp_ms: run.timestampMs,
    start_ms: run.startMs ?? null,
    end_ms: run.endMs ?? null,
    status: run.status ?? null,
    build_url: run.buildUrl ?? null,
    version: run.version ?? null,
    artifacts: run.artifacts ?? null,
    source: run.source,
    collection: run.collection,
    passes: run.passes ?? null,
    fails: run.fails ?? null,
    skips: run.skips ?? null,
    run_time: run.runTime ?? null,
    metadata: JSON.stringify(run.metadata),
    ingested_ms: Date.now(),
  };
}

/** A run's `run_metadata` rows without its id: (key, value) pairs, flat. */
function metadataPairs(metadata: Record<string, unknown>): unknown[] {
  const pairs: unknown[] = [];
  for (const [key, value] of Object.entries(flattenMetadata(metadata))) pairs.push(key, indexedValue(value));
  return pairs;
}

export async function writeRun(trx: Db, run: NewRun, documents: NewDocument[] = [], order?: DocumentOrder): Promise<{ id: number; outcome: WriteOutcome }> {
  checkRun(run);
  const row = runRow(run);
  // PostgreSQL inserts a new run in one round trip (a run is mostly new); the others look first.
  const createdId = trx.getExecutor().adapter instanceof PostgresAdapter ? await insertUnlessExists(trx, row) : undefined;
  const existing = createdId === undefined ? await trx.selectFrom('runs').select(['id', 'source']).where('uuid', '=', run.uuid).executeTakeFirst() : undefined;
  let id: number;
  if (createdId !== undefined) {
    id = createdId;
  } else if (existing) {
    id = Number(existing.id);
    await claimRun(trx, id, existing.source, run);
    await trx.updateTable('runs').set(row).where('id', '=', id).execute();
    await trx.deleteFrom('run_metadata').where('run_id', '=', id).execute();
  } else {
    id = await insertRunRow(trx, row);
  }
  noteRunChanged(trx, id);
  const metadataRows: unknown[] = [];
  withRunId(metadataRows, id, metadataPairs(run.metadata));
  await insertRows(trx, 'run_metadata', METADATA_COLUMNS, metadataRows);
  await writeRunTerms(trx, id, row.metadata, existing !== undefined);
  await (existing ? replaceDocuments(trx, id, documents, order) : insertDocuments(trx, id, documents, order));
  return { id, outcome: existing ? 'replaced' : 'created' };
}

const METADATA_COLUMNS = ['run_id', 'key', 'value'];
const RUN_COLUMNS = Object.keys(runRow({ uuid: '', timestampMs: 0, source: '', collection: '', metadata: {} }));

/** The stored runs among `uuids`: their ids and the source that wrote them. */
export async function findRuns(trx: Db, uuids: readonly string[]): Promise<Map<string, { id: number; source: string }>> {
  const found = new Map<string, { id: number; source: string }>();
  for (let i = 0; i < uuids.length; i += LOOKUP_CHUNK) {
    const rows = await trx.selectFrom('runs').select(['id', 'uuid', 'source']).where('uuid', 'in', uuids.slice(i, i + LOOKUP_CHUNK)).execute();
    for (const r of rows) found.set(r.uuid, { id: Number(r.id), source: r.source });
  }
  return found;
}

const LOOKUP_CHUNK = 1000;

/**
 * A run not stored yet with the rows it writes beside its `runs` row, made before any statement (plain
 * JavaScript: an ingest makes the next runs' rows while the database writes the current ones).
 */
export interface NewRunRows {
  run: NewRun;
  row: ReturnType<typeof runRow>;
  /** `run_metadata` (key, value) and `run_times` (field, time_ms) rows, flat, without the run's id; the keys of its terms (`run_terms`). */
  metadata: unknown[];
  terms: number[];
  /** The terms as SQLite's FTS5 text, when made beforehand (term-index.ts `ftsTokens`). */
  ftsText?: string;
  times: unknown[];
  documents: readonly NewDocument[];
}

/** The rows of a run not stored yet; refuses it as {@link checkRun} does. */
export function newRunRows(run: NewRun, documents: readonly NewDocument[]): NewRunRows {
  checkRun(run);
  const row = runRow(run);
  const { terms, times } = termRowsOf(row.metadata);
  return { run, row, metadata: metadataPairs(run.metadata), terms, times, documents };
}

/**
 * Writes runs none of which is stored yet (checked by the caller, e.g. with {@link findRuns}), each with
 * its documents, in shared multi-row INSERTs: a handful of statements for all of them instead of a handful
 * per run — PostgreSQL's small runs were bound by the round trips (issue 17). All or nothing for the
 * caller: a refusal (a uuid stored meanwhile, a value a column refuses) throws, and the caller rolls back
 * to its savepoint and writes the runs one by one with {@link writeRun} to refuse only the bad one.
 * Ids follow the order given (runs and documents).
 */
export async function writeNewRuns(trx: Db, runs: readonly NewRunRows[]): Promise<void> {
  if (!runs.length) return;
  const values: unknown[] = [];
  for (const { row } of runs) for (const column of RUN_COLUMNS) values.push(row[column as keyof typeof row]);
  // On PostgreSQL by COPY: a 100-run INSERT of 1 800 parameters was parsed and planned anew each time.
  await loadRows(trx, 'runs', RUN_COLUMNS, values);
  const ids = await findRuns(trx, runs.map(({ run }) => run.uuid));
  const metadataRows: unknown[] = [];
  const termRows: TermRows = { terms: [], times: [] };
  const documents: { runId: number; documents: readonly NewDocument[] }[] = [];
  for (const { run, metadata, terms, ftsText, times, documents: docs } of runs) {
    const id = ids.get(run.uuid)?.id;
    if (id === undefined) throw new Error(`run ${run.uuid} was not found after its insert`);
    noteRunChanged(trx, id);
    withRunId(metadataRows, id, metadata);
    termRows.terms.push({ runId: id, keys: terms, ftsText });
    withRunId(termRows.times, id, times);
    documents.push({ runId: id, documents: docs });
  }
  await loadRows(trx, 'run_metadata', METADATA_COLUMNS, metadataRows);
  await insertTermRows(trx, termRows);
  await recordDocumentCollections(trx, ...runs.map((r) => r.documents));
  await insertDocumentRows(trx, documents);
}

async function insertRunRow(trx: Db, row: Record<string, unknown> & { uuid: string }): Promise<number> {
  const result = await trx
    .insertInto('runs')
    .values(row as never)
    .executeTakeFirst();
  if (result.insertId !== undefined) return Number(result.insertId);
  const back = await trx.selectFrom('runs').select('id').where('uuid', '=', row.uuid).executeTakeFirstOrThrow();
  return Number(back.id);
}

/** PostgreSQL: the new run's id, or undefined when a run with its uuid exists (nothing written then). */
async function insertUnlessExists(trx: Db, row: Record<string, unknown> & { uuid: string }): Promise<number | undefined> {
  const inserted = await trx
    .insertInto('runs')
    .values(row as never)
    .onConflict((oc) => oc.column('uuid').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted === undefined ? undefined : Number(inserted.id);
}

async function insertDocuments(trx: Db, runId: number, documents: NewDocument[], order?: DocumentOrder): Promise<void> {
  await recordDocumentCollections(trx, documents);
  if (order) {
    order.ready();
    await order.after;
  }
  await insertDocumentRows(trx, [{ runId, documents }]);
  order?.inserted();
}

/** Documents of one or more runs, in the order given. */
type RunDocuments = readonly { runId: number; documents: readonly NewDocument[] }[];

/** PostgreSQL loads them by COPY (loadRows). */
async function insertDocumentRows(trx: Db, runs: RunDocuments): Promise<void> {
  const values: unknown[] = [];
  for (const { runId, documents } of runs) for (const d of documents) values.push(runId, d.collection, d.timestampMs, d.metricName, d.body);
  await loadRows(trx, 'documents', DOCUMENT_COLUMNS, values);
}

const DOCUMENT_COLUMNS = ['run_id', 'collection', 'timestamp_ms', 'metric_name', 'body'];

export interface RunFilter {
  /** Metadata key → value; all must match (string comparison of the flattened value). */
  where?: Record<string, string>;
  since?: Date;
  until?: Date;
  /** The newest N runs (still returned oldest first). */
  limit?: number;
  offset?: number;
  collection?: string;
  uuids?: string[];
}

/** Runs in time order, newest last. With `limit`, the newest `limit` runs. */
export async function listRuns(db: Db, filter: RunFilter = {}): Promise<RunRecord[]> {
  let q = db.selectFrom('runs').selectAll();
  for (const [key, value] of Object.entries(filter.where ?? {})) {
    if (heldByTerm(value)) {
      // Candidates from the term index; matchesWhole (below) keeps the runs whose value is exactly this.
      q = q.where('runs.id', 'in', termLookup(db as Kysely<Database>, [termKey(termText(key), termText(`k:${value}`))]));
      continue;
    }
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('run_metadata')
          .select(sql.lit(1).as('one'))
          .whereRef('run_metadata.run_id', '=', 'runs.id')
          .where('run_metadata.key', '=', key)
          .where('run_metadata.value', '=', indexedValue(value)),
      ),
    );
  }
  if (filter.since) q = q.where('timestamp_ms', '>=', filter.since.getTime());
  if (filter.until) q = q.where('timestamp_ms', '<=', filter.until.getTime());
  if (filter.collection) q = q.where('collection', '=', filter.collection);
  if (filter.uuids) {
    if (!filter.uuids.length) return [];
    q = q.where('uuid', 'in', filter.uuids);
  }
  q = q.orderBy('timestamp_ms', 'desc').orderBy('id', 'desc');
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  if (filter.offset) q = (filter.limit === undefined ? q.limit(2 ** 31 - 1) : q).offset(filter.offset);
  const rows = await q.execute();
  // Metadata values longer than the index keeps are checked whole here.
  const whole = rows.filter((r) => matchesWhole(r.metadata, filter.where));
  return whole.reverse().map(toRunRecord);
}

/**
 * A stored value equal to `value` has its `k:` term (metadata.ts `metadataTerms`) unless it is empty (a
 * null) or starts with `[` (an array, stored as its JSON): those are compared row by row in `run_metadata`.
 */
function heldByTerm(value: string): boolean {
  return value !== '' && !value.startsWith('[');
}

function matchesWhole(metadataJson: string, where: Record<string, string> | undefined): boolean {
  if (!where) return true;
  const flat = flattenMetadata(JSON.parse(metadataJson) as Record<string, unknown>);
  return Object.entries(where).every(([k, v]) => flat[k] === v);
}

export async function getRun(db: Db, uuid: string): Promise<RunRecord> {
  const row = await db.selectFrom('runs').selectAll().where('uuid', '=', uuid).executeTakeFirst();
  if (!row) throw new NotFoundError(`no run with uuid ${uuid}`, { field: 'uuid' });
  return toRunRecord(row);
}

/** Number of documents per collection of a run. */
export async function documentCounts(db: Db, uuid: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('documents')
    .innerJoin('runs', 'runs.id', 'documents.run_id')
    .select(['documents.collection', (eb) => eb.fn.countAll<number>().as('n')])
    .where('runs.uuid', '=', uuid)
    .groupBy('documents.collection')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.collection, Number(r.n)]));
}

function toRunRecord(row: Omit<Selectable<RunsTable>, 'id' | 'ingested_ms'>): RunRecord {
  const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
  return {
    uuid: row.uuid,
    timestamp: new Date(Number(row.timestamp_ms)).toISOString(),
    timestampMs: Number(row.timestamp_ms),
    start: iso(row.start_ms),
    end: iso(row.end_ms),
    status: row.status,
    buildUrl: row.build_url,
    version: row.version,
    artifacts: row.artifacts,
    source: row.source,
    collection: row.collection,
    passes: row.passes === null ? null : Number(row.passes),
    fails: row.fails === null ? null : Number(row.fails),
    skips: row.skips === null ? null : Number(row.skips),
    runTime: row.run_time === null ? null : Number(row.run_time),
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
  };
}

/** Row count of every table, for `perfhound db status`. */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const tables = [
    'runs', 'run_metadata', 'documents', 'tests', 'test_runs', 'test_run_metadata', 'test_metadata',
    'attachments', 'regressions', 'acks', 'api_tokens', 'reports', 'experiments', 'experiment_tests',
  ] as const;
  const out: Record<string, number> = {};
  for (const table of tables) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    out[table] = Number(row.n);
  }
  return out;
}

/**
 * Replaces a run's documents in the collections given, keeping the run's row and metadata as they are;
 * creates the run from `fallback` when it does not exist yet (results ingested before their metadata).
 */
export async function writeDocuments(
  trx: Db,
  fallback: NewRun,
  documents: NewDocument[],
  order?: DocumentOrder,
): Promise<{ id: number; outcome: WriteOutcome }> {
  const existing = await trx.selectFrom('runs').select(['id', 'source']).where('uuid', '=', fallback.uuid).executeTakeFirst();
  // A run another kind of ingest wrote is refused, or rewritten whole with --replace.
  if (!existing || runKind(existing.source) !== runKind(fallback.source)) return writeRun(trx, fallback, documents, order);
  const id = Number(existing.id);
  noteRunChanged(trx, id);
  await replaceDocuments(trx, id, documents, order);
  return { id, outcome: 'replaced' };
}

/** Replaces a run's documents in the collections `documents` belong to; other collections stay. */
async function replaceDocuments(trx: Db, runId: number, documents: NewDocument[], order?: DocumentOrder): Promise<void> {
  const collections = [...new Set(documents.map((d) => d.collection))];
  if (!collections.length) return;
  await trx.deleteFrom('documents').where('run_id', '=', runId).where('collection', 'in', collections).execute();
  await insertDocuments(trx, runId, documents, order);
}
