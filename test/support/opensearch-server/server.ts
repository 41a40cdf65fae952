/**
 * The OpenSearch test server: a real HTTP server on 127.0.0.1 (random port) speaking the subset of the
 * OpenSearch REST API that perfhound and Orion use (reference/orion.md §2.6). It is the one sanctioned
 * stand-in for a real cluster in tests and benchmarks.
 *
 * @example
 * const os = await startOpenSearchTestServer();
 * await loadBulkFile(os.url, 'test/fixtures/opensearch/bulk.ndjson');
 * const res = await fetch(`${os.url}/orion-*\/_search`, { method: 'POST', body: '{"size":0}' });
 * os.requests().length; // every request, with its decoded body
 * await os.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync, inflateSync } from 'node:zlib';
import { Cluster } from './cluster.js';
import { OpenSearchError } from './errors.js';
import { search } from './search.js';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, percent-decoded (`/orion-*,other/_search`). */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** The body after gunzip, as text ('' when none). */
  bodyText: string;
  /** The body parsed as JSON when it is one JSON value (NDJSON bodies stay undefined). */
  body?: unknown;
}

export interface OpenSearchTestServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
  /** Every request received since start or the last `reset()`, oldest first. */
  requests(): RecordedRequest[];
  /** Number of requests received since start or the last `reset()` (optionally only those matching). */
  requestCount(filter?: (r: RecordedRequest) => boolean): number;
  /** Forgets the recorded requests (the indices and documents stay). */
  reset(): void;
  /** Deletes every index. */
  clear(): void;
  /**
   * Makes matching requests fail with a 500 `exception` (after recording them), to exercise clients'
   * fallbacks; `undefined` stops failing.
   */
  failRequests(predicate: ((r: RecordedRequest) => boolean) | undefined): void;
  /** Direct access to the data, for assertions that should not go through HTTP. */
  readonly cluster: Cluster;
}

export const OPENSEARCH_VERSION = '2.18.0';

export interface OpenSearchTestServerOptions {
  /**
   * Keep each request's body in `requests()` (default true). Benchmarks that load large bulk files and only
   * count requests can turn it off (or call `reset()` after loading) to keep memory figures honest.
   */
  recordBodies?: boolean;
}

export async function startOpenSearchTestServer(options: OpenSearchTestServerOptions = {}): Promise<OpenSearchTestServer> {
  const recordBodies = options.recordBodies ?? true;
  const cluster = new Cluster();
  let recorded: RecordedRequest[] = [];
  let failing: ((r: RecordedRequest) => boolean) | undefined;
  const server = createServer((req, res) => {
    void handle(cluster, req, res, (r) => {
      recorded.push(recordBodies ? r : { ...r, bodyText: '', body: undefined });
      if (failing?.(r)) throw new OpenSearchError(500, 'exception', 'injected failure (test server failRequests)');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cluster,
    requests: () => [...recorded],
    requestCount: (filter) => (filter ? recorded.filter(filter).length : recorded.length),
    reset: () => {
      recorded = [];
    },
    clear: () => cluster.indices.clear(),
    failRequests: (predicate) => {
      failing = predicate;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

async function handle(cluster: Cluster, req: IncomingMessage, res: ServerResponse, record: (r: RecordedRequest) => void): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = decodeURIComponent(url.pathname);
  const method = req.method ?? 'GET';
  let status = 200;
  let payload: unknown;
  try {
    const bodyText = decodeBody(await readAll(req), req.headers['content-encoding']);
    let body: unknown;
    if (bodyText.trim()) {
      try {
        body = JSON.parse(bodyText);
      } catch {
        body = undefined;
      }
    }
    record({
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      headers: {
        'content-type': req.headers['content-type'],
        'content-encoding': req.headers['content-encoding'],
        'accept-encoding': req.headers['accept-encoding'],
        authorization: req.headers.authorization,
      },
      bodyText,
      body,
    });
    [status, payload] = route(cluster, method, path, url.searchParams, bodyText, body);
  } catch (err) {
    const error = err instanceof OpenSearchError ? err : new OpenSearchError(500, 'exception', (err as Error).message);
    status = error.status;
    payload = error.toBody();
  }
  send(req, res, status, method === 'HEAD' ? undefined : payload);
}

type Reply = [number, unknown];

function route(cluster: Cluster, method: string, path: string, params: URLSearchParams, text: string, body: unknown): Reply {
  const parts = path.split('/').filter(Boolean);
  const json = (): Record<string, unknown> => {
    if (!text.trim()) return {};
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new OpenSearchError(400, 'parsing_exception', 'request body is required to be a JSON object');
    }
    return body as Record<string, unknown>;
  };
  if (parts.length === 0) {
    if (method === 'GET' || method === 'HEAD') return [200, clusterInfo()];
  } else if (parts[0] === '_bulk' && parts.length === 1 && (method === 'POST' || method === 'PUT')) {
    return [200, cluster.bulk(text)];
  } else if (parts[0] === '_cat' && parts[1] === 'indices' && method === 'GET') {
    return [200, catIndices(cluster, parts[2] ?? '*', params)];
  } else if (parts[0] === '_search' && parts.length === 1 && (method === 'GET' || method === 'POST')) {
    return [200, search(cluster.resolve('_all'), json(), params)];
  } else if (parts.length === 2 && parts[1] === '_search' && (method === 'GET' || method === 'POST')) {
    return [200, search(cluster.resolve(parts[0]), json(), params)];
  } else if (parts.length === 2 && parts[1] === '_bulk' && (method === 'POST' || method === 'PUT')) {
    return [200, cluster.bulk(text, parts[0])];
  } else if (parts.length === 2 && parts[1] === '_refresh' && (method === 'POST' || method === 'GET')) {
    const n = cluster.resolve(parts[0]).length;
    return [200, { _shards: { total: n, successful: n, failed: 0 } }];
  } else if (parts.length === 2 && parts[1] === '_mapping' && method === 'GET') {
    return [200, mappings(cluster, parts[0])];
  } else if (parts.length === 1 && !parts[0].startsWith('_')) {
    if (method === 'HEAD') return [cluster.resolve(parts[0], true).length ? 200 : 404, undefined];
    if (method === 'PUT') {
      cluster.create(parts[0], json());
      return [200, { acknowledged: true, shards_acknowledged: true, index: parts[0] }];
    }
    if (method === 'DELETE') {
      cluster.delete(parts[0]);
      return [200, { acknowledged: true }];
    }
  }
  throw new OpenSearchError(
    400,
    'illegal_argument_exception',
    `no handler found for uri [${path}] and method [${method}] (the test server implements reference/orion.md §2.6)`,
  );
}

function clusterInfo(): Record<string, unknown> {
  return {
    name: 'perfhound-test-node',
    cluster_name: 'perfhound-test',
    cluster_uuid: 'perfhound-test-cluster-uuid',
    version: {
      distribution: 'opensearch',
      number: OPENSEARCH_VERSION,
      build_type: 'tar',
      build_hash: 'test',
      build_date: '2024-11-01T00:00:00.000000Z',
      build_snapshot: false,
      lucene_version: '9.12.0',
      minimum_wire_compatibility_version: '7.10.0',
      minimum_index_compatibility_version: '7.0.0',
    },
    tagline: 'The OpenSearch Project: https://opensearch.org/',
  };
}

function catIndices(cluster: Cluster, pattern: string, params: URLSearchParams): unknown {
  const rows = cluster.resolve(pattern, true).map((index) => ({
    health: 'green',
    status: 'open',
    index: index.name,
    uuid: index.uuid,
    pri: '1',
    rep: '0',
    'docs.count': String(index.docs.size),
    'docs.deleted': '0',
    'store.size': '0b',
    'pri.store.size': '0b',
  }));
  if (params.get('format') === 'json') return rows;
  return rows.map((r) => Object.values(r).join(' ')).join('\n') + (rows.length ? '\n' : '');
}

function mappings(cluster: Cluster, pattern: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const index of cluster.resolve(pattern)) {
    const properties: Record<string, unknown> = {};
    for (const [path, m] of index.mapping) {
      properties[path] = m.keywordSubfield
        ? { type: m.type, fields: { keyword: { type: 'keyword', ignore_above: 256 } } }
        : { type: m.type };
    }
    out[index.name] = { mappings: { properties } };
  }
  return out;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decodeBody(raw: Buffer, encoding: string | undefined): string {
  if (!raw.length) return '';
  try {
    if (encoding === 'gzip') return gunzipSync(raw).toString('utf8');
    if (encoding === 'deflate') return inflateSync(raw).toString('utf8');
  } catch (err) {
    throw new OpenSearchError(400, 'illegal_argument_exception', `cannot decode ${encoding} request body: ${(err as Error).message}`);
  }
  if (encoding && encoding !== 'identity') {
    throw new OpenSearchError(400, 'illegal_argument_exception', `unsupported content-encoding [${encoding}]`);
  }
  return raw.toString('utf8');
}

function send(req: IncomingMessage, res: ServerResponse, status: number, payload: unknown): void {
  const isText = typeof payload === 'string';
  let data: Buffer = Buffer.from(payload === undefined ? '' : isText ? payload : JSON.stringify(payload));
  const headers: Record<string, string> = {
    'content-type': isText ? 'text/plain; charset=UTF-8' : 'application/json; charset=UTF-8',
  };
  if (data.length && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    data = gzipSync(data);
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(data.length);
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : data);
}
