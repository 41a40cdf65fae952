import type { FastifyInstance } from 'fastify';
import { documentCounts, getRun, listRuns } from '../../store/runs.js';
import type { Store } from '../../store/connect.js';
import { dateParam, intParam, limitParam, metadataFilter, rejectUnknown, single, type Query } from '../params.js';

export const RUNS_PAGE_DEFAULT = 100;
export const RUNS_PAGE_MAX = 10_000;

/** `GET /api/v1/runs` (filters, time range, paging from the newest) and `GET /api/v1/runs/{uuid}`. */
export function runsRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/v1/runs', async (request) => {
    const query = request.query as Query;
    rejectUnknown(query, ['where', 'since', 'until', 'limit', 'offset', 'collection'], { metaPrefix: true });
    const limit = limitParam(query, RUNS_PAGE_MAX) ?? RUNS_PAGE_DEFAULT;
    const offset = intParam(query, 'offset') ?? 0;
    const runs = await listRuns(store.db, {
      where: metadataFilter(query),
      since: dateParam(query, 'since'),
      until: dateParam(query, 'until'),
      collection: single(query, 'collection'),
      limit,
      offset,
    });
    // Pages go back in time: offset counts runs from the newest; each page is oldest first.
    return { runs, limit, offset, nextOffset: runs.length === limit ? offset + limit : null };
  });

  app.get('/api/v1/runs/:uuid', async (request) => {
    const { uuid } = request.params as { uuid: string };
    rejectUnknown(request.query as Query, []);
    const run = await getRun(store.db, uuid);
    return { ...run, documents: await documentCounts(store.db, uuid) };
  });
}
