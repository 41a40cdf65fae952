import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Store } from '../../store/connect.js';
import * as contract from '../contract/ops.js';
import { METRICS_CONTENT_TYPE, type ServerMetrics } from '../metrics.js';

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

  const r = app.withTypeProvider<ZodTypeProvider>();
  r.route({
    ...contract.healthz,
    handler: async (request, reply) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      try {
        const outcome = await Promise.race([ping().then(() => 'ok' as const), timeout]);
        if (outcome === 'ok') return { status: 'ok' as const, database: store.dialect };
        request.log.warn({ timeoutMs }, 'health check: the database did not answer in time');
        return reply.code(503).send({ status: 'unavailable' as const, database: store.dialect, error: `the database did not answer within ${timeoutMs} ms` });
      } catch (err) {
        request.log.warn({ err }, 'health check: database unreachable');
        return reply.code(503).send({ status: 'unavailable' as const, database: store.dialect, error: 'the database does not answer' });
      } finally {
        clearTimeout(timer);
      }
    },
  });

  r.route({ ...contract.metrics, handler: async (_request, reply) => reply.type(METRICS_CONTENT_TYPE).send(await metrics.render()) });
}
