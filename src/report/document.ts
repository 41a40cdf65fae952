/**
 * Steps 3–4 of the DAG and the report document itself: seed 002's schema (`openshift_cluster_name`,
 * `openshift_cluster_version`, `openshift_network_type`, `openshift_platform`, `metadata`, `results`,
 * `metrics`, `links`) plus `uuid`, `report_type`, `generated_at` and `warnings`; and the metric values as
 * documents of the run (`report.<profile>.<query>.<group>.<agg>`) for analyses.
 */
import { getNested, toEpochMs } from '../sources/opensearch/fields.js';
import type { RunInfo } from '../sources/types.js';
import type { ReportConfig } from './config.js';
import { dashboardLink, templatedLink } from './links.js';
import type { ReportMetrics, Warning } from './metrics.js';

export interface ReportDocument {
  uuid: string;
  report_type: string | null;
  generated_at: string;
  openshift_cluster_name: string | null;
  openshift_cluster_version: string | null;
  openshift_network_type: string | null;
  openshift_platform: string | null;
  metadata: Record<string, unknown>;
  results: Record<string, unknown>;
  metrics: ReportMetrics;
  links: Record<string, string>;
  warnings: Warning[];
}

/** The run's window and cluster from its metadata, or warnings saying what is wrong with them. */
export function runWindow(config: ReportConfig, run: RunInfo): { cluster?: string; startMs?: number; endMs?: number; warnings: Warning[] } {
  const f = config.fields;
  const warnings: Warning[] = [];
  const text = (field: string): string | undefined => {
    const v = getNested(run.metadata, field);
    return v === undefined || v === null || v === '' || typeof v === 'object' ? undefined : String(v);
  };
  const cluster = text(f.cluster);
  if (cluster === undefined) warnings.push({ name: f.cluster, message: 'missing: the cluster is unknown, so no metrics and no dashboard links' });
  const time = (field: string): number | undefined => {
    const raw = getNested(run.metadata, field);
    if (raw === undefined || raw === null || raw === '') {
      warnings.push({ name: field, message: 'missing: no metrics and no dashboard links' });
      return undefined;
    }
    const ms = toEpochMs(raw);
    if (Number.isNaN(ms)) {
      warnings.push({ name: field, message: `${JSON.stringify(raw)} is not a date: no metrics and no dashboard links` });
      return undefined;
    }
    return ms;
  };
  let startMs = time(f.start);
  let endMs = time(f.end);
  if (startMs !== undefined && endMs !== undefined && endMs < startMs) {
    warnings.push({ name: f.end, message: `ends before it starts (${new Date(endMs).toISOString()} < ${new Date(startMs).toISOString()}): no metrics and no dashboard links` });
    startMs = endMs = undefined;
  }
  return { cluster, startMs, endMs, warnings };
}

export function buildLinks(config: ReportConfig, grafana: string, run: RunInfo, window: { cluster?: string; startMs?: number; endMs?: number }): { links: Record<string, string>; warnings: Warning[] } {
  const links: Record<string, string> = {};
  const warnings: Warning[] = [];
  const { cluster, startMs, endMs } = window;
  if (grafana && cluster !== undefined && startMs !== undefined && endMs !== undefined) {
    for (const d of config.dashboards) links[d.key] = dashboardLink(grafana, d, cluster, startMs, endMs);
  }
  for (const [key, template] of Object.entries(config.links)) {
    const link = templatedLink(template, { uuid: run.uuid, cluster, startMs, endMs, metadata: run.metadata });
    if ('url' in link) links[key] = link.url;
    else warnings.push({ name: `links.${key}`, message: `left out: ${link.missing} has no value` });
  }
  return { links, warnings };
}

export function reportDocument(config: ReportConfig, run: RunInfo, parts: { reportType: string | null; generatedAt: Date; results: Record<string, unknown>; metrics: ReportMetrics; links: Record<string, string>; warnings: Warning[] }): ReportDocument {
  const f = config.fields;
  const text = (field: string): string | null => {
    const v = getNested(run.metadata, field);
    return v === undefined || v === null || typeof v === 'object' ? null : String(v);
  };
  return {
    uuid: run.uuid,
    report_type: parts.reportType,
    generated_at: parts.generatedAt.toISOString(),
    openshift_cluster_name: text(f.cluster),
    openshift_cluster_version: text(f.version),
    openshift_network_type: text(f.network_type),
    openshift_platform: text(f.platform),
    metadata: run.metadata,
    results: parts.results,
    metrics: parts.metrics,
    links: parts.links,
    warnings: parts.warnings,
  };
}

/** The metric name a report value has as a value of its run. */
export function reportMetricName(profile: string, query: string, group: string, agg: string): string {
  return `report.${profile}.${query}.${group}.${agg}`;
}

/** One document per metric value: `{uuid, timestamp, metricName, value, cluster_name}`. */
export function metricDocuments(report: ReportDocument, timestampMs: number): Array<{ metricName: string; timestampMs: number; body: string }> {
  const out: Array<{ metricName: string; timestampMs: number; body: string }> = [];
  const timestamp = new Date(timestampMs).toISOString();
  for (const [profile, queries] of Object.entries(report.metrics)) {
    for (const [query, groups] of Object.entries(queries)) {
      for (const [group, aggs] of Object.entries(groups)) {
        for (const [agg, value] of Object.entries(aggs)) {
          const metricName = reportMetricName(profile, query, group, agg);
          out.push({ metricName, timestampMs, body: JSON.stringify({ uuid: report.uuid, timestamp, metricName, value, cluster_name: report.openshift_cluster_name }) });
        }
      }
    }
  }
  return out;
}
