import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/connect.js';
import { getReport, listReports } from '../../store/reports.js';
import { dateParam, intParam, rejectUnknown, single, type Query } from '../params.js';

export const REPORTS_PAGE_DEFAULT = 100;
export const REPORTS_PAGE_MAX = 10_000;

/** `GET /api/v1/reports` (cluster, time range, paging from the newest run) and `GET /api/v1/reports/{uuid}`. */
export function reportsRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/v1/reports', async (request) => {
    const query = request.query as Query;
    rejectUnknown(query, ['cluster', 'since', 'until', 'limit', 'offset']);
    const limit = intParam(query, 'limit', { max: REPORTS_PAGE_MAX }) ?? REPORTS_PAGE_DEFAULT;
    const offset = intParam(query, 'offset') ?? 0;
    const reports = await listReports(store.db, { cluster: single(query, 'cluster'), since: dateParam(query, 'since'), until: dateParam(query, 'until'), limit, offset });
    return { reports, limit, offset, nextOffset: reports.length === limit ? offset + limit : null };
  });

  app.get('/api/v1/reports/:uuid', async (request) => {
    const { uuid } = request.params as { uuid: string };
    rejectUnknown(request.query as Query, []);
    return getReport(store.db, uuid);
  });
}
