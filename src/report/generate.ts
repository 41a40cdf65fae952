/**
 * `report generate`: the DAG's workflow for every run of the window — results joined by uuid, the
 * cluster's metrics over the run's window, links, the metadata — written to the store one transaction per
 * report (and to an OpenSearch index when asked). Runs are grouped by cluster and generated concurrently;
 * Prometheus queries of all runs share one bound. A run's generation is claimed in the store first, so two
 * generators on one database never generate the same report at once.
 *
 * @example
 * const result = await generateReports({ config, source, store, prometheus, concurrency: 8, holder: 'h1' },
 *   { since: new Date(Date.now() - 14 * 864e5) });
 * result.reports.length;   // reports written
 */
import { hostname } from 'node:os';
import type { Store } from '../store/connect.js';
import { claimReport, releaseClaim, reportedUuids, runIdsOf, writeReport } from '../store/reports.js';
import { getNested } from '../sources/opensearch/fields.js';
import type { RunInfo, Source } from '../sources/types.js';
import { toJson } from '../util/json.js';
import { errorMessage } from '../util/errors.js';
import { collectResults, collectRuns, matchesWhen, type RunResults, type RunWindowQuery } from './collect.js';
import type { ReportConfig } from './config.js';
import { buildLinks, metricDocuments, reportDocument, runWindow, type ReportDocument } from './document.js';
import { limiter, runMetrics, type ReportMetrics, type Warning } from './metrics.js';
import type { ReportIndexWriter } from './opensearch-write.js';
import type { PrometheusClient } from './prometheus.js';

export interface GenerateContext {
  config: ReportConfig;
  source: Source;
  store: Store;
  /** Absent: no metrics (each run that would have had them says so). */
  prometheus?: PrometheusClient;
  /** Grafana base URL (`--grafana`, else the config's). */
  grafana?: string;
  concurrency: number;
  /** Who claims the generations (default host:pid). */
  holder?: string;
  /** How long a claim holds before another generator may take it over (default 10 min). */
  claimTtlMs?: number;
  reportIndex?: ReportIndexWriter;
  now?: () => Date;
  onProgress?(progress: Progress): void;
  /** Aborted: no further run is started (the ones in flight finish); the rest waits for the next generation. */
  signal?: AbortSignal;
}

export interface GenerateQuery extends RunWindowQuery {
  /** Only runs without a report (scheduled mode). */
  onlyNew?: boolean;
}

export interface Progress {
  done: number;
  total: number;
  failedQueries: number;
}

export interface GeneratedReport {
  uuid: string;
  cluster: string | null;
  reportType: string | null;
  metrics: number;
  warnings: Warning[];
}

export interface GenerateResult {
  /** Runs of the window (after ignore tags and, in scheduled mode, without a report). */
  runs: number;
  ignored: number;
  reports: GeneratedReport[];
  /** Runs another generator was generating (or had just generated). */
  claimedElsewhere: string[];
  /** Runs whose report could not be written. */
  failed: Array<{ uuid: string; error: string }>;
  failedQueries: number;
}

export function defaultHolder(): string {
  return `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
}

export async function generateReports(context: GenerateContext, query: GenerateQuery): Promise<GenerateResult> {
  const { config, source, store } = context;
  const holder = context.holder ?? defaultHolder();
  const ttl = context.claimTtlMs ?? 10 * 60_000;
  const now = context.now ?? (() => new Date());
  const collected = await collectRuns(source, config, query);
  let runs = collected.kept;
  if (query.onlyNew && runs.length) {
    const done = await reportedUuids(store.db, runs.map((r) => r.uuid));
    runs = runs.filter((r) => !done.has(r.uuid));
  }
  // Grouped by cluster (the DAG's order), oldest first within a cluster.
  const clusterOf = (r: RunInfo) => String(getNested(r.metadata, config.fields.cluster) ?? '');
  runs = [...runs].sort((a, b) => (clusterOf(a) < clusterOf(b) ? -1 : clusterOf(a) > clusterOf(b) ? 1 : a.timestampMs - b.timestampMs));
  const result: GenerateResult = { runs: runs.length, ignored: collected.ignored.length, reports: [], claimedElsewhere: [], failed: [], failedQueries: 0 };
  if (runs.length === 0) return result;

  const results = await collectResults(source, config, runs);
  const runIds = await runIdsOf(store.db, runs.map((r) => r.uuid));
  const limit = limiter(context.concurrency);
  const grafana = context.grafana ?? config.grafana;
  let done = 0;
  const progress = () => context.onProgress?.({ done, total: runs.length, failedQueries: result.failedQueries });

  const generateOne = async (run: RunInfo): Promise<void> => {
    if (!(await claimReport(store.db, run.uuid, holder, now().getTime(), ttl))) {
      result.claimedElsewhere.push(run.uuid);
      return;
    }
    try {
      if (query.onlyNew && (await reportedUuids(store.db, [run.uuid])).size) {
        // Written by another generator between our listing and our claim.
        await releaseClaim(store.db, run.uuid, holder);
        result.claimedElsewhere.push(run.uuid);
        return;
      }
      const report = await buildReport(context, run, results.get(run.uuid)!, grafana, limit, now, (n) => (result.failedQueries += n));
      const runId = runIds.get(run.uuid);
      await store.writeTransaction((trx) =>
        writeReport(
          trx,
          {
            uuid: run.uuid,
            clusterName: report.openshift_cluster_name,
            reportType: report.report_type,
            runTimestampMs: run.timestampMs,
            generatedMs: Date.parse(report.generated_at),
            warnings: report.warnings.length,
            body: toJson(report),
          },
          runId === undefined ? undefined : { runId, collection: config.analysis_collection, documents: metricDocuments(report, run.timestampMs) },
          holder,
        ),
      );
      await context.reportIndex?.add(report);
      result.reports.push({ uuid: run.uuid, cluster: report.openshift_cluster_name, reportType: report.report_type, metrics: countMetrics(report.metrics), warnings: report.warnings });
    } catch (err) {
      result.failed.push({ uuid: run.uuid, error: errorMessage(err) });
      await releaseClaim(store.db, run.uuid, holder).catch(() => undefined);
    }
  };

  // A pool of run workers; their Prometheus queries share `limit`.
  let next = 0;
  const workers = Array.from({ length: Math.min(context.concurrency, runs.length) }, async () => {
    while (next < runs.length && !context.signal?.aborted) {
      const run = runs[next++]!;
      await generateOne(run);
      done++;
      progress();
    }
  });
  await Promise.all(workers);
  await context.reportIndex?.flush();
  // Reports in the runs' order, whatever order they finished in.
  const order = new Map(runs.map((r, i) => [r.uuid, i]));
  result.reports.sort((a, b) => order.get(a.uuid)! - order.get(b.uuid)!);
  return result;
}

async function buildReport(
  context: GenerateContext,
  run: RunInfo,
  collected: RunResults,
  grafana: string,
  limit: ReturnType<typeof limiter>,
  now: () => Date,
  countFailed: (n: number) => void,
): Promise<ReportDocument> {
  const { config } = context;
  const warnings: Warning[] = [];
  const buildTag = getNested(run.metadata, config.fields.build_tag);
  if (!collected.mapping) warnings.push({ name: 'results', message: `no benchmark mapping knows this run (${config.fields.build_tag} ${JSON.stringify(buildTag ?? null)}): results are empty` });
  else if (collected.error) warnings.push({ name: 'results', message: collected.error });
  else if (Object.keys(collected.results).length === 0) warnings.push({ name: 'results', message: `no result documents of this run in ${collected.mapping.index}` });
  const window = runWindow(config, run);
  warnings.push(...window.warnings);
  let metrics: ReportMetrics = {};
  const wantsMetrics = config.metrics.profiles.length > 0 && matchesWhen(run.metadata, config.metrics.when);
  if (wantsMetrics && window.cluster !== undefined && window.startMs !== undefined && window.endMs !== undefined) {
    if (!context.prometheus) {
      warnings.push({ name: 'metrics', message: 'no Prometheus URL given (--prometheus or PROMETHEUS_URL): no metrics' });
    } else {
      const asked = await runMetrics({ prometheus: context.prometheus, config, limit }, { cluster: window.cluster, startMs: window.startMs, endMs: window.endMs });
      metrics = asked.metrics;
      warnings.push(...asked.warnings);
      countFailed(asked.failed);
    }
  }
  const links = buildLinks(config, grafana, run, window);
  warnings.push(...links.warnings);
  return reportDocument(config, run, { reportType: collected.mapping?.report_type ?? null, generatedAt: now(), results: collected.results, metrics, links: links.links, warnings });
}

function countMetrics(metrics: ReportMetrics): number {
  let n = 0;
  for (const queries of Object.values(metrics)) for (const groups of Object.values(queries)) for (const aggs of Object.values(groups)) n += Object.keys(aggs).length;
  return n;
}
