import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { documentCounts, getRun, listRuns } from '../../store/runs.js';
import { dateOf } from './reports.js';
import type { Store } from '../../store/connect.js';
import { runTests } from '../../test-analytics/run-tests.js';
import { metaParams } from '../contract/fields.js';
import * as contract from '../contract/runs.js';
import { RUNS_PAGE_DEFAULT } from '../contract/runs.js';
import { parsePairs } from '../../util/params.js';

/** `GET /api/v1/runs` (filters, time range, paging from the newest), `GET /api/v1/runs/{uuid}` and its tests. */
export function runsRoutes(app: FastifyInstance, store: Store): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.route({
    ...contract.listRuns,
    handler: async (request) => {
      const q = request.query;
      const limit = q.limit ?? RUNS_PAGE_DEFAULT;
      const offset = q.offset ?? 0;
      const runs = await listRuns(store.db, {
        where: { ...parsePairs(q.where, 'where'), ...metaParams(q) },
        since: dateOf(q.since),
        until: dateOf(q.until),
        collection: q.collection,
        limit,
        offset,
      });
      // Pages go back in time: offset counts runs from the newest; each page is oldest first.
      return { runs, limit, offset, nextOffset: runs.length === limit ? offset + limit : null };
    },
  });

  r.route({
    ...contract.getRun,
    handler: async (request) => {
      const { uuid } = request.params;
      const run = await getRun(store.db, uuid);
      return { ...run, documents: await documentCounts(store.db, uuid) };
    },
  });

  r.route({ ...contract.runTests, handler: async (request) => runTests(store.db, request.params.uuid, request.query) });
}
