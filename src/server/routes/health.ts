import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/connect.js';
import type { ServerMetrics } from '../metrics.js';

/** `GET /healthz` (the database answers) and `GET /metrics` (Prometheus text), both public. */
export function healthRoutes(app: FastifyInstance, store: Store, metrics: ServerMetrics): void {
  app.get('/healthz', { config: { access: 'public' } }, async (request, reply) => {
    try {
      await store.db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
      return { status: 'ok', database: store.dialect };
    } catch (err) {
      request.log.warn({ err }, 'health check: database unreachable');
      return reply.code(503).send({ status: 'unavailable', database: store.dialect, error: 'the database does not answer' });
    }
  });

  app.get('/metrics', { config: { access: 'public' } }, async (_request, reply) => {
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render());
  });
}
