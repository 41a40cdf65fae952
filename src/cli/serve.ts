import { Option, type Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { openStore, resolveDbUrl } from '../store/connect.js';
import { parseDuration } from '../report/config.js';
import { startReportSchedule, type Repeater } from '../report/schedule.js';
import { openReportSetup, parseSinceOption, type ReportSetup } from '../report/setup.js';
// The daemon (fastify, pino, every route) is loaded when it starts, not to print help: see server/defaults.ts.
import { DEFAULT_BODY_LIMIT, DEFAULT_HEALTH_TIMEOUT_MS, DEFAULT_INGEST_LIMIT, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_SPOOL_LIMIT } from '../server/defaults.js';
import { UserError } from '../util/errors.js';
import { addDbOption, collect, parseDate, parsePositiveInt } from './common.js';

/** The flags of `perfhound serve` (absent ones take the defaults the help shows). */
export interface ServeFlags {
  host?: string;
  port?: string;
  db?: string;
  configDir?: string;
  readPublic?: boolean;
  corsOrigin?: string[];
  bodyLimit?: string;
  ingestLimit?: string;
  spoolLimit?: string;
  requestTimeout?: string;
  healthTimeout?: string;
  logLevel?: string;
  /** Send notifications from this daemon (commander's --no-deliver sets false). */
  deliver?: boolean;
  /** Scheduled reports (seed 002): generate reports for new runs every DURATION inside the daemon. */
  reportEvery?: string;
  reportConfig?: string;
  reportSince?: string;
  reportConcurrency?: string;
  reportQueryTimeout?: string;
  prometheus?: string;
  prometheusTokenFile?: string;
  prometheusHeader?: string[];
  prometheusCaFile?: string;
  prometheusInsecure?: boolean;
  grafana?: string;
}

export interface Daemon {
  app: FastifyInstance;
  /** `http://host:port` it listens on. */
  url: string;
  /** Stops the report schedule (waiting for a tick in flight), then the HTTP server, then the databases. */
  close(): Promise<void>;
}

/** `perfhound serve` (alias `daemon-mode`, Orion's name): the HTTP API until SIGINT/SIGTERM. */
export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .alias('daemon-mode')
    .description('run the HTTP API (analysis, runs, series, regressions, ingestion, test analytics)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--config-dir <dir>', 'analysis configs the daemon may run by name (GET /daemon/changepoint, /daemon/options)')
    .option('--read-public', 'reads without a token (default: reads need a token of any scope)')
    .option('--cors-origin <origin>', 'allow browser calls from this origin (repeatable; * for any; default: CORS off)', collect)
    .option('--body-limit <bytes>', 'largest JSON body', String(DEFAULT_BODY_LIMIT))
    .option('--ingest-limit <bytes>', 'largest ingest body', String(DEFAULT_INGEST_LIMIT))
    .option('--spool-limit <bytes>', 'temp-folder space all ingest uploads in flight may hold together (413 past it)', String(DEFAULT_SPOOL_LIMIT))
    .option('--request-timeout <seconds>', 'time allowed to receive a request', String(DEFAULT_REQUEST_TIMEOUT_MS / 1000))
    .option('--no-deliver', 'do not send notifications from this daemon (another one, or `perfhound notify deliver`, does)')
    .option('--health-timeout <ms>', 'time /healthz waits for the database before answering 503', String(DEFAULT_HEALTH_TIMEOUT_MS))
    .option('--report-every <duration>', 'scheduled reports: generate reports for new runs every DURATION (e.g. 1h) in the daemon (as report generate --every)')
    .option('--report-config <file>', 'report config (YAML) read over the bundled default (with --report-every)')
    .option('--report-since <when>', 'window of the scheduled reports: a duration back from now or a date (default: the report config\'s, 14d)')
    .option('--report-concurrency <n>', 'Prometheus queries at once (scheduled reports)', '8')
    .option('--report-query-timeout <duration>', 'per Prometheus query (scheduled reports)', '30s')
    .addOption(new Option('--prometheus <url>', 'Prometheus or Thanos Querier URL of the scheduled reports').env('PROMETHEUS_URL'))
    .option('--prometheus-token-file <file>', 'bearer token for Prometheus')
    .option('--prometheus-header <header>', 'extra Prometheus request header "Name: value" (repeatable)', collect)
    .option('--prometheus-ca-file <file>', 'CA certificate (PEM) of the Prometheus server')
    .option('--prometheus-insecure', 'do not verify the Prometheus TLS certificate')
    .option('--grafana <url>', 'Grafana base URL of the report links (default: the report config\'s)')
    .addOption(
      new Option('--log-level <level>', 'log level (pino JSON lines on stderr); info logs every request, which costs throughput')
        .choices(['debug', 'info', 'warn', 'error'])
        .default('warn'),
    )
    .addHelpText(
      'after',
      [
        '',
        'Ingest, ack and admin routes need "Authorization: Bearer <token>" (perfhound token create).',
        'Reads never write: analyses record regressions only with record=true and a token of scope ingest.',
        'Security (scopes, limits, TLS through a reverse proxy): docs/security.md.',
        'Every state is in the database: several daemons may serve one PostgreSQL/MariaDB database.',
        'With --report-every, each daemon generates reports for new runs; a report being generated is claimed',
        'in the database, so two daemons never generate the same one at once. A failed tick is logged.',
        'The API is described at GET /openapi.json.',
        '',
        'Example:',
        '  perfhound serve --db postgres://perf@db/perfhound --port 8080 --config-dir ./configs --read-public',
        '  perfhound serve --db postgres://perf@db/perfhound --report-every 1h --prometheus http://thanos:9090',
      ].join('\n'),
    );
  addDbOption(cmd).action(async (flags: ServeFlags) => {
    const { pino } = await import('pino');
    const log = pino({ level: flags.logLevel ?? 'warn', base: { pid: process.pid } }, pino.destination({ fd: 2, sync: false }));
    const daemon = await startDaemon(flags, log);
    await new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        log.info({ signal }, 'shutting down: finishing requests in flight');
        daemon
          .close()
          .catch((err: unknown) => log.error({ err }, 'shutdown failed'))
          .finally(() => {
            log.flush();
            resolve();
          });
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
  });
}

/** The daemon: its HTTP API listening, and with `reportEvery` its report schedule running. */
export async function startDaemon(flags: ServeFlags, log: Logger): Promise<Daemon> {
  const host = flags.host ?? '127.0.0.1';
  const port = parsePositiveInt(flags.port ?? '8080', '--port');
  if (port > 65535) throw new UserError(`--port ${port} is not a port`, { field: '--port' });
  const everyS = flags.reportEvery === undefined ? undefined : parseDuration(flags.reportEvery);
  if (flags.reportEvery !== undefined && (everyS === undefined || everyS <= 0)) throw new UserError(`"${flags.reportEvery}" is not a duration (e.g. 1h, 30m)`, { field: '--report-every' });
  const store = await openStore(resolveDbUrl(flags.db));
  let reports: ReportSetup | undefined;
  let app: FastifyInstance | undefined;
  try {
    if (everyS !== undefined) reports = await openReports(flags);
    const { buildServer } = await import('../server/app.js');
    app = await buildServer({
      store,
      configDir: flags.configDir,
      readPublic: Boolean(flags.readPublic),
      corsOrigins: flags.corsOrigin ?? [],
      bodyLimit: parsePositiveInt(flags.bodyLimit ?? String(DEFAULT_BODY_LIMIT), '--body-limit'),
      ingestLimit: parsePositiveInt(flags.ingestLimit ?? String(DEFAULT_INGEST_LIMIT), '--ingest-limit'),
      spoolLimit: parsePositiveInt(flags.spoolLimit ?? String(DEFAULT_SPOOL_LIMIT), '--spool-limit'),
      requestTimeoutMs: parsePositiveInt(flags.requestTimeout ?? String(DEFAULT_REQUEST_TIMEOUT_MS / 1000), '--request-timeout') * 1000,
      healthTimeoutMs: parsePositiveInt(flags.healthTimeout ?? String(DEFAULT_HEALTH_TIMEOUT_MS), '--health-timeout'),
      logger: log,
      deliverNotifications: flags.deliver !== false,
    });
    try {
      await app.listen({ host, port });
    } catch (err) {
      throw new UserError(`cannot listen on ${host}:${port}: ${(err as Error).message}`, { field: '--port' });
    }
  } catch (err) {
    await app?.close().catch(() => undefined);
    await reports?.close().catch(() => undefined);
    await store.close();
    throw err;
  }
  const address = app.server.address();
  const url = `http://${host}:${address && typeof address === 'object' ? address.port : port}`;
  let schedule: Repeater | undefined;
  if (reports && everyS !== undefined) {
    const setup = reports;
    const since = flags.reportSince ?? setup.context.config.since;
    schedule = startReportSchedule({ setup, everyMs: everyS * 1000, since: () => parseSinceOption(since, new Date(), parseDate), log });
  }
  log.info({ db: store.display, readPublic: Boolean(flags.readPublic), configDir: flags.configDir ?? null, reportEvery: flags.reportEvery ?? null }, 'perfhound daemon ready');
  const server = app;
  let closing: Promise<void> | undefined;
  return {
    app: server,
    url,
    close: () =>
      (closing ??= (async () => {
        try {
          await schedule?.stop();
          await server.close();
        } finally {
          await reports?.close().catch((err: unknown) => log.error({ err }, 'closing the report sources failed'));
          await store.close();
        }
      })()),
  };
}

/** The report sources of the schedule, checked before the daemon starts (a bad config or token file is a clear error). */
async function openReports(flags: ServeFlags): Promise<ReportSetup> {
  const concurrency = parsePositiveInt(flags.reportConcurrency ?? '8', '--report-concurrency');
  if (concurrency === 0) throw new UserError('must be at least 1', { field: '--report-concurrency' });
  const setup = await openReportSetup({
    config: flags.reportConfig,
    db: flags.db,
    source: 'store',
    prometheus: flags.prometheus || undefined,
    prometheusTokenFile: flags.prometheusTokenFile,
    prometheusHeaders: flags.prometheusHeader,
    prometheusCaFile: flags.prometheusCaFile,
    prometheusInsecure: flags.prometheusInsecure,
    queryTimeout: flags.reportQueryTimeout,
    grafana: flags.grafana,
    concurrency,
  });
  try {
    parseSinceOption(flags.reportSince ?? setup.context.config.since, new Date(), parseDate);
  } catch (err) {
    await setup.close();
    throw err;
  }
  return setup;
}
