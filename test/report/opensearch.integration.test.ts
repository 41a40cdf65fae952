/**
 * `report generate --es-server`: runs and results read from OpenSearch (the source selection `analyze`
 * uses), reports stored in the store and, with `--report-index`, written to OpenSearch with the run uuid
 * as document id — idempotent, as the DAG wrote `ci-reports`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { loadBulk, startOpenSearchTestServer, type OpenSearchTestServer } from '../support/opensearch-server/index.js';
import { buildHistory, bulkFile, kubeBurnerDocs, metadataDoc, type HistoryRun } from './history.js';
import { startPrometheus, type PrometheusServer } from './prometheus-server.js';

const T0 = 1736000000;
const RUNS: HistoryRun[] = [
  { uuid: 'os-1', cluster: 'c1', startS: T0, endS: T0 + 600 },
  { uuid: 'os-2', cluster: 'c2', startS: T0 + 7200, endS: T0 + 7800 },
  { uuid: 'os-3', cluster: 'c1', startS: T0 + 14_400, endS: T0 + 15_000 },
];
const history = buildHistory(RUNS);
let prom: PrometheusServer;
let os: OpenSearchTestServer;
let db: string;

beforeAll(async () => {
  [prom, os] = await Promise.all([startPrometheus(history.om), startOpenSearchTestServer()]);
  await loadBulk(os.url, bulkFile(RUNS.map((r) => ({ meta: metadataDoc(r), docs: kubeBurnerDocs(r) }))));
  os.reset();
  db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'report-os-')), 'db.sqlite')}`;
}, 60_000);

afterAll(async () => {
  await Promise.all([prom?.stop(), os?.close()]);
});

async function indexed(): Promise<Array<{ _id: string; _source: Record<string, any> }>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${os.url}/ci-reports/_search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: { match_all: {} }, size: 100 }) });
  return ((await res.json()) as { hits: { hits: Array<{ _id: string; _source: Record<string, any> }> } }).hits.hits; // eslint-disable-line @typescript-eslint/no-explicit-any
}

it('reads runs and results from OpenSearch and writes the reports to the store and to --report-index, idempotently', async () => {
  const args = ['report', 'generate', '--db', db, '--es-server', os.url, '--report-index', 'ci-reports', '--prometheus', prom.url, '--since', '2025-01-01'];
  const first = await runCli(args);
  expect(first.code, first.stderr).toBe(0);
  const docs = await indexed();
  expect(docs.map((d) => d._id).sort()).toEqual(['os-1', 'os-2', 'os-3']);
  for (const d of docs) {
    expect(d._source.uuid).toBe(d._id);
    expect(Object.keys(d._source.results).sort()).toEqual(['ContainersReady', 'Initialized', 'PodScheduled', 'Ready', 'jobSummary']);
    const want = history.expected(d._id);
    expect(d._source.metrics['control-plane'].podCPU['openshift-etcd'].max).toBeCloseTo(want.podCPU['openshift-etcd']!.max, 9);
    expect(d._source.metrics['control-plane'].masterCPU.all.avg).toBeCloseTo(want.masterCPU.avg, 9);
  }
  const second = await runCli(args);
  expect(second.code, second.stderr).toBe(0);
  expect((await indexed()).length).toBe(3);
  const bulks = os.requests().filter((r) => r.path.endsWith('_bulk'));
  expect(bulks.length).toBe(2);
  expect(bulks[0]!.bodyText).toContain('{"index":{"_index":"ci-reports","_id":"os-1"}}');
  // The store has them too, though the runs are not in the store.
  const list = await runCli(['report', 'list', '--db', db, '-o', 'json']);
  expect((JSON.parse(list.stdout) as Array<{ uuid: string }>).map((r) => r.uuid)).toEqual(['os-1', 'os-2', 'os-3']);
}, 60_000);

it('--report-index without an OpenSearch server is refused, naming the flag', async () => {
  const r = await runCli(['report', 'generate', '--db', db, '--report-index', 'ci-reports']);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('perfhound: field --report-index: --report-index needs --es-server URL (or ES_SERVER)\n');
});
