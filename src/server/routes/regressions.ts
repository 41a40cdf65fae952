import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Store } from '../../store/connect.js';
import { ackRegression, regressionRecord, unackRegression } from '../../alerts/index.js';
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

  // The CLI's rules (src/alerts/lifecycle.ts): a resolved regression is not acknowledged (409).
  r.route({
    ...contract.ackRegression,
    handler: async (request) => {
      const { id } = request.params;
      const { reason } = request.body;
      const ackedBy = request.token!.name;
      const regression = await ackRegression(store, id, reason, ackedBy);
      return {
        regression,
        ack: { runUuid: regression.runUuid, testName: regression.testName, metric: regression.metric, reason, ackedBy, created: regression.statusChanged ?? regression.lastSeen },
      };
    },
  });

  // Un-acknowledge: the acks rows of the regression's run, test and metric go, so later analyses report it again.
  r.route({
    ...contract.unackRegression,
    handler: async (request) => {
      const { id } = request.params;
      const { reason } = request.body;
      const by = request.token!.name;
      const regression = await unackRegression(store, id, reason, by);
      request.log.info({ regression: id, by, reason }, 'regression un-acknowledged');
      return { regression, unack: { reason, by, created: regression.statusChanged ?? regression.lastSeen } };
    },
  });
}
