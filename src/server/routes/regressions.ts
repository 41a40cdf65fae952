import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/connect.js';
import { ackRegression, regressionRecord, REGRESSION_STATUSES, unackRegression } from '../../alerts/index.js';
import { UserError } from '../../util/errors.js';
import { intParam, limitParam, rejectUnknown, single, type Query } from '../params.js';

export { REGRESSION_STATUSES, type RegressionRecord } from '../../alerts/index.js';

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
    return { regressions: rows.map((row) => regressionRecord(row)), limit, offset, nextOffset: rows.length === limit ? offset + limit : null };
  });

  app.post('/api/v1/regressions/:id/ack', { config: { access: 'ack' } }, async (request) => {
    const { id, reason } = ackRequest(request.params, request.body);
    // The route needs a token of scope ack: who acknowledged is that token, whatever a body would claim.
    const ackedBy = request.token!.name;
    // The CLI's rules (src/alerts/lifecycle.ts): a resolved regression is not acknowledged (409).
    const regression = await ackRegression(store, id, reason, ackedBy);
    return {
      regression,
      ack: { runUuid: regression.runUuid, testName: regression.testName, metric: regression.metric, reason, ackedBy, created: regression.statusChanged },
    };
  });

  // Un-acknowledge: the acks rows of the regression's run, test and metric go, so later analyses report it again.
  app.post('/api/v1/regressions/:id/unack', { config: { access: 'ack' } }, async (request) => {
    const { id, reason } = ackRequest(request.params, request.body);
    const by = request.token!.name;
    const regression = await unackRegression(store, id, reason, by);
    request.log.info({ regression: id, by, reason }, 'regression un-acknowledged');
    return { regression, unack: { reason, by, created: regression.statusChanged } };
  });
}

/** The id and reason of an ack or un-ack request: who acts is the token's name, never the body's. */
function ackRequest(params: unknown, body: unknown): { id: number; reason: string } {
  const id = Number((params as { id: string }).id);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UserError('the regression id must be a positive integer', { field: 'id' });
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new UserError('the body must be a JSON object {"reason": "…"}', { field: 'body' });
  }
  for (const key of Object.keys(body)) {
    if (key === 'by') throw new UserError("by is not given: an ack is by the token's name", { field: 'by' });
    if (key !== 'reason') throw new UserError(`unknown body field "${key}" (known: reason)`, { field: key });
  }
  const { reason } = body as { reason?: unknown };
  if (typeof reason !== 'string' || !reason.trim()) throw new UserError('reason is required (a non-empty string)', { field: 'reason' });
  return { id, reason: reason.trim() };
}
