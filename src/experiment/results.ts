/**
 * A successful test's output files → one run of the store: metadata (experiment, test name, every QoS
 * setting, machines) and one document of summary metrics (Perftest: the publisher's latency summary and the
 * subscribers' throughput summed; a generic workload: its JSON files' numbers). A file that does not parse
 * gives a message instead, and the attempt becomes `parse_fail`.
 *
 * ```ts
 * const parsed = await resultsOf(config, 'PCG #1', test, [{ machine: 'p1', local: 'out/…/pub_0.csv', name: 'pub_0.csv' }]);
 * if (typeof parsed === 'string') …; else await store.writeTransaction((trx) => writeRun(trx, parsed.run, parsed.documents));
 * ```
 */
import { readFile } from 'node:fs/promises';
import type { NewDocument, NewRun } from '../store/runs.js';
import type { ExperimentConfig, QosValue } from './config.js';
import { parseLatencySummary, parseThroughputSummary, type LatencySummary, type ThroughputSummary } from './perftest.js';

export interface FetchedFile {
  machine: string;
  /** The file's name as the workload wrote it. */
  name: string;
  local: string;
}

export const EXPERIMENT_COLLECTION = 'experiments';

export function runUuid(experiment: string, testName: string): string {
  return `experiment:${experiment}:${testName}`;
}

function latencyMetrics(s: LatencySummary): Record<string, number> {
  return {
    latency_ave_us: s.ave, latency_std_us: s.std, latency_min_us: s.min, latency_max_us: s.max, latency_p50_us: s.p50,
    latency_p90_us: s.p90, latency_p99_us: s.p99, latency_p99_99_us: s.p99_99, latency_p99_9999_us: s.p99_9999,
  };
}

function throughputMetrics(subs: ThroughputSummary[]): Record<string, number> {
  const sum = (f: (s: ThroughputSummary) => number) => subs.reduce((n, s) => n + f(s), 0);
  const total = sum((s) => s.totalSamples);
  const lost = sum((s) => s.lostSamples);
  return {
    throughput_total_samples: total,
    throughput_samples_per_sec: sum((s) => s.samplesPerSec),
    throughput_mbps: Math.round(sum((s) => s.mbps) * 10) / 10,
    throughput_lost_samples: lost,
    throughput_lost_samples_percent: total + lost > 0 ? Math.round((lost / (total + lost)) * 1e4) / 100 : 0,
  };
}

/** Metrics of the files, or a message naming the file that does not parse. */
async function metricsOf(config: ExperimentConfig, files: FetchedFile[]): Promise<{ metrics: Record<string, number>; perMachine: Array<Record<string, unknown>> } | string> {
  const parser = config.workload.kind === 'perftest' ? 'perftest' : config.workload.parser;
  const metrics: Record<string, number> = {};
  const perMachine: Array<Record<string, unknown>> = [];
  if (parser === 'perftest') {
    const subs: ThroughputSummary[] = [];
    for (const f of files) {
      const text = await readFile(f.local, 'utf8');
      const isPub = config.workload.kind === 'perftest' ? f.name.startsWith('pub_') : /latency summary/i.test(text);
      const parsed = isPub ? parseLatencySummary(text) : parseThroughputSummary(text);
      if (typeof parsed === 'string') return `${f.machine}:${f.name}: ${parsed}`;
      if (isPub) Object.assign(metrics, latencyMetrics(parsed as LatencySummary));
      else subs.push(parsed as ThroughputSummary);
      perMachine.push({ metricName: f.name.replace(/\.[^.]*$/, ''), machine: f.machine, ...(isPub ? latencyMetrics(parsed as LatencySummary) : throughputMetrics([parsed as ThroughputSummary])) });
    }
    if (subs.length) Object.assign(metrics, throughputMetrics(subs));
  } else if (parser === 'json') {
    for (const f of files) {
      let value: unknown;
      try {
        value = JSON.parse(await readFile(f.local, 'utf8'));
      } catch (err) {
        return `${f.machine}:${f.name}: not JSON: ${(err as Error).message}`;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${f.machine}:${f.name}: expected a JSON object of metric → number`;
      const own: Record<string, number> = {};
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'number' || !Number.isFinite(v)) return `${f.machine}:${f.name}: metric ${k}: expected a finite number, got ${JSON.stringify(v)}`;
        own[k] = v;
      }
      // One machine: its metrics as they are; several: each under its machine's name.
      for (const [k, v] of Object.entries(own)) metrics[files.length > 1 ? `${f.machine}.${k}` : k] = v;
      perMachine.push({ metricName: f.machine, machine: f.machine, ...own });
    }
  }
  return { metrics, perMachine };
}

/** The run a successful test stores, or the reason its output does not parse. */
export async function resultsOf(
  config: ExperimentConfig,
  testName: string,
  qos: Record<string, QosValue>,
  attempt: number,
  startMs: number,
  files: FetchedFile[],
): Promise<{ run: NewRun; documents: NewDocument[] } | string> {
  const parsed = await metricsOf(config, files);
  if (typeof parsed === 'string') return parsed;
  const uuid = runUuid(config.name, testName);
  const timestamp = new Date(startMs).toISOString();
  const metadata: Record<string, unknown> = {
    uuid, timestamp, experiment: config.name, test_name: testName, attempt, ...qos,
    machines: config.machines.map((m) => m.name), workload: config.workload.kind === 'perftest' ? 'perftest' : 'command',
  };
  const documents: NewDocument[] = [
    { collection: EXPERIMENT_COLLECTION, timestampMs: startMs, metricName: null, body: JSON.stringify({ uuid, timestamp, ...parsed.metrics }) },
    ...parsed.perMachine.map((d) => ({ collection: EXPERIMENT_COLLECTION, timestampMs: startMs, metricName: String(d.metricName), body: JSON.stringify({ uuid, timestamp, ...d }) })),
  ];
  return {
    run: { uuid, timestampMs: startMs, source: 'experiment', collection: EXPERIMENT_COLLECTION, metadata, status: 'success', startMs },
    documents,
  };
}
