/**
 * search-client.ts against the official client it replaces for `_search` (client.ts, configured alike):
 * over a local HTTP server scripted per case, both must send the same request (method, path, headers that
 * matter, the body once un-gzipped), make the same number of attempts, and give the same answer or fail
 * the same way (message, status, parsed body).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from './client.js';
import { createSearchClient } from './search-client.js';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  body: unknown;
}

type Reply = (res: ServerResponse) => void;

let server: Server;
let base = '';
let script: Reply[] = [];
let seen: Seen[] = [];

const json = (status: number, body: unknown, gzipped = false): Reply => (res) => {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...(gzipped ? { 'content-encoding': 'gzip' } : {}) });
  res.end(gzipped ? gzipSync(text) : text);
};
const plain = (status: number, text: string): Reply => (res) => {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(text);
};
/** Never answers (the request times out). */
const silent: Reply = () => undefined;

function handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const pick = ['content-type', 'content-encoding', 'accept-encoding', 'authorization'] as const;
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: Object.fromEntries(pick.map((h) => [h, req.headers[h] as string | undefined])), body: JSON.parse(body.toString('utf8')) });
      (script.shift() ?? json(200, { hits: { hits: [] } }))(res);
    });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** What a search gives: the answer, or the failure's name-free essentials. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { answer: await run() };
  } catch (err) {
    const e = err as Error & { meta?: { statusCode?: number; body?: unknown } };
    // The official client's connection errors carry a status and body of null: no answer, as undefined.
    return { message: e.message, status: e.meta?.statusCode ?? undefined, body: e.meta?.body ?? undefined };
  }
}

/** Runs one search with each client under the same script; returns both sides' requests and outcomes. */
async function both(url: string, replies: Reply[], options: { requestTimeoutMs?: number; maxRetries?: number } = {}) {
  const index = 'perf-scale*,other';
  const body = { size: 2, query: { bool: { filter: [{ term: { 'uuid.keyword': 'ü-1' } }] } } };
  const sides = [];
  for (const kind of ['official', 'mine'] as const) {
    script = [...replies];
    seen = [];
    let result: unknown;
    if (kind === 'official') {
      const client = createClient(url, options);
      result = await outcome(async () => (await client.search({ index, body: body as never })).body);
      await client.close();
    } else {
      const client = createSearchClient(url, options);
      result = await outcome(() => client.search(index, body));
      await client.close();
    }
    sides.push({ requests: seen, result });
  }
  return sides;
}

describe('the search client sends and reads as the official client did', () => {
  const cases: [string, Reply[]][] = [
    ['a JSON answer', [json(200, { hits: { hits: [{ _source: { a: 1 } }] } })]],
    ['a gzipped answer', [json(200, { hits: { total: 3 } }, true)]],
    ['an error with root causes', [json(400, { error: { type: 'search_phase_execution_exception', reason: 'all shards failed', root_cause: [{ type: 'query_shard_exception', reason: 'bad field' }] }, status: 400 })]],
    ['an error with a type alone', [json(500, { error: { type: 'exception', reason: 'boom' } })]],
    ['an error that is text', [plain(404, 'no such index')]],
    ['a 503, then an answer', [json(503, { error: { type: 'unavailable' } }), json(200, { hits: { hits: [] } })]],
    ['502/503/504 until the retries run out', [json(502, {}), json(503, {}), json(504, {}), json(503, { error: { type: 'unavailable' } })]],
    ['a 429 is not retried', [json(429, { error: { type: 'too_many_requests' } }), json(200, {})]],
  ];
  for (const [name, replies] of cases) {
    it(name, async () => {
      const [official, mine] = await both(base, replies);
      expect(mine).toEqual(official);
    });
  }

  it('a URL with a path prefix and credentials', async () => {
    const [official, mine] = await both(base.replace('//', '//perf:s%3Acret@') + '/os/', []);
    expect(mine!.requests[0]!.url).toBe('/os/perf-scale*%2Cother/_search');
    expect(mine!.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('perf:s:cret').toString('base64')}`);
    expect(mine).toEqual(official);
  });

  it('a timeout, retried', async () => {
    const [official, mine] = await both(base, [silent, silent], { requestTimeoutMs: 200, maxRetries: 1 });
    expect(mine!.requests).toHaveLength(2);
    expect(mine).toEqual(official);
  });

  it('a refused connection, retried', async () => {
    const refused = await new Promise<string>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(`http://127.0.0.1:${port}`));
      });
    });
    const [official, mine] = await both(refused, [], { maxRetries: 2 });
    expect(mine!.result).toMatchObject({ message: expect.stringMatching(/ECONNREFUSED/) });
    expect(mine).toEqual(official);
  });

  it('https with a self-signed certificate (verification off, as Orion)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    const tls = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, handle);
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    try {
      const [official, mine] = await both(`https://127.0.0.1:${(tls.address() as AddressInfo).port}`, [json(200, { hits: { hits: [{ _id: 'x' }] } })]);
      expect(mine!.result).toEqual({ answer: { hits: { hits: [{ _id: 'x' }] } } });
      expect(mine).toEqual(official);
    } finally {
      tls.closeAllConnections();
      await new Promise((resolve) => tls.close(resolve));
    }
  });
});
