/**
 * Reports feed analysis: a regression planted in the Prometheus history (etcd's CPU tripled from the 7th
 * run of a cluster on) is found by `analyze` with an Orion-style config over the report metric
 * `report.control-plane.podCPU.openshift-etcd.max`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { buildHistory, bulkFile, kubeBurnerDocs, metadataDoc, type HistoryRun } from './history.js';
import { startPrometheus, type PrometheusServer } from './prometheus-server.js';

const T0 = 1736000000;
const RUNS: HistoryRun[] = Array.from({ length: 12 }, (_, i) => ({
  uuid: `creg-${String(i).padStart(2, '0')}`,
  cluster: 'creg',
  startS: T0 + i * 86_400,
  endS: T0 + i * 86_400 + 600,
  etcdCpuFactor: i >= 6 ? 3 : 1,
}));
const history = buildHistory(RUNS);
let prom: PrometheusServer;
let dir: string;
let db: string;

beforeAll(async () => {
  prom = await startPrometheus(history.om);
  dir = mkdtempSync(join(tmpdir(), 'report-analysis-'));
  db = `sqlite:${join(dir, 'db.sqlite')}`;
  writeFileSync(join(dir, 'runs.ndjson'), bulkFile(RUNS.map((r) => ({ meta: metadataDoc(r), docs: kubeBurnerDocs(r) }))));
  expect((await runCli(['ingest', 'bulk', join(dir, 'runs.ndjson'), '--db', db])).code).toBe(0);
}, 60_000);

afterAll(async () => {
  await prom?.stop();
});

it('analyze finds the regression planted in the Prometheus history through the report metrics', async () => {
  const config = join(dir, 'etcd.yaml');
  writeFileSync(
    config,
    [
      'tests:',
      '  - name: etcd-cpu',
      '    metadata:',
      '      cluster_name: creg',
      '    metrics:',
      '      - name: etcdMaxCPU',
      '        metricName.keyword: report.control-plane.podCPU.openshift-etcd.max',
      '        metric_of_interest: value',
      '        direction: 1',
      '        threshold: 10',
      '',
    ].join('\n'),
  );
  const analyze = () => runCli(['analyze', '--config', config, '--db', db, '-o', 'json']);
  // Before the reports exist, the metric has no values.
  expect((await analyze()).code).toBe(3);
  const generated = await runCli(['report', 'generate', '--db', db, '--prometheus', prom.url, '--since', '2025-01-01']);
  expect(generated.code, generated.stderr).toBe(0);
  const result = await analyze();
  expect(result.code, result.stderr).toBe(2);
  const rows = (JSON.parse(result.stdout) as Record<string, Array<{ uuid: string; is_changepoint: boolean; metrics: { etcdMaxCPU_value: { value: number } } }>>)['etcd-cpu']!;
  expect(rows.map((r) => r.uuid)).toEqual(RUNS.map((r) => r.uuid));
  expect(rows.filter((r) => r.is_changepoint).map((r) => r.uuid)).toEqual(['creg-06']);
  // The values are the reports' maxima, which are the history's.
  for (const [i, r] of RUNS.entries()) expect(rows[i]!.metrics.etcdMaxCPU_value.value).toBeCloseTo(history.expected(r.uuid).podCPU['openshift-etcd']!.max, 9);
}, 60_000);
