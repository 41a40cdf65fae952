/**
 * Step 2 of the DAG: a run's metric profiles asked of Prometheus/Thanos over the run's own window
 * (`query_range` at the config's step), each query reduced per group (aggregate.ts). Every query that
 * fails, comes back empty or holds only NaN/±Inf samples becomes a warning naming it; the others' values
 * are kept. Queries of all runs share one concurrency bound (the `limit` function).
 *
 * @example
 * const { metrics, warnings, failed } = await runMetrics({ prometheus, config, limit: limiter(8) },
 *   { cluster: 'c1', startMs, endMs });
 * metrics['control-plane'].podCPU['openshift-etcd'].max;
 */
import { errorMessage } from '../util/errors.js';
import { aggregateMatrix, type Aggregated } from './aggregate.js';
import type { MetricProfile, ReportConfig } from './config.js';
import { expandQuery, usesPlaceholder } from './placeholders.js';
import type { PrometheusClient, Series } from './prometheus.js';

export type Limit = <T>(task: () => Promise<T>) => Promise<T>;

/** At most `n` tasks run at once; the others wait in order. */
export function limiter(n: number): Limit {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

export interface Warning {
  /** What the warning is about: `<profile>.<query>`, a metadata field, `results`, `links.<key>`… */
  name: string;
  message: string;
}

/** profile → query → group → aggregation → value */
export type ReportMetrics = Record<string, Record<string, Aggregated['groups']>>;

export interface MetricsContext {
  prometheus: PrometheusClient;
  config: ReportConfig;
  limit: Limit;
}

export interface RunWindow {
  cluster: string;
  startMs: number;
  endMs: number;
}

/** Prometheus answers at most 11 000 points per series. */
const MAX_POINTS = 11_000;

export async function runMetrics(context: MetricsContext, run: RunWindow): Promise<{ metrics: ReportMetrics; warnings: Warning[]; failed: number }> {
  const { config, prometheus, limit } = context;
  // Whole seconds, as prometheus-api-client sent them (round(start.timestamp())).
  const startS = Math.round(run.startMs / 1000);
  const endS = Math.round(run.endMs / 1000);
  const stepS = Math.max(config.metrics.stepSeconds, Math.ceil((endS - startS) / (MAX_POINTS - 1)));
  const metrics: ReportMetrics = {};
  const warnings: Warning[] = [];
  let failed = 0;
  const ask = (query: string): Promise<Series[]> => limit(() => prometheus.queryRange(query, startS, endS, stepS));
  await Promise.all(
    config.metrics.profiles.map(async (profileName) => {
      const profile = config.profiles[profileName]!;
      const base = { cluster: run.cluster, startS, endS, stepS };
      let masters: string[] | undefined;
      if (profile.masters && profile.queries.some((q) => usesPlaceholder(q.query, 'masters'))) {
        try {
          masters = mastersOf(await ask(expandQuery(profile.masters.query, base)), profile);
          if (masters.length === 0) warnings.push({ name: `${profileName}.masters`, message: 'no masters found: the queries that use {{masters}} were not asked' });
        } catch (err) {
          failed++;
          masters = [];
          warnings.push({ name: `${profileName}.masters`, message: `${errorMessage(err)}; the queries that use {{masters}} were not asked` });
        }
      }
      const out: Record<string, Aggregated['groups']> = {};
      await Promise.all(
        profile.queries.map(async (q) => {
          const name = `${profileName}.${q.name}`;
          if (usesPlaceholder(q.query, 'masters') && masters?.length === 0) return;
          let series: Series[];
          try {
            series = await ask(expandQuery(q.query, { ...base, masters }));
          } catch (err) {
            failed++;
            warnings.push({ name, message: errorMessage(err) });
            return;
          }
          if (series.length === 0) {
            warnings.push({ name, message: 'empty result (no series in the window)' });
            return;
          }
          const agg = aggregateMatrix(series, q.group_by, q.aggregations);
          if (agg.nonFinite > 0) warnings.push({ name, message: `${agg.nonFinite} NaN/Inf sample(s) left out` });
          if (Object.keys(agg.groups).length === 0) {
            warnings.push({ name, message: 'no finite value in the window' });
            return;
          }
          out[q.name] = agg.groups;
        }),
      );
      // Queries in the profile's order, whatever order they finished in.
      const ordered: Record<string, Aggregated['groups']> = {};
      for (const q of profile.queries) if (out[q.name]) ordered[q.name] = out[q.name]!;
      metrics[profileName] = ordered;
    }),
  );
  warnings.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { metrics, warnings, failed };
}

function mastersOf(series: readonly Series[], profile: MetricProfile): string[] {
  const label = profile.masters!.label;
  const names = new Set<string>();
  for (const s of series) {
    const v = s.metric[label];
    if (v) names.add(v);
  }
  return [...names].sort();
}
