import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Store } from '../../store/connect.js';
import { getReport, listReports } from '../../store/reports.js';
import * as contract from '../contract/reports.js';

export { REPORTS_PAGE_DEFAULT, REPORTS_PAGE_MAX } from '../contract/reports.js';

/** `GET /api/v1/reports` (cluster, time range, paging from the newest run) and `GET /api/v1/reports/{uuid}`. */
export function reportsRoutes(app: FastifyInstance, store: Store): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.route({
    ...contract.listReports,
    handler: async (request) => {
      const q = request.query;
      const limit = q.limit ?? contract.REPORTS_PAGE_DEFAULT;
      const offset = q.offset ?? 0;
      const reports = await listReports(store.db, { cluster: q.cluster, since: dateOf(q.since), until: dateOf(q.until), limit, offset });
      return { reports, limit, offset, nextOffset: reports.length === limit ? offset + limit : null };
    },
  });

  r.route({ ...contract.getReport, handler: async (request) => (await getReport(store.db, request.params.uuid)) as contract.ReportDocument });
}

/** A query's epoch ms as the store's filters take it. */
export const dateOf = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));
