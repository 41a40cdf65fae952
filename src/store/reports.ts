/**
 * Run reports (seed 002) in the store: one row per run uuid, regeneration replaces it; the report's
 * metric values are also written as documents of its run (collection `perfhound-reports` by default), so
 * an analysis config reads them like any benchmark result. Claims keep two generators on one database from
 * generating the same report at once.
 *
 * ```ts
 * if (await claimReport(store.db, 'r1', 'host-1:42', Date.now(), 600_000)) {
 *   await store.writeTransaction((trx) => writeReport(trx, row, docs, 'host-1:42'));   // also releases the claim
 * }
 * const page = await listReports(store.db, { cluster: 'c1', since: new Date('2026-01-01') });
 * ```
 */
import { MysqlAdapter, type Kysely, type Transaction } from 'kysely';
import { NotFoundError } from '../util/errors.js';
import { recordDocumentCollections } from './document-collections.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ReportRow {
  uuid: string;
  clusterName: string | null;
  reportType: string | null;
  runTimestampMs: number;
  generatedMs: number;
  warnings: number;
  /** The report document as JSON text. */
  body: string;
}

/** A report's metric value as a document of its run. */
export interface ReportMetricDocument {
  metricName: string;
  timestampMs: number;
  /** The document as JSON text. */
  body: string;
}

export interface ReportSummary {
  uuid: string;
  cluster: string | null;
  reportType: string | null;
  timestamp: string;
  generatedAt: string;
  warnings: number;
}

const BATCH = 500;
const IN_CHUNK = 1000;

/** Store run ids of the given uuids (runs not in the store are absent). */
export async function runIdsOf(db: Db, uuids: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < uuids.length; i += IN_CHUNK) {
    const rows = await db.selectFrom('runs').select(['id', 'uuid']).where('uuid', 'in', uuids.slice(i, i + IN_CHUNK)).execute();
    for (const r of rows) out.set(r.uuid, Number(r.id));
  }
  return out;
}

/** The uuids among `uuids` that have a report. */
export async function reportedUuids(db: Db, uuids: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < uuids.length; i += IN_CHUNK) {
    const rows = await db.selectFrom('reports').select('uuid').where('uuid', 'in', uuids.slice(i, i + IN_CHUNK)).execute();
    for (const r of rows) out.add(r.uuid);
  }
  return out;
}

/**
 * Writes (or replaces) one report inside the caller's transaction — a `store.writeTransaction`, since the
 * metric documents are analysed data. With `runId`, the run's documents of `collection` are replaced by
 * `metrics`. With `holder`, that holder's claim on the uuid is released in the same transaction.
 */
export async function writeReport(
  trx: Db,
  row: ReportRow,
  metrics: { runId: number; collection: string; documents: readonly ReportMetricDocument[] } | undefined,
  holder?: string,
): Promise<void> {
  await trx.deleteFrom('reports').where('uuid', '=', row.uuid).execute();
  await trx
    .insertInto('reports')
    .values({
      uuid: row.uuid,
      run_id: metrics?.runId ?? null,
      cluster_name: row.clusterName,
      report_type: row.reportType,
      run_timestamp_ms: row.runTimestampMs,
      generated_ms: row.generatedMs,
      warnings: row.warnings,
      body: row.body,
    })
    .execute();
  if (metrics) {
    await trx.deleteFrom('documents').where('run_id', '=', metrics.runId).where('collection', '=', metrics.collection).execute();
    const docs = metrics.documents.map((d) => ({ run_id: metrics.runId, collection: metrics.collection, timestamp_ms: d.timestampMs, metric_name: d.metricName, body: d.body }));
    if (docs.length) await recordDocumentCollections(trx, docs);
    for (let i = 0; i < docs.length; i += BATCH) await trx.insertInto('documents').values(docs.slice(i, i + BATCH)).execute();
  }
  if (holder !== undefined) await trx.deleteFrom('report_claims').where('uuid', '=', row.uuid).where('holder', '=', holder).execute();
}

/**
 * Claims the generation of `uuid` for `holder` until `nowMs + ttlMs`: true when this caller holds it now
 * (a new claim, or one taken over after it expired), false when another holder's claim is live. Atomic on
 * every dialect: the insert races on the primary key, the takeover is a conditional update.
 */
export async function claimReport(db: Db, uuid: string, holder: string, nowMs: number, ttlMs: number): Promise<boolean> {
  const expires = nowMs + ttlMs;
  const takeover = await db.updateTable('report_claims').set({ holder, expires_ms: expires }).where('uuid', '=', uuid).where('expires_ms', '<', nowMs).executeTakeFirst();
  if (Number(takeover.numUpdatedRows) > 0) return true;
  const insert = db.insertInto('report_claims').values({ uuid, holder, expires_ms: expires });
  const result = db.getExecutor().adapter instanceof MysqlAdapter ? await insert.ignore().executeTakeFirst() : await insert.onConflict((oc) => oc.column('uuid').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Drops `holder`'s claim (a generation that wrote nothing). */
export async function releaseClaim(db: Db, uuid: string, holder: string): Promise<void> {
  await db.deleteFrom('report_claims').where('uuid', '=', uuid).where('holder', '=', holder).execute();
}

export interface ReportFilter {
  cluster?: string;
  /** Runs at or after this time. */
  since?: Date;
  until?: Date;
  limit?: number;
  offset?: number;
}

/** Report summaries, oldest run last; `limit`/`offset` count from the newest run. */
export async function listReports(db: Db, filter: ReportFilter = {}): Promise<ReportSummary[]> {
  let query = db.selectFrom('reports').select(['uuid', 'cluster_name', 'report_type', 'run_timestamp_ms', 'generated_ms', 'warnings']);
  if (filter.cluster !== undefined) query = query.where('cluster_name', '=', filter.cluster);
  if (filter.since) query = query.where('run_timestamp_ms', '>=', filter.since.getTime());
  if (filter.until) query = query.where('run_timestamp_ms', '<=', filter.until.getTime());
  query = query.orderBy('run_timestamp_ms', 'desc').orderBy('uuid', 'desc');
  if (filter.limit !== undefined) query = query.limit(filter.limit).offset(filter.offset ?? 0);
  const rows = await query.execute();
  return rows.reverse().map((r) => ({
    uuid: r.uuid,
    cluster: r.cluster_name,
    reportType: r.report_type,
    timestamp: new Date(Number(r.run_timestamp_ms)).toISOString(),
    generatedAt: new Date(Number(r.generated_ms)).toISOString(),
    warnings: Number(r.warnings),
  }));
}

/** One report document; NotFoundError names the uuid. */
export async function getReport(db: Db, uuid: string): Promise<Record<string, unknown>> {
  const row = await db.selectFrom('reports').select('body').where('uuid', '=', uuid).executeTakeFirst();
  if (!row) throw new NotFoundError(`no report for run ${uuid}`, { field: 'uuid' });
  return JSON.parse(row.body) as Record<string, unknown>;
}
