import { normal, seededRandom } from '../util/random.js';

/**
 * The bundled demo data set: three kube-burner-style CI jobs, 64 nightly runs each over nine weeks, in the
 * shape OpenShift's perf-scale CI indexes them (run metadata in `perf_scale_ci`, measurements in
 * `ripsaw-kube-burner`), with noise and real step changes:
 *
 * - cluster-density-v2 (AWS): pod ready latency P99 +28 % from run 40 (a regression);
 * - node-density (AWS): OVN CPU +35 % from run 45 (a regression);
 * - node-density (AWS): etcd disk commit latency −30 % from run 20 (an improvement).
 *
 * Generated from a fixed seed, so it is identical everywhere; written as `_bulk` NDJSON lines.
 */
export interface DemoJob {
  benchmark: string;
  platform: string;
  workers: number;
  iterations: number;
  /** metric name → [baseline, relative noise, step: {at run index, factor}] */
  steps: Record<string, { at: number; factor: number }>;
}

export const DEMO_RUNS_PER_JOB = 64;
export const DEMO_START = Date.UTC(2026, 8, 1, 2, 0, 0);
const DAY = 86_400_000;

export const DEMO_JOBS: DemoJob[] = [
  { benchmark: 'cluster-density-v2', platform: 'AWS', workers: 24, iterations: 216, steps: { podReadyLatency: { at: 40, factor: 1.28 } } },
  { benchmark: 'node-density', platform: 'AWS', workers: 24, iterations: 245, steps: { ovnCPU: { at: 45, factor: 1.35 }, etcdDisk: { at: 20, factor: 0.7 } } },
  { benchmark: 'udn-density-pods', platform: 'GCP', workers: 9, iterations: 72, steps: {} },
];

interface Baseline {
  value: number;
  noise: number;
}

const BASELINES: Record<string, Baseline> = {
  podReadyLatency: { value: 12_000, noise: 0.04 },
  apiserverCPU: { value: 10.2, noise: 0.05 },
  ovnCPU: { value: 2.85, noise: 0.05 },
  etcdCPU: { value: 8.7, noise: 0.05 },
  etcdDisk: { value: 0.0123, noise: 0.06 },
};

const NAMESPACES: Record<string, string> = {
  apiserverCPU: 'openshift-kube-apiserver',
  ovnCPU: 'openshift-ovn-kubernetes',
  etcdCPU: 'openshift-etcd',
};

/** The bulk NDJSON lines of the whole data set, in the order a CI indexer would send them. */
export function* demoBulkLines(): Generator<string> {
  const random = seededRandom(20260901);
  for (const [jobIndex, job] of DEMO_JOBS.entries()) {
    for (let run = 0; run < DEMO_RUNS_PER_JOB; run++) {
      const start = DEMO_START + run * DAY + jobIndex * 3_600_000 + Math.floor(random() * 600_000);
      const end = start + 1_800_000 + Math.floor(random() * 300_000);
      const uuid = demoUuid(random);
      const day = new Date(start).toISOString().slice(0, 10);
      const ocpVersion = `4.20.0-0.nightly-${day}-${String(10 + (run % 13)).padStart(6, '0')}`;
      const build = `https://prow.ci.example/view/periodic-${job.benchmark}/${1_900_000_000 + jobIndex * 1000 + run}`;
      yield action('perf_scale_ci', uuid);
      yield JSON.stringify({
        uuid, ciSystem: 'PROW', platform: job.platform, clusterType: 'self-managed', benchmark: job.benchmark,
        masterNodesCount: 3, workerNodesCount: job.workers, masterNodesType: job.platform === 'AWS' ? 'm6a.xlarge' : 'e2-custom-6-16384',
        workerNodesType: job.platform === 'AWS' ? 'm6a.xlarge' : 'e2-custom-6-16384', networkType: 'OVNKubernetes',
        ocpVersion, releaseStream: '4.20.0-0.nightly', jobStatus: 'success', jobType: 'periodic', buildUrl: build,
        startDate: iso(start), endDate: iso(end), timestamp: iso(end),
      });
      const value = (metric: string) => {
        const base = BASELINES[metric];
        const step = job.steps[metric];
        const level = step && run >= step.at ? base.value * step.factor : base.value;
        return level * (1 + base.noise * normal(random));
      };
      const meta = { ocpVersion, ocpMajorVersion: '4.20', platform: job.platform };
      yield action('ripsaw-kube-burner', uuid);
      yield JSON.stringify({
        uuid, metricName: 'jobSummary', jobName: job.benchmark, timestamp: iso(start), endTimestamp: iso(end),
        elapsedTime: Math.round((end - start) / 1000), jobConfig: { name: job.benchmark, jobIterations: job.iterations, qps: 20, burst: 20 },
        metadata: meta, version: '1.7.12',
      });
      const p99 = value('podReadyLatency');
      yield action('ripsaw-kube-burner', uuid);
      yield JSON.stringify({
        uuid, metricName: 'podLatencyQuantilesMeasurement', quantileName: 'Ready', jobName: job.benchmark,
        P99: Math.round(p99), P95: Math.round(p99 * 0.92), P50: Math.round(p99 * 0.7), max: Math.round(p99 * 1.05),
        avg: Math.round(p99 * 0.72), timestamp: iso(start + 60_000), metadata: meta,
      });
      for (const metric of Object.keys(NAMESPACES)) {
        for (let sample = 0; sample < 5; sample++) {
          yield action('ripsaw-kube-burner', uuid);
          yield JSON.stringify({
            uuid, metricName: 'containerCPU', jobName: job.benchmark, value: value(metric),
            labels: { namespace: NAMESPACES[metric], container: metric.replace('CPU', ''), node: `worker-${sample}` },
            timestamp: iso(start + (sample + 1) * 300_000), metadata: meta,
          });
        }
      }
      yield action('ripsaw-kube-burner', uuid);
      yield JSON.stringify({
        uuid, metricName: '99thEtcdDiskBackendCommitDurationSeconds', jobName: job.benchmark, value: value('etcdDisk'),
        labels: { pod: 'etcd-master-0' }, timestamp: iso(start + 1_200_000), metadata: meta,
      });
    }
  }
}

function action(index: string, uuid: string): string {
  return JSON.stringify({ index: { _index: index, routing: uuid } });
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function demoUuid(random: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}
