/**
 * A regression's lifecycle: open → acknowledged (with a reason, by whom) → resolved (a later change point
 * brought the metric back, see watches.ts, or by hand); and silences: new regressions of a metric are not
 * notified for a period. An ack is also a row of `acks`, which every analysis reads, so the change point is
 * no longer reported.
 */
import { activeSilences, insertSilence, type SilenceRow } from '../store/alerts.js';
import type { Store } from '../store/connect.js';
import { NotFoundError, UserError } from '../util/errors.js';

export const REGRESSION_STATUSES = ['open', 'acknowledged', 'resolved'] as const;

export interface RegressionRecord {
  id: number;
  testName: string;
  metric: string;
  runUuid: string;
  timestamp: string;
  percentageChange: number | null;
  meanBefore: number | null;
  meanAfter: number | null;
  pvalue: number | null;
  status: string;
  statusReason: string | null;
  statusBy: string | null;
  statusChanged: string | null;
  firstSeen: string;
  lastSeen: string;
  /** A silence in force covers its metric. */
  silenced: boolean;
}

type Row = {
  id: number; test_name: string; metric: string; run_uuid: string; timestamp_ms: number; percentage_change: number | null; mean_before: number | null;
  mean_after: number | null; pvalue: number | null; status: string; first_seen_ms: number; last_seen_ms: number; status_reason: string | null; status_by: string | null; status_ms: number | null;
};

const iso = (ms: number) => new Date(Number(ms)).toISOString();

/** A `regressions` row as the CLI and the API show it. */
export function regressionRecord(row: Row, silences: SilenceRow[] = []): RegressionRecord {
  return {
    id: Number(row.id),
    testName: row.test_name,
    metric: row.metric,
    runUuid: row.run_uuid,
    timestamp: iso(row.timestamp_ms),
    percentageChange: row.percentage_change,
    meanBefore: row.mean_before,
    meanAfter: row.mean_after,
    pvalue: row.pvalue,
    status: row.status,
    statusReason: row.status_reason,
    statusBy: row.status_by,
    statusChanged: row.status_ms === null ? null : iso(row.status_ms),
    firstSeen: iso(row.first_seen_ms),
    lastSeen: iso(row.last_seen_ms),
    silenced: silences.some((s) => s.metric === row.metric && (s.testName === null || s.testName === row.test_name)),
  };
}

export async function listRegressions(store: Store, filter: { status?: string; test?: string; metric?: string; limit?: number }): Promise<RegressionRecord[]> {
  if (filter.status !== undefined && !(REGRESSION_STATUSES as readonly string[]).includes(filter.status)) {
    throw new UserError(`status must be one of ${REGRESSION_STATUSES.join(', ')} (got "${filter.status}")`, { field: 'status' });
  }
  let q = store.db.selectFrom('regressions').selectAll();
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  if (filter.test !== undefined) q = q.where('test_name', '=', filter.test);
  if (filter.metric !== undefined) q = q.where('metric', '=', filter.metric);
  const rows = await q.orderBy('timestamp_ms', 'desc').orderBy('id', 'desc').limit(filter.limit ?? 1000).execute();
  const silences = await activeSilences(store.db, Date.now());
  return rows.map((r) => regressionRecord(r, silences));
}

function reasonOf(reason: unknown): string {
  if (typeof reason !== 'string' || !reason.trim()) throw new UserError('reason is required (a non-empty string)', { field: 'reason' });
  return reason.trim();
}

/** Acknowledges a regression: its status, who and why, and a row of `acks` (the analyses stop reporting it). */
export async function ackRegression(store: Store, id: number, reason: unknown, by: string): Promise<RegressionRecord> {
  const why = reasonOf(reason);
  return store.writeTransaction(async (trx) => {
    const row = await trx.selectFrom('regressions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`no regression with id ${id}`, { field: 'id' });
    if (row.status === 'resolved') throw new UserError(`regression ${id} is resolved already`, { field: 'id' }, 409);
    const nowMs = Date.now();
    await trx.insertInto('acks').values({ run_uuid: row.run_uuid, test_name: row.test_name, metric: row.metric, reason: why, acked_by: by, created_ms: nowMs }).execute();
    const change = { status: 'acknowledged', status_reason: why, status_by: by, status_ms: nowMs };
    await trx.updateTable('regressions').set(change).where('id', '=', id).execute();
    return regressionRecord({ ...row, ...change });
  });
}

/**
 * Un-acknowledges a regression: the `acks` rows of its run, test and metric go, so later analyses report it
 * again, and it is open again with who and why in its status fields. Only an acknowledged one (409 else).
 */
export async function unackRegression(store: Store, id: number, reason: unknown, by: string): Promise<RegressionRecord> {
  const why = reasonOf(reason);
  return store.writeTransaction(async (trx) => {
    const row = await trx.selectFrom('regressions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`no regression with id ${id}`, { field: 'id' });
    if (row.status !== 'acknowledged') throw new UserError(`regression ${id} is not acknowledged (it is ${row.status})`, { field: 'id' }, 409);
    await trx.deleteFrom('acks').where('run_uuid', '=', row.run_uuid).where('test_name', '=', row.test_name).where('metric', '=', row.metric).execute();
    const change = { status: 'open', status_reason: why, status_by: by, status_ms: Date.now() };
    await trx.updateTable('regressions').set(change).where('id', '=', id).execute();
    return regressionRecord({ ...row, ...change });
  });
}

/** One regression with the acknowledgements that silence it (the `acks` rows of its run, test and metric). */
export async function showRegression(store: Store, id: number): Promise<RegressionRecord & { acks: { reason: string; by: string | null; created: string }[] }> {
  const row = await store.db.selectFrom('regressions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`no regression with id ${id}`, { field: 'id' });
  const silences = await activeSilences(store.db, Date.now());
  const acks = await store.db
    .selectFrom('acks')
    .selectAll()
    .where('run_uuid', '=', row.run_uuid)
    .where((eb) => eb.or([eb('test_name', '=', row.test_name), eb('test_name', 'is', null)]))
    .where((eb) => eb.or([eb('metric', '=', row.metric), eb('metric', 'is', null)]))
    .orderBy('created_ms')
    .execute();
  return {
    ...regressionRecord(row, silences),
    acks: acks.map((a) => ({ reason: a.reason, by: a.acked_by, created: iso(a.created_ms) })),
  };
}

/** Resolves a regression by hand. */
export async function resolveRegression(store: Store, id: number, reason: unknown, by: string): Promise<RegressionRecord> {
  const why = reasonOf(reason);
  return store.transaction(async (trx) => {
    const row = await trx.selectFrom('regressions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`no regression with id ${id}`, { field: 'id' });
    const change = { status: 'resolved', status_reason: why, status_by: by, status_ms: Date.now() };
    await trx.updateTable('regressions').set(change).where('id', '=', id).execute();
    return regressionRecord({ ...row, ...change });
  });
}

/** Silences new regressions of a metric (of one test, or of all) for `durationMs`. */
export async function silenceMetric(store: Store, s: { test?: string; metric: unknown; durationMs: number; reason: unknown; by: string }): Promise<SilenceRow> {
  if (typeof s.metric !== 'string' || !s.metric.trim()) throw new UserError('metric is required', { field: 'metric' });
  if (!Number.isSafeInteger(s.durationMs) || s.durationMs <= 0) throw new UserError('the duration must be positive', { field: 'for' });
  const nowMs = Date.now();
  return insertSilence(store.db, { testName: s.test ?? null, metric: s.metric.trim(), untilMs: nowMs + s.durationMs, reason: reasonOf(s.reason), silencedBy: s.by }, nowMs);
}
