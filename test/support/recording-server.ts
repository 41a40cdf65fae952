/**
 * A loopback HTTP server standing in for Sippy, GitHub or Jira in tests: it answers from a handler and
 * records every request (method, path, query, headers, JSON body), so tests assert exactly what was sent.
 * `mode` makes it misbehave: `500` answers every request with an error, `hang` never answers.
 *
 * @example
 * const server = await startRecordingServer((req) => ({ status: 200, json: [] }));
 * await fetch(`${server.url}/api/x?y=1`); // server.requests[0].path === '/api/x'
 */
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  /** The raw query string (after `?`, '' without one). */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Answer {
  status?: number;
  json?: unknown;
  headers?: Record<string, string>;
}

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  mode: 'ok' | '500' | 'hang';
  close(): Promise<void>;
}

export async function startRecordingServer(handler: (req: RecordedRequest) => Answer): Promise<RecordingServer> {
  const hanging: ServerResponse[] = [];
  const state: RecordingServer = { url: '', requests: [], mode: 'ok', close: async () => undefined };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        rawQuery: url.search.slice(1),
        query: url.searchParams,
        headers: req.headers,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      state.requests.push(recorded);
      if (state.mode === 'hang') {
        hanging.push(res);
        return;
      }
      if (state.mode === '500') {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
        return;
      }
      const answer = handler(recorded);
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers }).end(answer.json === undefined ? '' : JSON.stringify(answer.json));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    server.close();
    await once(server, 'close').catch(() => undefined);
  };
  return state;
}

/** A loopback URL where nothing listens (a port just released). */
export async function downUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}`;
}
