/**
 * The store's side of an analysis: acknowledgements from its `acks` table, and detected regressions
 * recorded in `regressions` — upserted by test + metric + run uuid, so a re-analysis refreshes the
 * statistics and `last_seen_ms` but keeps the lifecycle `status` people set.
 */
import type { Transaction } from 'kysely';
import type { Store } from '../store/connect.js';
import type { Database } from '../store/schema.js';
import type { AckKey } from './filters.js';
import type { ReportChangePoint, TestReport } from './types.js';

/** Acks of the store that apply to a test (`test_name` null = every test, `metric` null = every metric). */
export async function storeAcks(store: Store, testName: string): Promise<AckKey[]> {
  const rows = await store.db
    .selectFrom('acks')
    .select(['run_uuid', 'metric', 'reason'])
    .where((eb) => eb.or([eb('test_name', 'is', null), eb('test_name', '=', testName)]))
    .execute();
  return rows.map((r) => ({ uuid: r.run_uuid, ...(r.metric !== null ? { metric: r.metric } : {}), reason: r.reason }));
}

export async function recordRegressions(store: Store, report: TestReport, nowMs: number): Promise<void> {
  if (report.changePoints.length === 0) return;
  await store.transaction(async (trx) => {
    for (const cp of report.changePoints) await upsertRegression(trx, report, cp, nowMs);
  });
}

/**
 * Records one change point of a report in `regressions` (statistics and `last_seen_ms` refreshed when it is
 * there already, its status kept); returns its row id, status, and whether this call created it.
 */
export async function upsertRegression(trx: Transaction<Database>, report: TestReport, cp: ReportChangePoint, nowMs: number): Promise<{ id: number; status: string; created: boolean }> {
  const row = report.rows[cp.index];
  const stats = {
    timestamp_ms: Math.round(row?.timestampMs ?? 0),
    percentage_change: Number.isFinite(cp.percentageChange) ? cp.percentageChange : null,
    mean_before: cp.meanBefore,
    mean_after: cp.meanAfter,
    pvalue: Number.isFinite(cp.pvalue) ? cp.pvalue : null,
    last_seen_ms: nowMs,
  };
  const existing = await trx
    .selectFrom('regressions')
    .select(['id', 'status'])
    .where('test_name', '=', report.name)
    .where('metric', '=', cp.column)
    .where('run_uuid', '=', cp.uuid)
    .executeTakeFirst();
  if (existing) {
    await trx.updateTable('regressions').set(stats).where('id', '=', existing.id).execute();
    return { id: Number(existing.id), status: existing.status, created: false };
  }
  const values = { test_name: report.name, metric: cp.column, run_uuid: cp.uuid, status: 'open', first_seen_ms: nowMs, ...stats };
  await trx.insertInto('regressions').values(values).execute();
  const created = await trx
    .selectFrom('regressions')
    .select('id')
    .where('test_name', '=', report.name)
    .where('metric', '=', cp.column)
    .where('run_uuid', '=', cp.uuid)
    .executeTakeFirstOrThrow();
  return { id: Number(created.id), status: 'open', created: true };
}
