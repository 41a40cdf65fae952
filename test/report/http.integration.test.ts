/** The read side over HTTP: GET /api/v1/reports and /api/v1/reports/{uuid}, described in the OpenAPI document. */
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../src/store/reports.js';
import { body, useDaemon } from '../server/support.js';

describe('reports over HTTP', () => {
  const d = useDaemon('postgres');

  it('lists report summaries by cluster and time, pages from the newest, and serves one report', async () => {
    for (const [uuid, cluster, ts] of [['a', 'c1', 1000], ['b', 'c2', 2000], ['c', 'c1', 3000]] as const) {
      const doc = { uuid, openshift_cluster_name: cluster, metrics: { 'control-plane': { podCPU: { 'openshift-etcd': { avg: 1.5, max: 2 } } } }, warnings: [] };
      await d.store.writeTransaction((trx) => writeReport(trx, { uuid, clusterName: cluster, reportType: 'podLatency', runTimestampMs: ts, generatedMs: 5000, warnings: 0, body: JSON.stringify(doc) }, undefined));
    }
    const get = (url: string) => d.app.inject({ method: 'GET', url, headers: d.auth('ingest') });
    const all = await get('/api/v1/reports');
    expect(all.statusCode).toBe(200);
    expect(body<{ reports: Array<{ uuid: string }> }>(all).reports.map((r) => r.uuid)).toEqual(['a', 'b', 'c']);
    expect(body(all).reports).toContainEqual({ uuid: 'b', cluster: 'c2', reportType: 'podLatency', timestamp: '1970-01-01T00:00:02.000Z', generatedAt: '1970-01-01T00:00:05.000Z', warnings: 0 });
    const c1 = body<{ reports: Array<{ uuid: string }> }>(await get('/api/v1/reports?cluster=c1&since=1970-01-01T00:00:01Z'));
    expect(c1.reports.map((r) => r.uuid)).toEqual(['a', 'c']);
    const page = body<{ reports: Array<{ uuid: string }>; nextOffset: number | null }>(await get('/api/v1/reports?limit=2'));
    expect(page.reports.map((r) => r.uuid)).toEqual(['b', 'c']);
    expect(page.nextOffset).toBe(2);
    const one = await get('/api/v1/reports/c');
    expect(one.statusCode).toBe(200);
    expect(body(one)).toMatchObject({ uuid: 'c', metrics: { 'control-plane': { podCPU: { 'openshift-etcd': { max: 2 } } } } });
    const missing = await get('/api/v1/reports/zz');
    expect(missing.statusCode).toBe(404);
    expect(body(missing)).toMatchObject({ error: 'field uuid: no report for run zz' });
    expect((await get('/api/v1/reports?clusterr=c1')).statusCode).toBe(400);
    expect((await d.app.inject({ method: 'GET', url: '/api/v1/reports' })).statusCode).toBe(401);
  });

  it('is in the OpenAPI document', async () => {
    type Op = { parameters?: { name: string }[]; responses: Record<string, unknown> };
    const paths = body<{ paths: Record<string, { get?: Op }> }>(await d.app.inject({ method: 'GET', url: '/openapi.json' })).paths;
    expect(paths['/api/v1/reports']?.get?.parameters?.map((p) => p.name)).toEqual(['cluster', 'since', 'until', 'limit', 'offset']);
    expect(paths['/api/v1/reports/{uuid}']?.get?.responses['404']).toBeDefined();
  });
});
