import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Store } from '../../store/connect.js';
import { getExperiment, listExperiments } from '../../store/experiments.js';
import * as contract from '../contract/experiments.js';

/** `GET /api/v1/experiments` (each with its counts) and `GET /api/v1/experiments/{name}` (with its attempts, the ESS rows). */
export function experimentsRoutes(app: FastifyInstance, store: Store): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.route({ ...contract.listExperiments, handler: async () => ({ experiments: await listExperiments(store.db) }) });
  r.route({
    ...contract.getExperiment,
    handler: async (request) => {
      const { attemptRows, ...summary } = await getExperiment(store.db, request.params.name);
      return { ...summary, attempts: attemptRows.map((a) => ({ ...a, combination: JSON.parse(a.combination) as unknown })) };
    },
  });
}
