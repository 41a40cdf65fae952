import { Option, type Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { renderTable } from '../output/table.js';
import { parseDuration } from '../report/config.js';
import { generateReports, type GenerateResult, type Progress } from '../report/generate.js';
import { repeatEvery } from '../report/schedule.js';
import { openReportSetup, parseSinceOption } from '../report/setup.js';
import { getReport, listReports } from '../store/reports.js';
import { UserError, errorMessage } from '../util/errors.js';
import { addDbOption, collect, parseDate, parsePositiveInt, printJson, withStore } from './common.js';
import { EXIT_ERROR, EXIT_OK } from './exit-codes.js';

interface GenerateFlags {
  config?: string;
  since?: string;
  until?: string;
  uuid?: string;
  metadataIndex?: string;
  esServer?: string;
  source?: 'store' | 'opensearch';
  prometheus?: string;
  prometheusTokenFile?: string;
  prometheusHeader?: string[];
  prometheusCaFile?: string;
  prometheusInsecure?: boolean;
  queryTimeout: string;
  retries: string;
  grafana?: string;
  concurrency: string;
  reportIndex?: string;
  every?: string;
  output: string;
  db?: string;
}

/** `perfhound report generate|list|show`: run reports enriched with Prometheus metrics and links (seed 002). */
export function registerReport(program: Command): void {
  const report = program.command('report').description('run reports: results, Prometheus/Thanos metrics and dashboard links per run');

  const generate = report
    .command('generate')
    .description('generate a report for every run of the window (one transaction per report; regeneration replaces)')
    .option('--config <file>', 'report config (YAML) read over the bundled default')
    .option('--since <when>', 'runs at or after: a duration back from now (14d, 12h) or a date (default: the config\'s, 14d)')
    .option('--until <date>', 'runs at or before this date')
    .option('--uuid <id>', 'only this run')
    .addOption(new Option('--metadata-index <pattern>', 'metadata collection(s) of the runs (default perf_scale_ci*)').env('ES_METADATA_INDEX'))
    .addOption(new Option('--es-server <url>', 'read runs and results from OpenSearch (as analyze does)').env('ES_SERVER'))
    .addOption(new Option('--source <kind>', 'where runs and results are (default: opensearch with --es-server, else store)').choices(['store', 'opensearch']))
    .addOption(new Option('--prometheus <url>', 'Prometheus or Thanos Querier URL').env('PROMETHEUS_URL'))
    .option('--prometheus-token-file <file>', 'bearer token for Prometheus')
    .option('--prometheus-header <header>', 'extra request header "Name: value" (repeatable)', collect)
    .option('--prometheus-ca-file <file>', 'CA certificate (PEM) of the Prometheus server')
    .option('--prometheus-insecure', 'do not verify the Prometheus TLS certificate')
    .option('--query-timeout <duration>', 'per query', '30s')
    .option('--retries <n>', 'retries of a query after a 5xx, timeout or connection error', '2')
    .option('--grafana <url>', 'Grafana base URL of the dashboard links (default: the config\'s)')
    .option('--concurrency <n>', 'Prometheus queries at once', '8')
    .option('--report-index <name>', 'also write each report to this OpenSearch index (document id = run uuid)')
    .option('--every <duration>', 'scheduled: generate reports for new runs every DURATION (e.g. 1h) until stopped')
    .addOption(new Option('-o, --output <format>', 'table or json').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      [
        '',
        'Exit code 1 only when nothing could be reported; failed or empty queries are warnings in each report.',
        '',
        'Examples:',
        '  perfhound report generate --prometheus http://thanos:9090 --grafana https://grafana.example',
        '  perfhound report generate --es-server http://es:9200 --report-index ci-reports --since 2d',
        '  perfhound report generate --every 1h --db postgres://perf@db/perfhound',
      ].join('\n'),
    );
  addDbOption(generate).action(async (flags: GenerateFlags) => {
    process.exitCode = await generateCommand(flags);
  });

  const list = report
    .command('list')
    .description('stored reports, newest run last')
    .option('--cluster <name>', 'only this cluster')
    .option('--since <when>', 'runs at or after: a duration back from now (14d) or a date')
    .option('--until <date>', 'runs at or before this date')
    .option('--limit <n>', 'only the newest N')
    .addOption(new Option('-o, --output <format>', 'table or json').choices(['table', 'json']).default('table'));
  addDbOption(list).action(async (flags: { cluster?: string; since?: string; until?: string; limit?: string; output: string; db?: string }) => {
    const found = await withStore(flags.db, (store) =>
      listReports(store.db, {
        cluster: flags.cluster,
        since: flags.since ? parseSinceOption(flags.since, new Date(), parseDate) : undefined,
        until: flags.until ? parseDate(flags.until, '--until') : undefined,
        limit: flags.limit !== undefined ? parsePositiveInt(flags.limit, '--limit') : undefined,
      }),
    );
    if (flags.output === 'json') printJson(found);
    else process.stdout.write((found.length ? renderTable(['timestamp', 'uuid', 'cluster', 'type', 'warnings', 'generated'], found.map((r) => [r.timestamp, r.uuid, r.cluster, r.reportType, r.warnings, r.generatedAt])) : '(no reports)') + '\n');
  });

  const show = report
    .command('show')
    .description('one report')
    .argument('<uuid>', 'the run id')
    .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text'));
  addDbOption(show).action(async (uuid: string, flags: { output: string; db?: string }) => {
    const doc = await withStore(flags.db, (store) => getReport(store.db, uuid));
    if (flags.output === 'json') printJson(doc);
    else process.stdout.write(reportText(doc) + '\n');
  });
}

async function generateCommand(flags: GenerateFlags): Promise<number> {
  const concurrency = parsePositiveInt(flags.concurrency, '--concurrency');
  if (concurrency === 0) throw new UserError('must be at least 1', { field: '--concurrency' });
  const everyS = flags.every === undefined ? undefined : parseDuration(flags.every);
  if (flags.every !== undefined && (everyS === undefined || everyS <= 0)) throw new UserError(`"${flags.every}" is not a duration (e.g. 1h, 30m)`, { field: '--every' });
  if (flags.until) parseDate(flags.until, '--until');
  const setup = await openReportSetup({
    config: flags.config,
    db: flags.db,
    source: flags.source,
    esServer: flags.esServer || undefined,
    metadataIndex: flags.metadataIndex || undefined,
    prometheus: flags.prometheus || undefined,
    prometheusTokenFile: flags.prometheusTokenFile,
    prometheusHeaders: flags.prometheusHeader,
    prometheusCaFile: flags.prometheusCaFile,
    prometheusInsecure: flags.prometheusInsecure,
    queryTimeout: flags.queryTimeout,
    retries: parsePositiveInt(flags.retries, '--retries'),
    grafana: flags.grafana,
    concurrency,
    reportIndex: flags.reportIndex,
  });
  try {
    const once = async (onlyNew: boolean): Promise<number> => {
      const now = new Date();
      const since = flags.uuid ? undefined : parseSinceOption(flags.since ?? setup.context.config.since, now, parseDate);
      const progress = progressReporter();
      let result: GenerateResult;
      try {
        result = await generateReports({ ...(onlyNew ? setup.fresh() : setup.context), onProgress: progress.update }, { since, until: flags.until ? parseDate(flags.until, '--until') : undefined, uuid: flags.uuid, onlyNew });
      } finally {
        progress.stop();
      }
      if (flags.output === 'json') printJson(result);
      else if (result.reports.length) process.stdout.write(renderTable(['uuid', 'cluster', 'type', 'metrics', 'warnings'], result.reports.map((r) => [r.uuid, r.cluster, r.reportType, r.metrics, r.warnings.length])) + '\n');
      for (const f of result.failed) process.stderr.write(`error: run ${f.uuid}: ${f.error}\n`);
      const indexErrors = setup.context.reportIndex?.errors.splice(0) ?? [];
      for (const e of indexErrors) process.stderr.write(`error: --report-index: ${e}\n`);
      process.stderr.write(summaryLine(result) + '\n');
      if (flags.uuid && result.runs === 0 && result.ignored === 0) throw new UserError(`no run ${flags.uuid} in the metadata collection(s)`, { field: '--uuid' });
      const nothingReported = result.reports.length === 0 && result.failed.length > 0;
      return nothingReported || indexErrors.length ? EXIT_ERROR : EXIT_OK;
    };
    if (everyS === undefined) return await once(false);
    return await scheduled(everyS * 1000, () => once(true));
  } finally {
    await setup.close();
  }
}

/** Runs `tick` now and then every `intervalMs` until SIGINT/SIGTERM; a failing tick is logged, not fatal. */
async function scheduled(intervalMs: number, tick: () => Promise<number>): Promise<number> {
  const loop = repeatEvery(intervalMs, tick, (err) => process.stderr.write(`error: ${errorMessage(err)}\n`));
  const onSignal = () => void loop.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await loop.done;
    return EXIT_OK;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function summaryLine(r: GenerateResult): string {
  const withWarnings = r.reports.filter((x) => x.warnings.length).length;
  const parts = [`${r.reports.length} report(s) written (${withWarnings} with warnings) of ${r.runs} run(s)`];
  if (r.ignored) parts.push(`${r.ignored} run(s) ignored by tag`);
  if (r.claimedElsewhere.length) parts.push(`${r.claimedElsewhere.length} generated by another process`);
  parts.push(`${r.failedQueries} query(ies) failed`);
  if (r.failed.length) parts.push(`${r.failed.length} run(s) failed`);
  return `report: ${parts.join(', ')}`;
}

/** A bar on a terminal (runs done / total, queries failed); plain lines every 10 % when piped. */
function progressReporter(): { update(p: Progress): void; stop(): void } {
  if (process.stderr.isTTY) {
    let bar: SingleBar | undefined;
    return {
      update(p) {
        if (!bar) {
          bar = new SingleBar({ format: 'reports [{bar}] {value}/{total} runs | {failed} queries failed', stream: process.stderr, clearOnComplete: true }, Presets.shades_classic);
          bar.start(p.total, 0, { failed: 0 });
        }
        bar.update(p.done, { failed: p.failedQueries });
      },
      stop: () => bar?.stop(),
    };
  }
  let lastDecile = 0;
  return {
    update(p) {
      const decile = Math.floor((p.done / p.total) * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        process.stderr.write(`reports: ${p.done}/${p.total} runs, ${p.failedQueries} queries failed\n`);
      }
    },
    stop() {},
  };
}

function reportText(doc: Record<string, unknown>): string {
  const lines: string[] = [];
  for (const key of ['uuid', 'report_type', 'generated_at', 'openshift_cluster_name', 'openshift_cluster_version', 'openshift_network_type', 'openshift_platform']) {
    if (doc[key] !== null && doc[key] !== undefined) lines.push(`${(key + ':').padEnd(27)} ${String(doc[key])}`);
  }
  const results = (doc.results ?? {}) as Record<string, unknown>;
  lines.push(`results: ${Object.keys(results).join(', ') || '(none)'}`);
  lines.push('metrics:');
  const metrics = (doc.metrics ?? {}) as Record<string, Record<string, Record<string, Record<string, unknown>>>>;
  for (const [profile, queries] of Object.entries(metrics)) {
    for (const [query, groups] of Object.entries(queries)) {
      for (const [group, aggs] of Object.entries(groups)) {
        lines.push(`  ${profile}.${query}.${group}: ${Object.entries(aggs).map(([a, v]) => `${a}=${String(v)}`).join(' ')}`);
      }
    }
  }
  const links = (doc.links ?? {}) as Record<string, string>;
  if (Object.keys(links).length) {
    lines.push('links:');
    for (const [k, v] of Object.entries(links)) lines.push(`  ${k}: ${v}`);
  }
  const warnings = (doc.warnings ?? []) as Array<{ name: string; message: string }>;
  if (warnings.length) {
    lines.push('warnings:');
    for (const w of warnings) lines.push(`  ${w.name}: ${w.message}`);
  }
  return lines.join('\n');
}
