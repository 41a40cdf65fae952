import { Option, type Command } from 'commander';
import { pino } from 'pino';
import { openStore, resolveDbUrl } from '../store/connect.js';
import { buildServer, DEFAULT_BODY_LIMIT, DEFAULT_HEALTH_TIMEOUT_MS, DEFAULT_INGEST_LIMIT, DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_SPOOL_LIMIT } from '../server/app.js';
import { UserError } from '../util/errors.js';
import { addDbOption, collect, parsePositiveInt } from './common.js';

interface ServeFlags {
  host: string;
  port: string;
  db?: string;
  configDir?: string;
  readPublic?: boolean;
  corsOrigin?: string[];
  bodyLimit: string;
  ingestLimit: string;
  spoolLimit: string;
  requestTimeout: string;
  healthTimeout: string;
  logLevel: string;
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
    .option('--health-timeout <ms>', 'time /healthz waits for the database before answering 503', String(DEFAULT_HEALTH_TIMEOUT_MS))
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
        'The API is described at GET /openapi.json.',
        '',
        'Example:',
        '  perfhound serve --db postgres://perf@db/perfhound --port 8080 --config-dir ./configs --read-public',
      ].join('\n'),
    );
  addDbOption(cmd).action(async (flags: ServeFlags) => {
    const port = parsePositiveInt(flags.port, '--port');
    if (port > 65535) throw new UserError(`--port ${port} is not a port`, { field: '--port' });
    const log = pino({ level: flags.logLevel, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: false }));
    const store = await openStore(resolveDbUrl(flags.db));
    const app = await buildServer({
      store,
      configDir: flags.configDir,
      readPublic: Boolean(flags.readPublic),
      corsOrigins: flags.corsOrigin ?? [],
      bodyLimit: parsePositiveInt(flags.bodyLimit, '--body-limit'),
      ingestLimit: parsePositiveInt(flags.ingestLimit, '--ingest-limit'),
      spoolLimit: parsePositiveInt(flags.spoolLimit, '--spool-limit'),
      requestTimeoutMs: parsePositiveInt(flags.requestTimeout, '--request-timeout') * 1000,
      healthTimeoutMs: parsePositiveInt(flags.healthTimeout, '--health-timeout'),
      logger: log,
    });
    const closed = new Promise<void>((resolve) => {
      const shutdown = (signal: string) => {
        log.info({ signal }, 'shutting down: finishing requests in flight');
        app
          .close()
          .then(() => store.close())
          .catch((err: unknown) => log.error({ err }, 'shutdown failed'))
          .finally(() => {
            log.flush();
            resolve();
          });
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
    });
    try {
      await app.listen({ host: flags.host, port });
    } catch (err) {
      await store.close();
      throw new UserError(`cannot listen on ${flags.host}:${port}: ${(err as Error).message}`, { field: '--port' });
    }
    log.info({ db: store.display, readPublic: Boolean(flags.readPublic), configDir: flags.configDir ?? null }, 'perfhound daemon ready');
    await closed;
  });
}
