/**
 * `POST /<index>/_search` over node:http(s), the one request an analysis sends, exactly as the official
 * client (client.ts) sends it when configured as Orion configures opensearch-py: the JSON body gzipped,
 * `accept-encoding: gzip,deflate`, certificate verification off, basic auth from the URL, a 30 s timeout
 * per attempt, and up to 3 retries on a connection error, a timeout or a 502/503/504 answer. Sockets are
 * kept alive between the requests of one analysis.
 *
 * Why not the official client: loading and building it cost an analysis over OpenSearch ~10 ms of its
 * start-up, for this single call (issue 14: a CI job is a short process run many times a day).
 *
 * Failures are what the client gave: an answer of status 400 or more is an `OpenSearchResponseError`
 * whose `meta.body` holds the parsed answer (source.ts reads its `error.type`/`reason`) and whose message
 * is the client's; a connection error keeps the socket's message; a timeout says "Request timed out".
 */
import http from 'node:http';
import { promisify } from 'node:util';
import { gzip, unzip } from 'node:zlib';
import { parseServerUrl, type ClientOptions } from './server-url.js';

const gzipAsync = promisify(gzip);
const unzipAsync = promisify(unzip);

export interface SearchClient {
  /** The parsed answer of `POST /<index>/_search` with `body`. */
  search(index: string, body: unknown): Promise<unknown>;
  close(): Promise<void>;
}

/** An answer of status 400 or more (the official client's ResponseError, same message). */
export class OpenSearchResponseError extends Error {
  readonly meta: { statusCode: number; body: unknown };

  constructor(statusCode: number, body: unknown) {
    const error = (body as { error?: { type?: unknown; root_cause?: unknown } } | null | undefined)?.error;
    let message = 'Response Error';
    if (error && typeof error === 'object' && error.type) {
      message = Array.isArray(error.root_cause)
        ? `${String(error.type)}: ${(error.root_cause as { type?: unknown; reason?: unknown }[]).map((e) => `[${String(e.type)}] Reason: ${String(e.reason)}`).join('; ')}`
        : String(error.type);
    }
    super(message);
    this.name = 'ResponseError';
    this.meta = { statusCode, body };
  }
}

/** A failure worth another attempt: the connection, a timeout, or a gateway's 502/503/504. */
class Retryable extends Error {
  constructor(
    message: string,
    readonly answer?: OpenSearchResponseError,
  ) {
    super(message);
  }
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function createSearchClient(serverUrl: string, options: ClientOptions = {}): SearchClient {
  const { url, auth } = parseServerUrl(serverUrl);
  const secure = url.protocol === 'https:';
  const agentOptions = { keepAlive: true, keepAliveMsecs: 1000, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo' as const };
  // node:https (and TLS with it) is loaded for an https URL only: a few ms of start-up an http one is spared.
  const transport: Promise<{ agent: http.Agent; request: typeof http.request }> = secure
    ? import('node:https').then((https) => ({ agent: new https.Agent({ ...agentOptions, rejectUnauthorized: false }), request: https.request }))
    : Promise.resolve({ agent: new http.Agent(agentOptions), request: http.request });
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const maxRetries = options.maxRetries ?? 3;
  const basePath = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  const headers: http.OutgoingHttpHeaders = {
    'user-agent': 'perfhound',
    'accept-encoding': 'gzip,deflate',
    'content-type': 'application/json',
    'content-encoding': 'gzip',
  };
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;

  async function attempt(path: string, body: Buffer): Promise<Answer> {
    const { agent, request: send } = await transport;
    return new Promise((resolve, reject) => {
      const request = send(
        { protocol: url.protocol, hostname: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, path, method: 'POST', agent, headers: { ...headers, 'content-length': body.length } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (err) => reject(new Retryable(err.message)));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        },
      );
      request.setTimeout(timeoutMs, () => {
        request.destroy();
        reject(new Retryable('Request timed out'));
      });
      request.on('error', (err) => reject(new Retryable(err.message)));
      request.end(body);
    });
  }

  async function parse(answer: Answer): Promise<unknown> {
    const encoding = String(answer.headers['content-encoding'] ?? '').toLowerCase();
    const raw = encoding.includes('gzip') || encoding.includes('deflate') ? await unzipAsync(answer.body) : answer.body;
    const text = raw.toString('utf8');
    const type = String(answer.headers['content-type'] ?? '');
    return text !== '' && (type.includes('application/json') || type.includes('application/vnd.opensearch+json')) ? JSON.parse(text) : text;
  }

  return {
    async search(index, body) {
      const path = `${basePath}/${encodeURIComponent(index)}/_search`;
      const payload = await gzipAsync(JSON.stringify(body));
      for (let attempts = 0; ; attempts++) {
        try {
          const answer = await attempt(path, payload);
          if (answer.status === 502 || answer.status === 503 || answer.status === 504) {
            throw new Retryable('gateway', new OpenSearchResponseError(answer.status, await parse(answer)));
          }
          const parsed = await parse(answer);
          if (answer.status >= 400) throw new OpenSearchResponseError(answer.status, parsed);
          return parsed;
        } catch (err) {
          if (!(err instanceof Retryable)) throw err;
          if (attempts < maxRetries) continue;
          throw err.answer ?? new Error(err.message);
        }
      }
    },
    async close() {
      (await transport).agent.destroy();
    },
  };
}
