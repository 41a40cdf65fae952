import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/connect.js';
import { getExperiment, listExperiments } from '../../store/experiments.js';
import { rejectUnknown, type Query } from '../params.js';

/** `GET /api/v1/experiments` (each with its counts) and `GET /api/v1/experiments/{name}` (with its attempts, the ESS rows). */
export function experimentsRoutes(app: FastifyInstance, store: Store): void {
  app.get('/api/v1/experiments', async (request) => {
    rejectUnknown(request.query as Query, []);
    return { experiments: await listExperiments(store.db) };
  });

  app.get('/api/v1/experiments/:name', async (request) => {
    const { name } = request.params as { name: string };
    rejectUnknown(request.query as Query, []);
    const { attemptRows, ...summary } = await getExperiment(store.db, name);
    return { ...summary, attempts: attemptRows.map((a) => ({ ...a, combination: JSON.parse(a.combination) as unknown })) };
  });
}
