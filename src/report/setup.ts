/**
 * Everything `report generate` needs, opened from command-line style options: the config, the source of
 * runs and results (the store, or OpenSearch with `--es-server` — the selection `analyze` uses), the store
 * the reports go to, the Prometheus client, the OpenSearch report index. One `close()` closes it all.
 *
 * @example
 * const opened = await openReportSetup({ db: 'sqlite:./perfhound.db', prometheus: 'http://127.0.0.1:9090' });
 * try { await generateReports(opened.context, { since }); } finally { await opened.close(); }
 */
import { readFile } from 'node:fs/promises';
import { openStore, resolveDbUrl, type Store } from '../store/connect.js';
import { chooseSourceKind, openSource, type SourceKind } from '../sources/index.js';
import { StoreSource } from '../sources/store/index.js';
import { UserError, errorMessage } from '../util/errors.js';
import { loadReportConfig, parseDuration } from './config.js';
import type { GenerateContext } from './generate.js';
import { openReportIndex } from './opensearch-write.js';
import { PrometheusClient } from './prometheus.js';

export interface ReportSetupOptions {
  config?: string;
  db?: string;
  source?: SourceKind;
  esServer?: string;
  metadataIndex?: string;
  prometheus?: string;
  prometheusTokenFile?: string;
  /** `Name: value` lines. */
  prometheusHeaders?: string[];
  prometheusCaFile?: string;
  prometheusInsecure?: boolean;
  /** Per-query timeout, a duration (`30s`). */
  queryTimeout?: string;
  retries?: number;
  grafana?: string;
  concurrency?: number;
  reportIndex?: string;
  holder?: string;
}

export interface ReportSetup {
  context: GenerateContext;
  /**
   * The context with a new store source: a store source keeps what it read for its life (one analysis),
   * so each scheduled tick takes a fresh one to see the runs ingested since.
   */
  fresh(): GenerateContext;
  close(): Promise<void>;
}

export async function openReportSetup(options: ReportSetupOptions): Promise<ReportSetup> {
  const config = await loadReportConfig(options.config);
  const kind = chooseSourceKind({ source: options.source, esServer: options.esServer });
  if (kind === 'csv') throw new UserError('reports read runs from the store or OpenSearch, not CSV', { field: '--source' });
  if (options.reportIndex && !options.esServer) throw new UserError('--report-index needs --es-server URL (or ES_SERVER)', { field: '--report-index' });
  const token = options.prometheusTokenFile ? await readToken(options.prometheusTokenFile) : undefined;
  const headers = parseHeaders(options.prometheusHeaders ?? []);
  const timeoutS = options.queryTimeout === undefined ? 30 : parseDuration(options.queryTimeout);
  if (timeoutS === undefined || timeoutS <= 0) throw new UserError(`"${options.queryTimeout}" is not a duration (e.g. 30s, 2m)`, { field: '--query-timeout' });
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UserError('must be at least 1', { field: '--concurrency' });
  const prometheus = options.prometheus
    ? new PrometheusClient({ url: options.prometheus, token, headers, caFile: options.prometheusCaFile, insecure: options.prometheusInsecure, timeoutMs: timeoutS * 1000, retries: options.retries, maxSockets: concurrency })
    : undefined;
  const closers: Array<() => Promise<void> | void> = [() => prometheus?.close()];
  const closeAll = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const opened = await openSource({ source: kind, esServer: options.esServer, db: options.db, metadataIndex: options.metadataIndex ?? config.metadata_index });
    closers.push(() => opened.close());
    let store: Store | undefined = opened.store;
    if (!store) {
      store = await openStore(resolveDbUrl(options.db));
      const s = store;
      closers.push(() => s.close());
    }
    const reportIndex = options.reportIndex ? await openReportIndex(options.esServer!, options.reportIndex) : undefined;
    if (reportIndex) closers.push(() => reportIndex.close());
    const context: GenerateContext = { config, source: opened.source, store, prometheus, grafana: options.grafana || undefined, concurrency, holder: options.holder, reportIndex };
    const metadataCollection = options.metadataIndex ?? config.metadata_index;
    return {
      context,
      fresh: () => (opened.store ? { ...context, source: new StoreSource(opened.store, { metadataCollection }) } : context),
      close: closeAll,
    };
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }
}

async function readToken(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read the token file: ${errorMessage(err).replace(/^[A-Z]+: /, '')}`, { field: '--prometheus-token-file' });
  }
  const token = text.trim();
  if (!token) throw new UserError('the token file is empty', { field: '--prometheus-token-file' });
  return token;
}

function parseHeaders(lines: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UserError(`"${line}" is not "Name: value"`, { field: '--prometheus-header' });
    out[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return out;
}

/** `--since`: a duration back from now (`14d`, `12h`, `1d12h`) or a date. */
export function parseSinceOption(value: string, now: Date, parseDate: (v: string, field: string) => Date): Date {
  const seconds = parseDuration(value);
  if (seconds !== undefined && /[a-z]$/.test(value.trim())) return new Date(now.getTime() - seconds * 1000);
  return parseDate(value, '--since');
}
