import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/connect.js';
import { NotFoundError, UserError } from '../../util/errors.js';
import { intParam, limitParam, rejectUnknown, single, type Query } from '../params.js';

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
  firstSeen: string;
  lastSeen: string;
}

/**
 * `GET /api/v1/regressions` and `POST /api/v1/regressions/{id}/ack`. An ack is a row of `acks` (the table
 * every analysis reads, from the CLI and the API alike) plus the regression's status, written together.
 */
export function regressionsRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/v1/regressions', async (request) => {
    const query = request.query as Query;
    rejectUnknown(query, ['status', 'test', 'metric', 'limit', 'offset']);
    const status = single(query, 'status');
    if (status !== undefined && !(REGRESSION_STATUSES as readonly string[]).includes(status)) {
      throw new UserError(`status must be one of ${REGRESSION_STATUSES.join(', ')} (got "${status}")`, { field: 'status' });
    }
    const test = single(query, 'test');
    const metric = single(query, 'metric');
    const limit = limitParam(query, 10_000) ?? 100;
    const offset = intParam(query, 'offset') ?? 0;
    let q = store.db.selectFrom('regressions').selectAll();
    if (status !== undefined) q = q.where('status', '=', status);
    if (test !== undefined) q = q.where('test_name', '=', test);
    if (metric !== undefined) q = q.where('metric', '=', metric);
    const rows = await q.orderBy('last_seen_ms', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
    return { regressions: rows.map(toRecord), limit, offset, nextOffset: rows.length === limit ? offset + limit : null };
  });

  app.post('/api/v1/regressions/:id/ack', { config: { access: 'ack' } }, async (request) => {
    const id = Number((request.params as { id: string }).id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new UserError('the regression id must be a positive integer', { field: 'id' });
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new UserError('the body must be a JSON object {"reason": "…"}', { field: 'body' });
    }
    for (const key of Object.keys(body)) {
      if (key === 'by') throw new UserError("by is not given: an ack is by the token's name", { field: 'by' });
      if (key !== 'reason') throw new UserError(`unknown body field "${key}" (known: reason)`, { field: key });
    }
    const { reason } = body as { reason?: unknown };
    if (typeof reason !== 'string' || !reason.trim()) throw new UserError('reason is required (a non-empty string)', { field: 'reason' });
    // The route needs a token of scope ack: who acknowledged is that token, whatever a body would claim.
    const ackedBy = request.token!.name;
    return store.writeTransaction(async (trx) => {
      const row = await trx.selectFrom('regressions').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFoundError(`no regression with id ${id}`, { field: 'id' });
      const createdMs = Date.now();
      await trx
        .insertInto('acks')
        .values({ run_uuid: row.run_uuid, test_name: row.test_name, metric: row.metric, reason: reason.trim(), acked_by: ackedBy, created_ms: createdMs })
        .execute();
      await trx.updateTable('regressions').set({ status: 'acknowledged' }).where('id', '=', id).execute();
      return {
        regression: toRecord({ ...row, status: 'acknowledged' }),
        ack: { runUuid: row.run_uuid, testName: row.test_name, metric: row.metric, reason: reason.trim(), ackedBy, created: new Date(createdMs).toISOString() },
      };
    });
  });
}

function toRecord(row: {
  id: number; test_name: string; metric: string; run_uuid: string; timestamp_ms: number; percentage_change: number | null;
  mean_before: number | null; mean_after: number | null; pvalue: number | null; status: string; first_seen_ms: number; last_seen_ms: number;
}): RegressionRecord {
  const iso = (ms: number) => new Date(Number(ms)).toISOString();
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
    firstSeen: iso(row.first_seen_ms),
    lastSeen: iso(row.last_seen_ms),
  };
}
