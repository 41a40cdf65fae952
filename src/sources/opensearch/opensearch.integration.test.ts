/**
 * The OpenSearch source against the OpenSearch test server: the bodies it sends equal the bodies Orion
 * sends for the same inputs (test/fixtures/opensearch/orion-request-bodies.txt), and on Orion's own CI
 * corpus (test/fixtures/opensearch/bulk.ndjson) it returns the values Orion's expectations imply.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadBulk, loadBulkFile, startOpenSearchTestServer, type OpenSearchTestServer } from '../../../test/support/opensearch-server/index.js';
import { captureOf, readOrionCaptures, type OrionCapture } from '../../../test/support/opensearch-server/orion-captures.js';
import { UserError } from '../../util/errors.js';
import type { MetricSelector, RunQuery } from '../types.js';
import { OpenSearchSource } from './source.js';

const BULK = 'test/fixtures/opensearch/bulk.ndjson';
const METADATA_INDEX = 'orion-integration-test-data*';
const METRICS_INDEX = 'orion-integration-test-metrics*';

let server: OpenSearchTestServer;
let source: OpenSearchSource;
let captures: OrionCapture[];

beforeAll(async () => {
  server = await startOpenSearchTestServer();
  await loadBulkFile(server.url, BULK);
  source = new OpenSearchSource({ url: server.url, metadataIndex: METADATA_INDEX, benchmarkIndex: METRICS_INDEX });
  captures = readOrionCaptures();
});

afterAll(async () => {
  await source?.close();
  await server?.close();
});

beforeEach(() => {
  server.reset();
  server.failRequests(undefined);
});

/** The JSON bodies of the `_search` requests received since the last reset. */
function searchBodies(): { path: string; body: unknown }[] {
  return server
    .requests()
    .filter((r) => r.path.endsWith('/_search'))
    .map((r) => ({ path: r.path, body: r.body }));
}

// Inputs that Orion turned into the captured bodies (reference/orion.md §2.3).
const apiserverCPU: MetricSelector = {
  name: 'apiserverCPU',
  filters: {
    'metricName.keyword': 'containerCPU',
    'labels.namespace.keyword': 'openshift-kube-apiserver',
    'labels.container.keyword': 'kube-apiserver',
  },
  not: {},
  metricOfInterest: 'value',
  agg: { type: 'avg' },
};
const aggMetrics: MetricSelector[] = [
  apiserverCPU,
  {
    name: 'ovnCPU',
    filters: { 'metricName.keyword': 'containerCPU', 'labels.namespace.keyword': 'openshift-ovn-kubernetes' },
    not: {},
    metricOfInterest: 'value',
    agg: { type: 'avg' },
  },
  {
    name: 'ovsMemory-Workers',
    filters: { 'metricName.keyword': 'cgroupMemoryRSS-Workers', 'labels.id.keyword': '/system.slice/ovs-vswitchd.service' },
    not: {},
    metricOfInterest: 'value',
    agg: { type: 'max' },
  },
  { name: 'reqs', filters: { 'metricName.keyword': 'x' }, not: {}, metricOfInterest: 'value', agg: { type: 'count' } },
  {
    name: 'podReadyLatency',
    filters: { 'metricName.keyword': 'podLatencyMeasurement' },
    not: { 'jobName.keyword': ['garbage-collection'] },
    metricOfInterest: 'containersReadyLatency',
    agg: { type: 'percentiles', percents: [50, 95, 99], targetPercentile: 99 },
  },
];
const gcExcluded = { 'jobName.keyword': ['garbage-collection'] };
const standardMetrics: MetricSelector[] = [
  {
    name: 'podReadyLatency',
    filters: { 'metricName.keyword': 'podLatencyQuantilesMeasurement', quantileName: 'Ready' },
    not: gcExcluded,
    metricOfInterest: 'P99',
  },
  {
    name: 'containersStartedLatency',
    filters: { 'metricName.keyword': 'podLatencyQuantilesMeasurement', quantileName: 'ContainersStarted' },
    not: {},
    metricOfInterest: 'P99',
  },
  { name: 'kubeBurnerVersion', filters: { 'metricName.keyword': 'jobSummary' }, not: gcExcluded, metricOfInterest: 'k8sVersion' },
];
const kubeBurner = { index: 'ripsaw-kube-burner*', uuidField: 'uuid', timestampField: 'timestamp', uuids: ['u1', 'u2'] };

const nodeDensityRuns: RunQuery = {
  index: 'perf_scale_ci*',
  selector: {
    match: {
      platform: 'AWS',
      clusterType: 'self-managed',
      masterNodesType: 'm6a.xlarge',
      masterNodesCount: 3,
      workerNodesType: 'm6a.xlarge',
      workerNodesCount: 6,
      'benchmark.keyword': 'node-density',
      networkType: 'OVNKubernetes',
      jobType: 'periodic',
      fips: 'false',
    },
    not: { stream: ['okd'] },
    wildcard: { ocpVersion: '4.19*' },
  },
  uuidField: 'uuid',
  versionField: 'ocpVersion',
  timestampField: 'timestamp',
  after: new Date('2025-01-01T00:00:00Z'),
  before: new Date('2025-01-20T00:00:00Z'),
};

describe("Orion's request bodies", () => {
  it('A: run discovery pages with search_after exactly as Orion (10 001 matching runs)', async () => {
    // 10 000 runs fill Orion's first page; the oldest of them is at 2025-01-02T00:00:00Z, the capture's
    // search_after value, and one older run is left for page two.
    const base = Date.parse('2025-01-02T00:00:00Z');
    const lines: string[] = [];
    for (let i = 0; i <= 10_000; i++) {
      const doc = {
        uuid: `run-${i}`,
        ...nodeDensityRuns.selector.match,
        benchmark: 'node-density',
        stream: 'ocp',
        ocpVersion: '4.19.0-0.nightly-2025-01-01-000000',
        timestamp: new Date(base + (9_999 - i) * 1000).toISOString(),
      };
      delete (doc as Record<string, unknown>)['benchmark.keyword'];
      lines.push(JSON.stringify({ index: { _index: 'perf_scale_ci-000001', _id: `run-${i}` } }), JSON.stringify(doc));
    }
    await loadBulk(server.url, lines.join('\n') + '\n');
    server.reset();

    const runs = await source.findRuns(nodeDensityRuns);

    const [page1, page2] = captures.filter((c) => c.section.startsWith('get_uuid_by_metadata (lookback+since'));
    expect(searchBodies()).toEqual([
      { path: `/${page1.index}/_search`, body: page1.body },
      { path: `/${page2.index}/_search`, body: page2.body },
    ]);
    expect(runs).toHaveLength(10_001);
    expect(runs[0].uuid).toBe('run-10000');
    expect(runs.at(-1)?.uuid).toBe('run-0');
    server.cluster.delete('perf_scale_ci-000001');
  });

  it('A: lookback only, a not list and a limit (Orion --lookback-size)', async () => {
    await source.findRuns({
      index: 'perf_scale_ci*',
      selector: { match: { 'benchmark.keyword': 'cluster-density-v2' }, not: { stream: ['okd', 'ci'] }, wildcard: {} },
      uuidField: 'uuid',
      versionField: 'ocpVersion',
      timestampField: 'timestamp',
      after: new Date('2025-01-01T00:00:00Z'),
      limit: 50,
    });
    expect(searchBodies().map((r) => r.body)).toEqual([captureOf(captures, 'get_uuid_by_metadata lookback only, exact ocpVersion dropped, not list').body]);
  });

  it('B: version lookup', async () => {
    await source.findVersions({ ...kubeBurner, versionField: 'ocpVersion' });
    expect(searchBodies().map((r) => r.body)).toEqual([captureOf(captures, 'get_results exists ocpVersion (get_version)').body]);
  });

  it('C: documents by filter (kube-burner jobSummary)', async () => {
    await source.findDocuments({ ...kubeBurner, filters: { metricName: 'jobSummary' }, not: gcExcluded });
    expect(searchBodies().map((r) => r.body)).toEqual([captureOf(captures, 'match_kube_burner').body]);
  });

  it('D: aggregated metrics in one batched request', async () => {
    await source.fetchMetrics({ ...kubeBurner, metrics: aggMetrics });
    expect(searchBodies().map((r) => r.body)).toEqual([captureOf(captures, 'get_agg_metrics_batch').body]);
  });

  it('E: a failed batch falls back to one request per metric', async () => {
    server.failRequests((r) => JSON.stringify(r.body).includes('"filter"'));
    await source.fetchMetrics({ ...kubeBurner, metrics: aggMetrics });
    const bodies = searchBodies().map((r) => r.body);
    expect(bodies).toHaveLength(1 + aggMetrics.length);
    expect(bodies[1]).toEqual(captureOf(captures, 'get_agg_metric_query avg').body);
    expect(bodies[5]).toEqual(captureOf(captures, 'get_agg_metric_query percentiles').body);
  });

  it('F: standard metrics in one OR-query', async () => {
    await source.fetchMetrics({ ...kubeBurner, metrics: standardMetrics });
    expect(searchBodies().map((r) => r.body)).toEqual([captureOf(captures, 'get_results_batch').body]);
  });

  it('G: a failed standard batch falls back to one query per metric', async () => {
    server.failRequests((r) => JSON.stringify(r.body).includes('"should"'));
    await source.fetchMetrics({ ...kubeBurner, metrics: standardMetrics.slice(0, 1) });
    const bodies = searchBodies().map((r) => r.body);
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual(captureOf(captures, 'get_results standard metric').body);
  });

  it('H: metadata by uuid', async () => {
    await source.runMetadata({ index: 'perf_scale_ci*', uuidField: 'uuid', uuid: 'u1' });
    expect(searchBodies().map((r) => r.body)).toEqual([captureOf(captures, 'get_metadata_by_uuid').body]);
  });

  it('I: group_by value discovery', async () => {
    await source.distinctValues({ ...kubeBurner, filters: { 'metricName.keyword': 'containerCPU' }, not: {}, field: 'labels.container.keyword' });
    expect(searchBodies().map((r) => r.body)).toEqual([captureOf(captures, 'discover_field_values').body]);
  });

  it('sends gzip bodies, asks for gzip answers, and counts its requests', async () => {
    const before = source.requestCount();
    await source.runMetadata({ index: 'perf_scale_ci*', uuidField: 'uuid', uuid: 'u1' });
    const [request] = server.requests();
    expect(request.method).toBe('POST');
    expect(request.headers['content-encoding']).toBe('gzip');
    expect(request.headers['accept-encoding']).toContain('gzip');
    expect(source.requestCount() - before).toBe(server.requestCount());
  });

  it('an unreachable server is a UserError that does not print the password', async () => {
    const down = new OpenSearchSource({ url: 'http://perf:hunter2@127.0.0.1:1', metadataIndex: METADATA_INDEX, maxRetries: 0 });
    const failure = await down.runMetadata({ uuidField: 'uuid', uuid: 'u1' }).catch((err: unknown) => err);
    await down.close();
    expect(failure).toBeInstanceOf(UserError);
    expect(String((failure as Error).message)).toMatch(/^OpenSearch http:\/\/perf:\*\*\*@127\.0\.0\.1:1 orion-integration-test-data\*\/_search: /);
    expect(String((failure as Error).message)).not.toContain('hunter2');
  });

  it('reads basic-auth credentials from the URL', async () => {
    const authed = new OpenSearchSource({ url: server.url.replace('//', '//perf:s%3Acret@'), metadataIndex: METADATA_INDEX });
    await authed.runMetadata({ uuidField: 'uuid', uuid: 'u1' });
    await authed.close();
    expect(server.requests()[0].headers.authorization).toBe('Basic ' + Buffer.from('perf:s:cret').toString('base64'));
  });
});

/** Orion's ci-tests.yaml rendered with version 4.20 (pullNumber 0 and empty organization/repository dropped). */
const ciTestsRuns: RunQuery = {
  selector: {
    match: {
      platform: 'GCP',
      clusterType: 'self-managed',
      masterNodesType: 'e2-custom-6-16384',
      masterNodesCount: 3,
      workerNodesType: 'e2-custom-6-16384',
      workerNodesCount: 3,
      'benchmark.keyword': 'olm',
      networkType: 'OVNKubernetes',
      jobType: 'periodic',
    },
    not: { stream: ['okd'] },
    wildcard: { ocpVersion: '4.20*' },
  },
  uuidField: 'uuid',
  versionField: 'ocpVersion',
  timestampField: 'timestamp',
  after: new Date('2026-01-05T00:00:00Z'), // --since 2026-01-20 minus --lookback 15d
  before: new Date('2026-01-20T00:00:00Z'),
};
const catalogdCPU: MetricSelector = {
  name: 'OCP-84094_catalogdCPU_GCP',
  filters: { 'metricName.keyword': 'catalogd_cpu_usage_cores' },
  not: gcExcluded,
  metricOfInterest: 'value',
  agg: { type: 'avg' },
};

interface BulkDoc {
  index: string;
  source: Record<string, unknown>;
}

/** The corpus read straight from the fixture, to compute expectations independently of the server. */
function corpus(): BulkDoc[] {
  const lines = readFileSync(BULK, 'utf8').split('\n').filter(Boolean);
  const docs: BulkDoc[] = [];
  for (let i = 0; i < lines.length; i += 2) {
    const action = JSON.parse(lines[i]) as { index: { _index: string } };
    docs.push({ index: action.index._index, source: JSON.parse(lines[i + 1]) as Record<string, unknown> });
  }
  return docs;
}

describe("Orion's CI corpus", () => {
  it('finds the 10 OLM runs, oldest first, with versions and build URLs', async () => {
    const runs = await source.findRuns(ciTestsRuns);
    const olm = corpus().filter((d) => d.index === 'orion-integration-test-data' && d.source.benchmark === 'olm');
    const expected = olm.map((d) => d.source).sort((a, b) => Date.parse(String(a.timestamp)) - Date.parse(String(b.timestamp)));
    expect(runs.map((r) => r.uuid)).toEqual(expected.map((d) => d.uuid));
    expect(runs.map((r) => r.version)).toEqual(expected.map((d) => d.ocpVersion));
    expect(runs[9].buildUrl).toBe('https://prow.ci/2013174937652563968');
    expect(runs[9].timestampMs).toBe(Date.parse('2026-01-19T10:47:27Z'));
  });

  it('gives the CPU series of EXPECTED.md: [1.5699 ×6, 6.5699, 7.8570, 8.0199, 9.2369] in time order', async () => {
    const runs = await source.findRuns(ciTestsRuns);
    const values = await source.fetchMetrics({ uuidField: 'uuid', timestampField: 'timestamp', uuids: runs.map((r) => r.uuid), metrics: [catalogdCPU] });
    const rows = values.get(catalogdCPU.name) ?? [];
    expect(rows.map((r) => r.uuid)).toEqual(runs.map((r) => r.uuid));
    // Golden numbers of EXPECTED.md (4 decimals).
    const golden = [1.5699, 1.5699, 1.5699, 1.5699, 1.5699, 1.5699, 6.5699, 7.857, 8.0199, 9.2369];
    rows.forEach((row, i) => expect(row.value).toBeCloseTo(golden[i], 4));
    // And the per-run means computed from the fixture itself (float32 storage: relative 1e-6).
    const metricDocs = corpus().filter((d) => d.source.metricName === 'catalogd_cpu_usage_cores');
    for (const row of rows) {
      const own = metricDocs.filter((d) => d.source.uuid === row.uuid).map((d) => Number(d.source.value));
      const mean = own.reduce((a, b) => a + b, 0) / own.length;
      expect(Math.abs((row.value ?? NaN) - mean) / mean).toBeLessThan(1e-6);
      const times = metricDocs.filter((d) => d.source.uuid === row.uuid).map((d) => Date.parse(String(d.source.timestamp)));
      expect(row.timestampMs).toBeCloseTo(times.reduce((a, b) => a + b, 0) / times.length, -1);
    }
    // One batched request for the one aggregated metric, plus run discovery.
    expect(server.requestCount((r) => r.path === `/${METRICS_INDEX}/_search`)).toBe(1);
  });

  it('a standard metric gives each run its newest document value', async () => {
    const runs = await source.findRuns(ciTestsRuns);
    const metric: MetricSelector = { ...catalogdCPU, name: 'cpu', agg: undefined };
    const rows = (await source.fetchMetrics({ uuidField: 'uuid', timestampField: 'timestamp', uuids: runs.map((r) => r.uuid), metrics: [metric] })).get('cpu') ?? [];
    const metricDocs = corpus().filter((d) => d.source.metricName === 'catalogd_cpu_usage_cores');
    expect(rows).toHaveLength(10);
    for (const row of rows) {
      const newest = metricDocs
        .filter((d) => d.source.uuid === row.uuid)
        .sort((a, b) => Date.parse(String(b.source.timestamp)) - Date.parse(String(a.source.timestamp)))[0];
      expect(row.value).toBe(newest.source.value);
      expect(row.timestampMs).toBe(Date.parse(String(newest.source.timestamp)));
    }
  });

  it('RHOSO: aggregations over the array field `raw` use every element (uuid_field browbeat_uuid)', async () => {
    const runs = await source.findRuns({
      selector: { match: { jobType: 'periodic', networkType: 'OVNKubernetes' }, not: {}, wildcard: { ocpVersion: '4.18*' } },
      uuidField: 'browbeat_uuid',
      versionField: 'ocpVersion',
      timestampField: 'timestamp',
      before: new Date('2026-02-23T00:00:00Z'),
    });
    expect(runs).toHaveLength(2);
    const metric = (name: string, agg: MetricSelector['agg']): MetricSelector => ({
      name,
      filters: { 'action.keyword': 'keystone_v3.list_users' },
      not: {},
      metricOfInterest: 'raw',
      agg,
    });
    const values = await source.fetchMetrics({
      uuidField: 'browbeat_uuid',
      timestampField: 'timestamp',
      uuids: runs.map((r) => r.uuid),
      metrics: [metric('avg', { type: 'avg' }), metric('count', { type: 'count' }), metric('max', { type: 'max' })],
    });
    for (const run of runs) {
      const raw = corpus().find((d) => d.source.browbeat_uuid === run.uuid && Array.isArray(d.source.raw))?.source.raw as number[];
      const f32 = raw.map((v) => Math.fround(v));
      const avg = values.get('avg')?.find((r) => r.uuid === run.uuid)?.value ?? NaN;
      expect(avg).toBeCloseTo(f32.reduce((a, b) => a + b, 0) / f32.length, 12);
      expect(values.get('count')?.find((r) => r.uuid === run.uuid)?.value).toBe(raw.length);
      expect(values.get('max')?.find((r) => r.uuid === run.uuid)?.value).toBe(Math.max(...f32));
    }
  });
});

describe("where Orion would crash", () => {
  it('numeric epoch timestamps work for aggregated metrics; a run without the metric gets a null row', async () => {
    const docs = [
      { uuid: 't1', timestamp: 1750007825, resource_type: 'cpu', value: 2 },
      { uuid: 't1', timestamp: 1750007835, resource_type: 'cpu', value: 4 },
      { uuid: 't2', timestamp: 1750100000, resource_type: 'mem', value: 9 },
    ];
    await loadBulk(server.url, docs.flatMap((d) => [JSON.stringify({ index: { _index: 'telco-epoch' } }), JSON.stringify(d)]).join('\n') + '\n');
    const rows = (
      await source.fetchMetrics({
        index: 'telco-epoch',
        uuidField: 'uuid',
        timestampField: 'timestamp',
        uuids: ['t1', 't2'],
        metrics: [{ name: 'cpu', filters: { 'resource_type.keyword': 'cpu' }, not: {}, metricOfInterest: 'value', agg: { type: 'avg' } }],
      })
    ).get('cpu');
    expect(rows).toEqual([
      { uuid: 't1', timestampMs: 1750007830000, value: 3 },
      { uuid: 't2', timestampMs: 1750100000000, value: null },
    ]);
  });

  it('an OpenSearch error on a single query is a UserError naming the metric and the reason', async () => {
    server.failRequests(() => true);
    await expect(source.fetchMetrics({ ...kubeBurner, metrics: [apiserverCPU] })).rejects.toThrow(
      /metric apiserverCPU: OpenSearch .*exception: injected failure/,
    );
  });
});
