/**
 * The test server over HTTP: endpoints, gzip both ways, request recording, OpenSearch-shaped errors, and
 * the official client talking to it.
 */
import { Client } from '@opensearch-project/opensearch';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadBulk, loadBulkFile, OPENSEARCH_VERSION, startOpenSearchTestServer, type OpenSearchTestServer } from './index.js';

let server: OpenSearchTestServer;

beforeAll(async () => {
  server = await startOpenSearchTestServer();
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  server.clear();
  server.reset();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const isJson = res.headers.get('content-type')?.startsWith('application/json') && text;
  return { status: res.status, headers: res.headers, json: isJson ? (JSON.parse(text) as Record<string, unknown>) : undefined, text };
}

const ndjson = (index: string, docs: Record<string, unknown>[]) =>
  docs.flatMap((d, i) => [JSON.stringify({ index: { _index: index, _id: String(i) } }), JSON.stringify(d)]).join('\n') + '\n';

describe('endpoints', () => {
  it('GET / reports an OpenSearch version', async () => {
    const { status, json } = await call('GET', '/');
    expect(status).toBe(200);
    expect(json?.version).toMatchObject({ distribution: 'opensearch', number: OPENSEARCH_VERSION });
  });

  it('PUT creates, HEAD checks, DELETE removes an index; creating twice is an error', async () => {
    expect((await call('PUT', '/runs', { settings: { index: { max_result_window: 5 } } })).json).toMatchObject({ acknowledged: true, index: 'runs' });
    expect((await call('HEAD', '/runs')).status).toBe(200);
    expect((await call('PUT', '/runs')).json?.error).toMatchObject({ type: 'resource_already_exists_exception' });
    expect((await call('POST', '/runs/_search', { size: 6 })).json?.error).toMatchObject({ type: 'search_phase_execution_exception' });
    expect((await call('DELETE', '/runs')).json).toEqual({ acknowledged: true });
    expect((await call('HEAD', '/runs')).status).toBe(404);
    expect((await call('PUT', '/Runs')).json?.error).toMatchObject({ type: 'invalid_index_name_exception' });
  });

  it('_bulk (with a default index), _refresh and _cat/indices', async () => {
    const bulk = await call('POST', '/metrics/_bulk?refresh=true', '{"index":{}}\n{"a":1}\n{"create":{"_id":"x"}}\n{"a":2}\n{"create":{"_id":"x"}}\n{"a":3}\n', {
      'content-type': 'application/x-ndjson',
    });
    expect(bulk.json?.errors).toBe(true);
    expect((bulk.json?.items as Record<string, { status: number }>[]).map((i) => Object.values(i)[0].status)).toEqual([201, 201, 409]);
    expect((await call('POST', '/metrics/_refresh')).json).toMatchObject({ _shards: { failed: 0 } });
    expect((await call('GET', '/_cat/indices?format=json')).json).toEqual([expect.objectContaining({ index: 'metrics', 'docs.count': '2' })]);
    expect((await call('GET', '/_cat/indices')).text).toMatch(/^green open metrics \S+ 1 0 2 /);
  });

  it('a malformed bulk body is refused whole', async () => {
    const res = await call('POST', '/_bulk', '{"upsert":{"_index":"a"}}\n{}\n');
    expect(res.status).toBe(400);
    expect(res.json?.error).toMatchObject({ type: 'illegal_argument_exception' });
  });

  it('unknown routes and missing indices answer like OpenSearch', async () => {
    expect((await call('GET', '/_nodes/stats')).status).toBe(400);
    const missing = await call('POST', '/nope/_search', {});
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ status: 404, error: { type: 'index_not_found_exception', reason: 'no such index [nope]' } });
  });

  it('GET and POST _search over comma lists and wildcards (percent-encoded too)', async () => {
    await loadBulk(server.url, ndjson('orion-a', [{ v: 1 }]) + ndjson('orion-b', [{ v: 2 }]) + ndjson('other', [{ v: 3 }]));
    const total = async (method: string, path: string) =>
      ((await call(method, path, method === 'GET' ? undefined : { size: 0 })).json?.hits as { total: { value: number } }).total.value;
    expect(await total('POST', '/orion-*/_search')).toBe(2);
    expect(await total('GET', '/orion-a%2Cother/_search?size=0')).toBe(2);
    expect(await total('POST', '/_search')).toBe(3);
  });
});

describe('gzip and recording', () => {
  it('accepts gzip request bodies, answers gzip when asked, records decoded bodies', async () => {
    await loadBulk(server.url, ndjson('runs', [{ uuid: 'u1' }, { uuid: 'u2' }]));
    server.reset();
    const body = { query: { match: { uuid: 'u2' } } };
    const res = await fetch(`${server.url}/runs/_search?typed_keys=false`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'accept-encoding': 'gzip,deflate' },
      body: gzipSync(JSON.stringify(body)),
    });
    expect(res.status).toBe(200);
    // fetch decompresses transparently; the header tells that the server compressed.
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const json = (await res.json()) as { hits: { hits: { _id: string }[] } };
    expect(json.hits.hits.map((h) => h._id)).toEqual(['1']);
    const [recorded] = server.requests();
    expect(recorded).toMatchObject({ method: 'POST', path: '/runs/_search', query: { typed_keys: 'false' }, body });
    expect(recorded.headers['content-encoding']).toBe('gzip');
    expect(server.requestCount()).toBe(1);
    server.reset();
    expect(server.requestCount()).toBe(0);
  });

  it('a corrupt gzip body is a 400', async () => {
    const res = await call('POST', '/_search', Buffer.from('not gzip'), { 'content-encoding': 'gzip' });
    expect(res.status).toBe(400);
  });

  it('gzip responses decode to the same JSON as plain ones', async () => {
    const { default: http } = await import('node:http');
    const raw = await new Promise<Buffer>((resolve, reject) => {
      http
        .get(`${server.url}/`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
        })
        .on('error', reject);
    });
    expect(JSON.parse(gunzipSync(raw).toString('utf8'))).toEqual((await call('GET', '/')).json);
  });

  it('failRequests makes matching requests fail with a 500 after recording them', async () => {
    server.failRequests((r) => r.path === '/');
    expect((await call('GET', '/')).json).toMatchObject({ status: 500, error: { type: 'exception' } });
    server.failRequests(undefined);
    expect((await call('GET', '/')).status).toBe(200);
    expect(server.requestCount()).toBe(2);
  });
});

describe('the official client', () => {
  it('talks to the server with gzip compression: info, bulk, search with search_after', async () => {
    const client = new Client({ node: server.url, compression: 'gzip', suggestCompression: true });
    try {
      const info = await client.info();
      expect(info.body.version.number).toBe(OPENSEARCH_VERSION);
      await loadBulkFile(server.url, 'test/fixtures/opensearch/bulk.ndjson');
      const body = { query: { bool: { must: [{ match: { 'metricName.keyword': 'catalogd_cpu_usage_cores' } }] } }, sort: [{ timestamp: { order: 'desc' } }], size: 300 };
      const page1 = await client.search({ index: 'orion-integration-test-metrics*', body: body as never });
      const hits1 = page1.body.hits.hits;
      const page2 = await client.search({ index: 'orion-integration-test-metrics*', body: { ...body, search_after: hits1.at(-1)?.sort } as never });
      const all = [...hits1, ...page2.body.hits.hits];
      expect(all).toHaveLength(500);
      expect(new Set(all.map((h) => h._id)).size).toBe(500);
      const missing = await client.search({ index: 'nope', body: {} }).catch((err: { statusCode?: number }) => err.statusCode);
      expect(missing).toBe(404);
    } finally {
      await client.close();
    }
  });
});
