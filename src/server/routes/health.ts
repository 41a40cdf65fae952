import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/connect.js';
import type { ServerMetrics } from '../metrics.js';

/**
 * `GET /healthz` (the database answers) and `GET /metrics` (Prometheus text), both public.
 *
 * The health check races one `SELECT 1` against its own timer, so it answers within `timeoutMs` even when
 * the database accepts connections and never answers (a lock, a dead network path): 503
 * `{"status": "unavailable", …}`. One probe at a time: checks arriving while a probe still hangs wait on
 * that probe instead of sending more queries to a database that does not answer.
 */
export function healthRoutes(app: FastifyInstance, store: Store, metrics: ServerMetrics, timeoutMs: number): void {
  let probe: Promise<void> | undefined;
  const ping = (): Promise<void> => {
    probe ??= store.db
      .selectNoFrom((eb) => eb.lit(1).as('one'))
      .execute()
      .then(() => undefined)
      .finally(() => (probe = undefined));
    return probe;
  };

  app.get('/healthz', { config: { access: 'public' } }, async (request, reply) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      const outcome = await Promise.race([ping().then(() => 'ok' as const), timeout]);
      if (outcome === 'ok') return { status: 'ok', database: store.dialect };
      request.log.warn({ timeoutMs }, 'health check: the database did not answer in time');
      return reply.code(503).send({ status: 'unavailable', database: store.dialect, error: `the database did not answer within ${timeoutMs} ms` });
    } catch (err) {
      request.log.warn({ err }, 'health check: database unreachable');
      return reply.code(503).send({ status: 'unavailable', database: store.dialect, error: 'the database does not answer' });
    } finally {
      clearTimeout(timer);
    }
  });

  app.get('/metrics', { config: { access: 'public' } }, async (_request, reply) => {
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render());
  });
}
