/**
 * `perfhound report generate|list|show` end to end over the store, against a real Prometheus with
 * backfilled history: every avg/max of a report is checked against the value computed here from the
 * backfilled samples.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { buildHistory, bulkFile, kubeBurnerDocs, metadataDoc, NAMESPACES, type HistoryRun } from './history.js';
import { startPrometheus, type PrometheusServer } from './prometheus-server.js';

const T0 = 1736000000; // 2025-01-04T14:13:20Z, a multiple of 10 s
const HOUR = 3600;
const run = (uuid: string, cluster: string, i: number, minutes = 10): HistoryRun => ({ uuid, cluster, startS: T0 + i * 2 * HOUR, endS: T0 + i * 2 * HOUR + minutes * 60 });

const RUNS: HistoryRun[] = [run('c1-a', 'c1', 0), run('c1-b', 'c1', 1, 15), run('c1-c', 'c1', 2), run('c2-a', 'c2', 0, 5), run('c2-b', 'c2', 3)];
const history = buildHistory(RUNS);
const GRAFANA = 'https://grafana.example/';

function close(actual: unknown, expected: number, what: string): void {
  expect(typeof actual, what).toBe('number');
  expect(Math.abs((actual as number) - expected), `${what}: ${String(actual)} vs ${expected}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

let prom: PrometheusServer;
let dir: string;
let db: string;

beforeAll(async () => {
  prom = await startPrometheus(history.om);
  dir = mkdtempSync(join(tmpdir(), 'report-'));
  db = `sqlite:${join(dir, 'db.sqlite')}`;
  const extra = [
    { meta: metadataDoc(run('gcp-a', 'cg', 0), { platform: 'GCP' }), docs: kubeBurnerDocs(run('gcp-a', 'cg', 0)) },
    { meta: metadataDoc(run('ignored-a', 'c1', 4), { build_tag: 'install' }), docs: [] },
    { meta: metadataDoc(run('upgrade-a', 'c1', 5), { build_tag: 'upgrade' }), docs: [] },
    { meta: metadataDoc(run('baddate-a', 'c1', 6), { start_date: 'yesterday' }), docs: [] },
    { meta: metadataDoc(run('nodate-a', 'c1', 7), { end_date: undefined }), docs: [] },
    { meta: metadataDoc(run('reversed-a', 'c1', 8), { end_date: '2025-01-01T00:00:00.000000+00:00' }), docs: [] },
    { meta: metadataDoc(run('nocluster-a', 'c1', 9), { cluster_name: undefined }), docs: [] },
  ];
  writeFileSync(join(dir, 'runs.ndjson'), bulkFile([...RUNS.map((r) => ({ meta: metadataDoc(r), docs: kubeBurnerDocs(r) })), ...extra]));
  const ingested = await runCli(['ingest', 'bulk', join(dir, 'runs.ndjson'), '--db', db]);
  expect(ingested.code, ingested.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await prom?.stop();
});

const generate = (...extra: string[]) => runCli(['report', 'generate', '--db', db, '--prometheus', prom.url, '--grafana', GRAFANA, '--since', '2025-01-01', ...extra]);
const show = async (uuid: string) => {
  const r = await runCli(['report', 'show', uuid, '--db', db, '-o', 'json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describe('report generate over the store with a real Prometheus', () => {
  it('writes one report per run of the window, ignore tags left out, and a summary line', async () => {
    const r = await generate('-o', 'json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { runs: number; ignored: number; reports: Array<{ uuid: string }>; failedQueries: number };
    expect(result.ignored).toBe(1);
    expect(result.reports.map((x) => x.uuid).sort()).toEqual(['baddate-a', 'c1-a', 'c1-b', 'c1-c', 'c2-a', 'c2-b', 'gcp-a', 'nocluster-a', 'nodate-a', 'reversed-a', 'upgrade-a']);
    expect(result.failedQueries).toBe(0);
    // Piped (not a terminal): plain progress lines, the last one at all runs done.
    expect(r.stderr).toMatch(/^reports: 11\/11 runs, 0 queries failed$/m);
    expect(r.stderr).toMatch(/^report: 11 report\(s\) written \(\d+ with warnings\) of 11 run\(s\), 1 run\(s\) ignored by tag, 0 query\(ies\) failed$/m);
  }, 60_000);

  it('every avg/max equals the value computed from the backfilled samples', async () => {
    for (const r of RUNS) {
      const doc = await show(r.uuid);
      const want = history.expected(r.uuid);
      const m = doc.metrics['control-plane'];
      for (const ns of NAMESPACES) {
        for (const agg of ['avg', 'max'] as const) {
          close(m.podCPU[ns][agg], want.podCPU[ns]![agg], `${r.uuid} podCPU ${ns} ${agg}`);
          close(m.podMemory[ns][agg], want.podMemory[ns]![agg], `${r.uuid} podMemory ${ns} ${agg}`);
        }
      }
      // Only the openshift-* namespaces, as the DAG's regex says.
      expect(Object.keys(m.podCPU).sort()).toEqual(NAMESPACES);
      close(m.masterCPU.all.avg, want.masterCPU.avg, `${r.uuid} masterCPU`);
      close(m.masterMemoryUsage.all.avg, want.masterMemoryUsage.avg, `${r.uuid} masterMemoryUsage`);
      expect(Object.keys(m.masterCPU.all)).toEqual(['avg']);
    }
  });

  it('has the seed schema, results keyed as the DAG keyed them, links, and named warnings for empty queries', async () => {
    const r = RUNS[1]!;
    const doc = await show(r.uuid);
    expect(Object.keys(doc)).toEqual([
      'uuid', 'report_type', 'generated_at', 'openshift_cluster_name', 'openshift_cluster_version', 'openshift_network_type', 'openshift_platform', 'metadata', 'results', 'metrics', 'links', 'warnings',
    ]);
    expect(doc).toMatchObject({ uuid: 'c1-b', report_type: 'podLatency', openshift_cluster_name: 'c1', openshift_cluster_version: '4.20.0-0.nightly-2025-01-05', openshift_network_type: 'OVNKubernetes', openshift_platform: 'AWS' });
    expect(doc.metadata).toEqual(metadataDoc(r));
    expect(Object.keys(doc.results).sort()).toEqual(['ContainersReady', 'Initialized', 'PodScheduled', 'Ready', 'jobSummary']);
    expect(doc.results.Ready).toMatchObject({ quantileName: 'Ready', P99: 3000, uuid: 'c1-b' });
    expect(doc.results.jobSummary).toMatchObject({ metricName: 'jobSummary', elapsedTime: 120.5 });
    const from = r.startS * 1000;
    const to = r.endS * 1000;
    expect(doc.links).toEqual({
      kube_burner_dashboard: `https://grafana.example/d/_XeYNzD7k/kube-burner-thanos?orgId=1&from=${from}&to=${to}&var-cluster_name=c1`,
      cluster_dashboard: `https://grafana.example/d/ueS4UNS7k/cluster-dash?orgId=1&from=${from}&to=${to}&var-cluster_name=c1`,
      build_url: 'https://ci.example/job/c1-b',
    });
    // No histogram series were backfilled: those queries come back empty, each named.
    expect(doc.warnings).toEqual([
      { name: 'control-plane.API99thLatency', message: 'empty result (no series in the window)' },
      { name: 'control-plane.etcdDiskWalFsync99th', message: 'empty result (no series in the window)' },
      { name: 'control-plane.etcdRoundTrip99th', message: 'empty result (no series in the window)' },
    ]);
    expect(Date.parse(doc.generated_at)).toBeGreaterThan(Date.now() - 600_000);
  });

  it('asks for metrics only where the config rule says (the DAG: AWS clusters)', async () => {
    const doc = await show('gcp-a');
    expect(doc.metrics).toEqual({});
    expect(doc.openshift_platform).toBe('GCP');
    expect(Object.keys(doc.results)).toHaveLength(5);
  });

  it('a run of a type no mapping knows gets empty results and a warning', async () => {
    const doc = await show('upgrade-a');
    expect(doc.report_type).toBeNull();
    expect(doc.results).toEqual({});
    expect(doc.warnings).toContainEqual({ name: 'results', message: 'no benchmark mapping knows this run (build_tag "upgrade"): results are empty' });
  });

  it('bad, missing and reversed dates, and a missing cluster, are warnings of their own run', async () => {
    const warningsOf = async (uuid: string) => ((await show(uuid)).warnings as Array<{ name: string; message: string }>).filter((w) => !w.name.startsWith('control-plane.') && w.name !== 'results');
    expect(await warningsOf('baddate-a')).toEqual([{ name: 'start_date', message: '"yesterday" is not a date: no metrics and no dashboard links' }]);
    expect(await warningsOf('nodate-a')).toEqual([{ name: 'end_date', message: 'missing: no metrics and no dashboard links' }]);
    expect((await warningsOf('reversed-a'))[0]).toMatchObject({ name: 'end_date', message: expect.stringMatching(/^ends before it starts/) });
    expect(await warningsOf('nocluster-a')).toEqual([{ name: 'cluster_name', message: 'missing: the cluster is unknown, so no metrics and no dashboard links' }]);
    for (const uuid of ['baddate-a', 'nodate-a', 'reversed-a', 'nocluster-a']) {
      const doc = await show(uuid);
      expect(doc.metrics).toEqual({});
      expect(Object.keys(doc.links)).toEqual(['build_url']);
    }
  });

  it('regenerating replaces each report: one row per run', async () => {
    const before = await runCli(['report', 'list', '--db', db, '-o', 'json']);
    const again = await generate('--uuid', 'c1-a');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^c1-a\s+c1\s+podLatency\s+10\s+3$/m);
    const after = await runCli(['report', 'list', '--db', db, '-o', 'json']);
    const rows = (text: string) => JSON.parse(text) as Array<{ uuid: string; generatedAt: string }>;
    expect(rows(after.stdout).map((x) => x.uuid)).toEqual(rows(before.stdout).map((x) => x.uuid));
    expect(rows(after.stdout).find((x) => x.uuid === 'c1-a')!.generatedAt > rows(before.stdout).find((x) => x.uuid === 'c1-a')!.generatedAt).toBe(true);
  });

  it('report list filters by cluster and time, newest last; report show prints text', async () => {
    const list = await runCli(['report', 'list', '--db', db, '--cluster', 'c2', '-o', 'json']);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ uuid: string }>).map((r) => r.uuid)).toEqual(['c2-a', 'c2-b']);
    const since = await runCli(['report', 'list', '--db', db, '--cluster', 'c1', '--since', new Date((T0 + 2 * HOUR) * 1000).toISOString(), '--until', new Date((T0 + 5 * HOUR) * 1000).toISOString()]);
    expect(since.stdout.split('\n').filter((l) => /^\d{4}-/.test(l)).map((l) => l.split(/\s+/)[1])).toEqual(['c1-b', 'c1-c']);
    const text = await runCli(['report', 'show', 'c1-a', '--db', db]);
    expect(text.stdout).toMatch(/^openshift_cluster_name:\s+c1$/m);
    expect(text.stdout).toMatch(/^ {2}control-plane\.podCPU\.openshift-etcd: avg=\S+ max=\S+$/m);
    const missing = await runCli(['report', 'show', 'nope', '--db', db]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('perfhound: field uuid: no report for run nope\n');
  });

  it('--uuid of a run that does not exist is an error', async () => {
    const r = await generate('--uuid', 'nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^perfhound: field --uuid: no run nope in the metadata collection\(s\)$/m);
  });
});
