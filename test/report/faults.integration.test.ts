/**
 * Faults while asking Prometheus: a bad query (400 from the real server), 5xx (always, and once then
 * fine), a server slower than the per-query timeout, NaN/+Inf values, an empty matrix, an unreachable
 * server. Each report is still written with a warning naming each failed query; the generation never
 * stalls; exit code 1 only when nothing could be reported.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { buildHistory, bulkFile, kubeBurnerDocs, metadataDoc, type HistoryRun } from './history.js';
import { startPrometheus, type PrometheusServer } from './prometheus-server.js';

const T0 = 1736000000;
const RUNS: HistoryRun[] = [{ uuid: 'f1', cluster: 'c1', startS: T0, endS: T0 + 300 }, { uuid: 'f2', cluster: 'c1', startS: T0 + 7200, endS: T0 + 7500 }];
const history = buildHistory(RUNS);
const ETCD = 'openshift_cluster_name="{{cluster}}", namespace="openshift-etcd", container!="POD", name!=""';
const CONFIG = `
metrics:
  when: {}
  profiles: [faults]
profiles:
  faults:
    queries:
      - name: good
        query: sum(container_memory_working_set_bytes{${ETCD}}) by (namespace)
        group_by: [namespace]
      - name: bad
        query: sum(rate(container_memory_working_set_bytes{${ETCD}}
      - name: inf
        query: sum(container_memory_working_set_bytes{${ETCD}}) by (namespace) / 0
        group_by: [namespace]
      - name: nan
        query: (sum(container_memory_working_set_bytes{${ETCD}}) by (namespace) - sum(container_memory_working_set_bytes{${ETCD}}) by (namespace)) / 0
        group_by: [namespace]
      - name: empty
        query: up{openshift_cluster_name="{{cluster}}"}
      - name: flaky
        query: sum(container_memory_working_set_bytes{${ETCD}, marker!="flaky"}) by (namespace)
        group_by: [namespace]
      - name: broken
        query: sum(container_memory_working_set_bytes{${ETCD}, marker!="broken"}) by (namespace)
      - name: slow
        query: sum(container_memory_working_set_bytes{${ETCD}, marker!="slow"}) by (namespace)
`;

let prom: PrometheusServer;
let proxy: Server;
let proxyUrl: string;
const seen: string[] = [];
let dir: string;
let db: string;

/** In front of the real Prometheus: 503 for "broken", 500 once per run for "flaky", 3 s of silence for "slow". */
function startProxy(target: string): Promise<Server> {
  const flakyDone = new Set<string>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = url.searchParams.get('query') ?? '';
    const marker = /marker!="(\w+)"/.exec(query)?.[1];
    if (marker) seen.push(marker);
    if (marker === 'broken') return void res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream down');
    if (marker === 'flaky' && !flakyDone.has(url.searchParams.get('start')!)) {
      flakyDone.add(url.searchParams.get('start')!);
      return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"status":"error","errorType":"internal","error":"try again"}');
    }
    if (marker === 'slow') {
      const timer = setTimeout(() => res.writeHead(200).end('{}'), 3000);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    const upstream = request(new URL(req.url!, target), { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  prom = await startPrometheus(history.om);
  proxy = await startProxy(prom.url);
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'report-faults-'));
  db = `sqlite:${join(dir, 'db.sqlite')}`;
  writeFileSync(join(dir, 'faults.yaml'), CONFIG);
  writeFileSync(join(dir, 'runs.ndjson'), bulkFile(RUNS.map((r) => ({ meta: metadataDoc(r), docs: kubeBurnerDocs(r) }))));
  expect((await runCli(['ingest', 'bulk', join(dir, 'runs.ndjson'), '--db', db])).code).toBe(0);
}, 60_000);

afterAll(async () => {
  proxy?.closeAllConnections();
  await new Promise((r) => proxy?.close(r));
  await prom?.stop();
});

const show = async (uuid: string) => JSON.parse((await runCli(['report', 'show', uuid, '--db', db, '-o', 'json'])).stdout) as { metrics: Record<string, Record<string, Record<string, Record<string, number>>>>; warnings: Array<{ name: string; message: string }> };

it('writes every report with a warning per failed, empty or non-finite query, and keeps the good values', async () => {
  const started = Date.now();
  const r = await runCli(['report', 'generate', '--db', db, '--config', join(dir, 'faults.yaml'), '--prometheus', proxyUrl, '--since', '2025-01-01', '--query-timeout', '1s', '--retries', '1']);
  expect(r.code, r.stderr).toBe(0);
  // Two runs, each with a slow query timing out twice (1 s, backoff, 1 s): far from stalling on 3 s answers.
  expect(Date.now() - started).toBeLessThan(15_000);
  expect(r.stderr).toMatch(/^report: 2 report\(s\) written \(2 with warnings\) of 2 run\(s\), 6 query\(ies\) failed$/m);
  for (const run of RUNS) {
    const doc = await show(run.uuid);
    const want = history.expected(run.uuid).podMemory['openshift-etcd']!;
    for (const name of ['good', 'flaky']) {
      expect(doc.metrics.faults![name]!['openshift-etcd']!.avg).toBeCloseTo(want.avg, 3);
      expect(doc.metrics.faults![name]!['openshift-etcd']!.max).toBe(want.max);
    }
    expect(Object.keys(doc.metrics.faults!)).toEqual(['good', 'flaky']);
    const byName = Object.fromEntries(doc.warnings.map((w) => [w.name, w.message]));
    expect(Object.keys(byName)).toEqual(['faults.bad', 'faults.broken', 'faults.empty', 'faults.inf', 'faults.nan', 'faults.slow']);
    expect(byName['faults.bad']).toMatch(/^HTTP 400: bad_data: .*parse error/);
    expect(byName['faults.broken']).toBe('HTTP 503: upstream down');
    expect(byName['faults.slow']).toBe('no answer within 1 s');
    expect(byName['faults.empty']).toBe('empty result (no series in the window)');
    // Every point of these is +Inf or NaN: the samples left out are counted, and nothing is kept.
    const points = (run.endS - run.startS) / 10 + 1;
    for (const name of ['faults.inf', 'faults.nan']) {
      expect(doc.warnings.filter((w) => w.name === name).map((w) => w.message)).toEqual([`${points} NaN/Inf sample(s) left out`, 'no finite value in the window']);
    }
  }
  // Retried: the broken query twice per run, the flaky one twice per run (500, then the answer).
  expect(seen.filter((m) => m === 'broken')).toHaveLength(4);
  expect(seen.filter((m) => m === 'flaky')).toHaveLength(4);
  expect(seen.filter((m) => m === 'slow')).toHaveLength(4);
}, 60_000);

it('an unreachable Prometheus: reports still written, each query named', async () => {
  const r = await runCli(['report', 'generate', '--db', db, '--prometheus', 'http://127.0.0.1:1', '--since', '2025-01-01', '--retries', '0', '--uuid', 'f1']);
  expect(r.code, r.stderr).toBe(0);
  const doc = await show('f1');
  expect(doc.metrics).toEqual({ 'control-plane': {} });
  expect(doc.warnings.find((w) => w.name === 'control-plane.podCPU')).toEqual({ name: 'control-plane.podCPU', message: 'cannot connect to http://127.0.0.1:1 (connection refused)' });
  expect(doc.warnings.find((w) => w.name === 'control-plane.masters')?.message).toMatch(/^cannot connect .*; the queries that use \{\{masters\}\} were not asked$/);
});

it('exit 1 when nothing could be reported (the source of runs is unreachable), one clear line', async () => {
  const r = await runCli(['report', 'generate', '--db', db, '--es-server', 'http://127.0.0.1:1', '--metadata-index', 'perf_scale_ci*', '--prometheus', prom.url]);
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^perfhound: /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});
