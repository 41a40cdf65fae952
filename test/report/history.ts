/**
 * Backfilled cluster history for report tests and the bench: the series the control-plane profile asks
 * about (cAdvisor container CPU/memory, node CPU, node memory, kube_node_role) for every run's window, as
 * OpenMetrics text for promtool, plus the samples themselves so a test computes every avg/max the report
 * must hold (`expected`), independently of perfhound's code.
 *
 * Samples are every 10 s on multiples of 10 s from 3 min before a run's start to its end; runs start and end
 * on multiples of 10 s, so Prometheus evaluates (step 10 s) exactly at sample times: an instant selector
 * reads the sample at T, `irate(x[2m])` reads (x(T) − x(T−10)) / 10.
 *
 * @example
 * const h = buildHistory([{ uuid: 'r1', cluster: 'c1', startS: 1736000000, endS: 1736000600 }]);
 * await startPrometheus(h.om);
 * h.expected('r1').podCPU['openshift-etcd'].max;
 */

export interface HistoryRun {
  uuid: string;
  cluster: string;
  startS: number;
  endS: number;
  /** Multiplies etcd's CPU use in this run (a planted regression); default 1. */
  etcdCpuFactor?: number;
}

export interface Expected {
  podCPU: Record<string, { avg: number; max: number }>;
  podMemory: Record<string, { avg: number; max: number }>;
  masterCPU: { avg: number };
  masterMemoryUsage: { avg: number };
}

export interface History {
  om: string;
  expected(uuid: string): Expected;
  masters(cluster: string): string[];
}

export const NAMESPACES = ['openshift-etcd', 'openshift-kube-apiserver'];
const STEP = 10;
const LEAD = 180;

interface SeriesDef {
  family: string;
  labels: Record<string, string>;
  counter: boolean;
  /** Value (gauge) or increment per 10 s (counter) at time t of a run. */
  value(t: number, run: HistoryRun): number;
}

/** A small deterministic hash → [0, 1). */
function noise(...parts: Array<string | number>): number {
  let h = 2166136261;
  for (const ch of parts.join('|')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (h % 10_000) / 10_000;
}

function seriesOf(cluster: string): SeriesDef[] {
  const out: SeriesDef[] = [];
  const masters = mastersOf(cluster);
  const c = { openshift_cluster_name: cluster };
  for (const ns of [...NAMESPACES, 'default']) {
    for (const container of ['main', 'sidecar', 'POD']) {
      const labels = { ...c, namespace: ns, container, name: `k8s_${container}_${ns}`, pod: `${ns}-pod` };
      out.push({
        family: 'container_cpu_usage_seconds_total',
        labels,
        counter: true,
        value: (t, run) => (ns === 'openshift-etcd' ? run.etcdCpuFactor ?? 1 : 1) * (0.5 + noise(cluster, ns, container, t)) * (container === 'main' ? 2 : 1),
      });
      out.push({ family: 'container_memory_working_set_bytes', labels, counter: false, value: (t) => Math.round(1e8 * (1 + noise('mem', cluster, ns, container, t))) });
    }
  }
  // A series without a `name` label (name!="" leaves it out).
  out.push({ family: 'container_memory_working_set_bytes', labels: { ...c, namespace: 'openshift-etcd', container: 'main' }, counter: false, value: () => 5e9 });
  for (const node of [...masters, `${cluster}-worker-0`]) {
    out.push({ family: 'kube_node_role', labels: { ...c, node, role: masters.includes(node) ? 'master' : 'worker' }, counter: false, value: () => 1 });
    for (const mode of ['user', 'system', 'idle']) {
      out.push({ family: 'node_cpu_seconds_total', labels: { ...c, instance: node, cpu: '0', mode }, counter: true, value: (t) => 1 + 8 * noise('cpu', cluster, node, mode, t) });
    }
    out.push({ family: 'node_memory_MemTotal_bytes', labels: { ...c, instance: node }, counter: false, value: () => 16e9 });
    out.push({ family: 'node_memory_MemAvailable_bytes', labels: { ...c, instance: node }, counter: false, value: (t) => Math.round(8e9 + 4e9 * noise('avail', cluster, node, t)) });
  }
  return out;
}

function mastersOf(cluster: string): string[] {
  return [0, 1, 2].map((i) => `ip-10-0-${i}-1.${cluster}.internal`);
}

function key(s: SeriesDef): string {
  return `${s.family}{${Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
}

export interface HistoryOptions {
  /** Seconds of samples before each run's start (default 180; at least 10 for irate at the start). */
  leadS?: number;
}

export function buildHistory(runs: readonly HistoryRun[], options: HistoryOptions = {}): History {
  const lead = options.leadS ?? LEAD;
  const byCluster = new Map<string, HistoryRun[]>();
  for (const r of runs) byCluster.set(r.cluster, [...(byCluster.get(r.cluster) ?? []), r]);
  /** series key → time → value */
  const samples = new Map<string, Map<number, number>>();
  const lines: string[] = [];
  for (const [cluster, clusterRuns] of byCluster) {
    const sorted = [...clusterRuns].sort((a, b) => a.startS - b.startS);
    for (const s of seriesOf(cluster)) {
      const k = key(s);
      const values = new Map<number, number>();
      let total = 0;
      let last = -Infinity;
      for (const run of sorted) {
        for (let t = run.startS - lead; t <= run.endS; t += STEP) {
          if (t <= last) continue; // overlapping windows: each time once, in order
          last = t;
          const v = s.value(t, run);
          total = s.counter ? total + v * STEP : v;
          values.set(t, total);
          lines.push(`${k} ${total} ${t}`);
        }
      }
      samples.set(k, values);
    }
  }
  const om = lines.join('\n') + '\n# EOF\n';
  const runByUuid = new Map(runs.map((r) => [r.uuid, r]));
  const at = (k: string, t: number): number => {
    const v = samples.get(k)?.get(t);
    if (v === undefined) throw new Error(`no sample of ${k} at ${t}`);
    return v;
  };
  return {
    om,
    masters: mastersOf,
    expected(uuid) {
      const run = runByUuid.get(uuid)!;
      const series = seriesOf(run.cluster);
      const times: number[] = [];
      for (let t = run.startS; t <= run.endS; t += STEP) times.push(t);
      const stats = (values: number[]) => ({ avg: values.reduce((a, b) => a + b, 0) / values.length, max: Math.max(...values) });
      const pod = (family: string, rate: boolean) => {
        const out: Record<string, { avg: number; max: number }> = {};
        for (const ns of NAMESPACES) {
          const chosen = series.filter((s) => s.family === family && s.labels.namespace === ns && s.labels.container !== 'POD' && s.labels.name);
          out[ns] = stats(times.map((t) => chosen.reduce((sum, s) => sum + (rate ? (at(key(s), t) - at(key(s), t - STEP)) / STEP : at(key(s), t)), 0)));
        }
        return out;
      };
      const masters = mastersOf(run.cluster);
      const perInstance = (f: (node: string, t: number) => number) => masters.map((m) => stats(times.map((t) => f(m, t))).avg);
      const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
      const cpu = perInstance((node, t) =>
        series.filter((s) => s.family === 'node_cpu_seconds_total' && s.labels.instance === node && s.labels.mode !== 'idle').reduce((sum, s) => sum + (at(key(s), t) - at(key(s), t - STEP)) / STEP, 0),
      );
      const mem = perInstance((node, t) => {
        const find = (family: string) => key(series.find((s) => s.family === family && s.labels.instance === node)!);
        return at(find('node_memory_MemTotal_bytes'), t) - at(find('node_memory_MemAvailable_bytes'), t);
      });
      return { podCPU: pod('container_cpu_usage_seconds_total', true), podMemory: pod('container_memory_working_set_bytes', false), masterCPU: { avg: mean(cpu) }, masterMemoryUsage: { avg: mean(mem) } };
    },
  };
}

/** A perf_scale_ci metadata document as the DAG's index.sh wrote it (start/end as Airflow ISO strings). */
export function metadataDoc(run: HistoryRun, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const iso = (s: number) => new Date(s * 1000).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
  return {
    uuid: run.uuid,
    release_stream: '4.20.0-0.nightly',
    platform: 'AWS',
    master_count: 3,
    worker_count: 1,
    cluster_name: run.cluster,
    cluster_version: '4.20.0-0.nightly-2025-01-05',
    network_type: 'OVNKubernetes',
    build_tag: 'cluster-density',
    job_status: 'success',
    build_url: `https://ci.example/job/${run.uuid}`,
    start_date: iso(run.startS),
    end_date: iso(run.endS),
    timestamp: iso(run.startS),
    ...extra,
  };
}

/** kube-burner result documents of a run (ripsaw-kube-burner): pod latency quantiles and a jobSummary. */
export function kubeBurnerDocs(run: HistoryRun): Array<Record<string, unknown>> {
  const timestamp = new Date(run.endS * 1000).toISOString();
  const quantiles = ['Ready', 'PodScheduled', 'Initialized', 'ContainersReady'].map((q, i) => ({
    quantileName: q,
    uuid: run.uuid,
    P99: 3000 + i,
    P95: 2500 + i,
    P50: 2000 + i,
    max: 3500 + i,
    avg: 2100 + i,
    timestamp,
    metricName: 'podLatencyQuantilesMeasurement',
    jobName: 'cluster-density',
  }));
  return [...quantiles, { timestamp, uuid: run.uuid, metricName: 'jobSummary', elapsedTime: 120.5, jobConfig: { jobIterations: 10, name: 'cluster-density' } }];
}

/** A `_bulk` NDJSON file of the runs' metadata (perf_scale_ci) and results (ripsaw-kube-burner). */
export function bulkFile(entries: ReadonlyArray<{ meta: Record<string, unknown>; docs: Array<Record<string, unknown>> }>): string {
  const lines: string[] = [];
  for (const { meta, docs } of entries) {
    lines.push(JSON.stringify({ index: { _index: 'perf_scale_ci', _id: meta.uuid } }), JSON.stringify(meta));
    for (const d of docs) lines.push(JSON.stringify({ index: { _index: 'ripsaw-kube-burner' } }), JSON.stringify(d));
  }
  return lines.join('\n') + '\n';
}
