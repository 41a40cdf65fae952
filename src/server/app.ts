import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Store } from '../store/connect.js';
import { toJson } from '../util/json.js';
import { authHook } from './auth.js';
import { CachedAnalysis, DEFAULT_CACHE_SIZES, type CacheSizes } from './cached-analysis.js';
import { enableCors } from './cors.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { ServerMetrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { analyzeRoutes } from './routes/analyze.js';
import { experimentsRoutes } from './routes/experiments.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { regressionsRoutes } from './routes/regressions.js';
import { runsRoutes } from './routes/runs.js';
import { testsRoutes } from './routes/tests.js';
import { tokensRoutes } from './routes/tokens.js';

/**
 * The daemon: HTTP routes over the services the CLI uses. Everything it knows lives in the store, so any
 * number of daemons may serve one PostgreSQL/MariaDB database (the metrics are per process).
 *
 * @example
 * const store = await openStore('sqlite:./perfhound.db');
 * const app = await buildServer({ store, readPublic: true });
 * await app.listen({ host: '127.0.0.1', port: 8080 });
 */
export interface ServerOptions {
  store: Store;
  /** Analysis configs the daemon may run by name (`GET /daemon/changepoint`, `/daemon/options`). */
  configDir?: string;
  /** Reads without a token (default false: reads need a token of any scope). */
  readPublic?: boolean;
  /** Origins allowed by CORS (`*` for any); none by default (CORS off). */
  corsOrigins?: readonly string[];
  /** Largest JSON body (analyze, ack), bytes. Default 10 MiB. */
  bodyLimit?: number;
  /** Largest ingest body, bytes. Default 1 GiB. */
  ingestLimit?: number;
  /** Time allowed to receive a whole request, ms. Default 5 minutes (uploads). */
  requestTimeoutMs?: number;
  /** Structured request logs (pino); none by default. */
  logger?: Logger;
  /** Entry bounds of the analysis memos (default {@link DEFAULT_CACHE_SIZES}). */
  cacheSizes?: CacheSizes;
}

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;
export const DEFAULT_INGEST_LIMIT = 1024 * 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 5 * 60_000;

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    requestTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    // Connections idle past this are closed; keeps a flood of idle sockets from piling up.
    connectionTimeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  }) as unknown as FastifyInstance;
  const analyses = new CachedAnalysis(options.store, options.cacheSizes ?? DEFAULT_CACHE_SIZES);
  const metrics = new ServerMetrics(() => analyses.stats());

  app.setReplySerializer((payload) => toJson(payload));
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  enableCors(app, options.corsOrigins ?? []);
  app.addHook('onRequest', authHook({ store: options.store, readPublic: options.readPublic ?? false }));

  // A constant document: serialised once.
  const openApi = toJson(openApiDocument());
  app.get('/openapi.json', { config: { access: 'public' } }, async (_request, reply) => reply.type('application/json; charset=utf-8').send(openApi));
  healthRoutes(app, options.store, metrics);
  runsRoutes(app, options.store);
  regressionsRoutes(app, options.store);
  testsRoutes(app, options.store);
  tokensRoutes(app, options.store);
  experimentsRoutes(app, options.store);
  analyzeRoutes(app, analyses, options.configDir);
  ingestRoutes(app, options.store, metrics, options.ingestLimit ?? DEFAULT_INGEST_LIMIT);
  await app.ready();
  return app;
}
