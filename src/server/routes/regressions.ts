import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Store } from '../../store/connect.js';
import { regressionRecord } from '../../alerts/index.js';
import { NotFoundError, UserError } from '../../util/errors.js';
import * as contract from '../contract/regressions.js';

export { REGRESSION_STATUSES, type RegressionRecord } from '../../alerts/index.js';

/**
 * `GET /api/v1/regressions` and `POST /api/v1/regressions/{id}/ack|unack`. An ack is a row of `acks` (the
 * table every analysis reads, from the CLI and the API alike) plus the regression's status, written
 * together. Who acts is the token's name, whatever a body would claim (the declaration refuses `by`).
 */
export function regressionsRoutes(app: FastifyInstance, store: Store): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.route({
    ...contract.listRegressions,
    handler: async (request) => {
      const { status, test, metric } = request.query;
      const limit = request.query.limit ?? 100;
      const offset = request.query.offset ?? 0;
      let q = store.db.selectFrom('regressions').selectAll();
      if (status !== undefined) q = q.where('status', '=', status);
      if (test !== undefined) q = q.where('test_name', '=', test);
      if (metric !== undefined) q = q.where('metric', '=', metric);
      const rows = await q.orderBy('last_seen_ms', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
      return { regressions: rows.map((row) => regressionRecord(row)), limit, offset, nextOffset: rows.length === limit ? offset + limit : null };
    },
  });

  r.route({
    ...contract.ackRegression,
    handler: async (request) => {
      const { id } = request.params;
      const { reason } = request.body;
      const ackedBy = request.token!.name;
      return store.writeTransaction(async (trx) => {
        const row = await trx.selectFrom('regressions').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) throw new NotFoundError(`no regression with id ${id}`, { field: 'id' });
        const createdMs = Date.now();
        await trx.insertInto('acks').values({ run_uuid: row.run_uuid, test_name: row.test_name, metric: row.metric, reason, acked_by: ackedBy, created_ms: createdMs }).execute();
        const change = { status: 'acknowledged', status_reason: reason, status_by: ackedBy, status_ms: createdMs };
        await trx.updateTable('regressions').set(change).where('id', '=', id).execute();
        return {
          regression: regressionRecord({ ...row, ...change }),
          ack: { runUuid: row.run_uuid, testName: row.test_name, metric: row.metric, reason, ackedBy, created: new Date(createdMs).toISOString() },
        };
      });
    },
  });

  // Un-acknowledge: the acks rows of the regression's run, test and metric go, so later analyses report it again.
  r.route({
    ...contract.unackRegression,
    handler: async (request) => {
      const { id } = request.params;
      const { reason } = request.body;
      const by = request.token!.name;
      return store.writeTransaction(async (trx) => {
        const row = await trx.selectFrom('regressions').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) throw new NotFoundError(`no regression with id ${id}`, { field: 'id' });
        if (row.status !== 'acknowledged') throw new UserError(`regression ${id} is not acknowledged (it is ${row.status})`, { field: 'id' }, 409);
        await trx.deleteFrom('acks').where('run_uuid', '=', row.run_uuid).where('test_name', '=', row.test_name).where('metric', '=', row.metric).execute();
        const change = { status: 'open', status_reason: reason, status_by: by, status_ms: Date.now() };
        await trx.updateTable('regressions').set(change).where('id', '=', id).execute();
        request.log.info({ regression: id, by, reason }, 'regression un-acknowledged');
        return { regression: regressionRecord({ ...row, ...change }), unack: { reason, by, created: new Date(change.status_ms).toISOString() } };
      });
    },
  });
}
