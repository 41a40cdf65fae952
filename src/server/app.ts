import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Store } from '../store/connect.js';
import { toJson } from '../util/json.js';
import { authHook } from './auth.js';
import type { AnalysisLimits } from './analysis-gate.js';
import { CachedAnalysis, DEFAULT_CACHE_SIZES, type CacheSizes } from './cached-analysis.js';
import { enableCors } from './cors.js';
import { CallerTerms } from './caller-terms.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { useBoundedJson } from './json-body.js';
import { ServerMetrics } from './metrics.js';
import { registerOpenApi, serveOpenApi } from './openapi.js';
import { refuseNul } from './params.js';
import { useZodSchemas } from './validation.js';
import { analyzeRoutes } from './routes/analyze.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { experimentsRoutes } from './routes/experiments.js';
import { healthRoutes } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { regressionsRoutes } from './routes/regressions.js';
import { reportsRoutes } from './routes/reports.js';
import { runsRoutes } from './routes/runs.js';
import { testsRoutes } from './routes/tests.js';
import { tokensRoutes } from './routes/tokens.js';
import { watchesRoutes } from './routes/watches.js';
import { afterIngest, DeliveryWorker } from '../alerts/index.js';
import { removeStaleSpools, SpoolBudget } from './spool.js';
import { DEFAULT_BODY_LIMIT, DEFAULT_HEALTH_TIMEOUT_MS, DEFAULT_INGEST_LIMIT, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_SPOOL_LIMIT } from './defaults.js';

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
  /** Bytes all uploads in flight may hold in the temp folder together. Default 4 GiB. */
  spoolLimit?: number;
  /** Time `/healthz` waits for the database before answering 503, ms. Default 2 s. */
  healthTimeoutMs?: number;
  /** Time allowed to receive a whole request, ms. Default 5 minutes (uploads). */
  requestTimeoutMs?: number;
  /** Structured request logs (pino); none by default. */
  logger?: Logger;
  /** The built dashboard served at `/` (default web/dist/ of the checkout or package). */
  dashboardDir?: string;
  /** Entry bounds of the analysis memos (default {@link DEFAULT_CACHE_SIZES}). */
  cacheSizes?: CacheSizes;
  /** Run a notification delivery worker in this process (`perfhound serve` does; default false). */
  deliverNotifications?: boolean;
  /** Analyses at once and waiting (default: analysis-gate.ts); beyond them 503 + Retry-After. */
  analysisLimits?: AnalysisLimits;
}


export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    requestTimeout: requestTimeoutMs,
    // Connections idle past this are closed; keeps a flood of idle sockets from piling up.
    connectionTimeout: requestTimeoutMs,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    // Unguessable ids, never taken from the client: a 500 names one, the log line carries it.
    genReqId: () => randomBytes(12).toString('base64url'),
  }) as unknown as FastifyInstance;
  // Uploads of a daemon that died are in the temp folder still; no upload lives longer than a request.
  await removeStaleSpools(requestTimeoutMs);
  const terms = new CallerTerms({ configDir: options.configDir });
  const analyses = new CachedAnalysis(options.store, options.cacheSizes ?? DEFAULT_CACHE_SIZES, options.analysisLimits);
  const metrics = new ServerMetrics(() => analyses.stats(), () => analyses.seriesStats());

  app.setReplySerializer((payload) => toJson(payload));
  useZodSchemas(app);
  app.setErrorHandler(errorHandler(terms));
  useBoundedJson(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  enableCors(app, options.corsOrigins ?? []);
  app.addHook('onRequest', authHook({ store: options.store, readPublic: options.readPublic ?? false }));
  app.addHook('preValidation', async (request) => refuseNul(request));

  // Before any route: @fastify/swagger collects the routes as they are added.
  await registerOpenApi(app);
  serveOpenApi(app);
  await dashboardRoutes(app, options.dashboardDir);
  healthRoutes(app, options.store, metrics, options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS);
  runsRoutes(app, options.store);
  regressionsRoutes(app, options.store);
  reportsRoutes(app, options.store);
  testsRoutes(app, options.store);
  tokensRoutes(app, options.store);
  experimentsRoutes(app, options.store);
  watchesRoutes(app, options.store);
  const worker = options.deliverNotifications ? new DeliveryWorker(options.store) : undefined;
  if (worker) {
    worker.start();
    app.addHook('onClose', async () => worker.stop());
  }
  analyzeRoutes(app, analyses, options.configDir);
  ingestRoutes(app, options.store, metrics, {
    limit: options.ingestLimit ?? DEFAULT_INGEST_LIMIT,
    budget: new SpoolBudget(options.spoolLimit ?? DEFAULT_SPOOL_LIMIT),
    terms,
    // Watches that read the runs an ingest wrote are analysed again; the worker sends what they queued.
    afterWrite: async (uuids) => {
      try {
        const { outcomes } = await afterIngest(options.store, uuids);
        if (outcomes.some((o) => o.notifications > 0)) worker?.poke();
        for (const o of outcomes) if (o.error) app.log.warn({ watch: o.watch }, `watch failed: ${o.error}`);
      } catch (err) {
        app.log.warn({ err }, 'watches after ingest failed');
      }
    },
  });
  await app.ready();
  return app;
}
