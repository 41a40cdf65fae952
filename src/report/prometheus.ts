/**
 * A Prometheus / Thanos Querier client for `query_range`: bearer token, extra headers, CA file or
 * insecure TLS, a per-request timeout (also sent as Prometheus' own `timeout`), and retries with
 * exponential backoff on 5xx, timeouts and connection errors (never on a 4xx: a bad query stays bad).
 * Connections are kept alive and bounded by the caller's concurrency.
 *
 * @example
 * const prom = new PrometheusClient({ url: 'http://127.0.0.1:9090', timeoutMs: 30_000 });
 * const series = await prom.queryRange('sum(up) by (job)', 1700000000, 1700003600, 10);
 * // [{ metric: { job: 'node' }, values: [[1700000000, 1], …] }]   values parsed: NaN/±Inf kept as numbers
 */
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { readFileSync } from 'node:fs';
import { UserError, errorMessage } from '../util/errors.js';
import { redactUrl } from '../util/redact.js';

export interface PrometheusOptions {
  url: string;
  /** Bearer token (from `--prometheus-token-file`). */
  token?: string;
  headers?: Record<string, string>;
  /** PEM file of the CA that signed the server's certificate. */
  caFile?: string;
  /** Skip TLS certificate verification. */
  insecure?: boolean;
  /** Per request (ms); default 30 s. */
  timeoutMs?: number;
  /** Retries after a 5xx, timeout or connection error; default 2. */
  retries?: number;
  /** First backoff (ms), doubled on each retry; default 250. */
  backoffMs?: number;
  /** Sockets kept open; default 16. */
  maxSockets?: number;
}

export interface Series {
  metric: Record<string, string>;
  /** [unix seconds, value] with the value parsed ("NaN" → NaN, "+Inf" → Infinity). */
  values: Array<[number, number]>;
}

/** A query that failed: `retryable` for 5xx, timeouts and connection errors. */
export class PrometheusError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'PrometheusError';
  }
}

export class PrometheusClient {
  private readonly base: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private requests = 0;

  constructor(options: PrometheusOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new UserError(`not a URL: ${redactUrl(options.url)}`, { field: '--prometheus' });
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new UserError(`must be http:// or https://, got ${base.protocol}`, { field: '--prometheus' });
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.base = base;
    const maxSockets = options.maxSockets ?? 16;
    if (base.protocol === 'https:') {
      let ca: Buffer | undefined;
      if (options.caFile) {
        try {
          ca = readFileSync(options.caFile);
        } catch (err) {
          throw new UserError(`cannot read the CA file: ${errorMessage(err).replace(/^[A-Z]+: /, '')}`, { field: '--prometheus-ca-file' });
        }
      }
      this.agent = new HttpsAgent({ keepAlive: true, maxSockets, ca, rejectUnauthorized: !options.insecure });
    } else {
      this.agent = new HttpAgent({ keepAlive: true, maxSockets });
    }
    this.headers = { accept: 'application/json', ...(options.headers ?? {}) };
    if (options.token) this.headers.authorization = `Bearer ${options.token}`;
    if (base.username) {
      this.headers.authorization ??= `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
      base.username = '';
      base.password = '';
    }
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = options.retries ?? 2;
    this.backoffMs = options.backoffMs ?? 250;
  }

  /** HTTP requests sent so far (retries included). */
  requestCount(): number {
    return this.requests;
  }

  close(): void {
    this.agent.destroy();
  }

  /** `GET /api/v1/query_range`; throws PrometheusError once retries are spent. */
  async queryRange(query: string, startS: number, endS: number, stepS: number): Promise<Series[]> {
    const params = new URLSearchParams({ query, start: String(startS), end: String(endS), step: String(stepS), timeout: `${Math.max(1, Math.floor(this.timeoutMs / 1000))}s` });
    const url = new URL(`api/v1/query_range?${params}`, this.base);
    for (let attempt = 0; ; attempt++) {
      try {
        return parseMatrix(await this.get(url));
      } catch (err) {
        const retryable = err instanceof PrometheusError && err.retryable;
        if (!retryable || attempt >= this.retries) throw err instanceof PrometheusError ? err : new PrometheusError(errorMessage(err), false);
        await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** attempt));
      }
    }
  }

  private get(url: URL): Promise<unknown> {
    this.requests++;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method: 'GET', agent: this.agent, headers: this.headers }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new PrometheusError(`reading the answer failed: ${errorMessage(err)}`, true)));
        res.on('end', () => {
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          if (status >= 200 && status < 300 && body !== undefined) return resolve(body);
          const detail = apiError(body) ?? (text.trim().slice(0, 200) || res.statusMessage || 'no body');
          reject(new PrometheusError(`HTTP ${status}: ${detail}`, status >= 500 || status === 429 || (status >= 200 && status < 300)));
        });
      });
      const timer = setTimeout(() => req.destroy(new PrometheusError(`no answer within ${this.timeoutMs / 1000} s`, true)), this.timeoutMs);
      req.on('error', (err) => {
        clearTimeout(timer);
        reject(err instanceof PrometheusError ? err : new PrometheusError(connectionMessage(err, this.base), true));
      });
      req.end();
    });
  }
}

function connectionMessage(err: unknown, base: URL): string {
  const code = (err as NodeJS.ErrnoException).code;
  const where = redactUrl(base.origin);
  if (code === 'ECONNREFUSED') return `cannot connect to ${where} (connection refused)`;
  return `request to ${where} failed: ${errorMessage(err)}`;
}

function apiError(body: unknown): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as { status?: unknown; errorType?: unknown; error?: unknown };
  if (b.status !== 'error') return undefined;
  return `${String(b.errorType ?? 'error')}: ${String(b.error ?? '')}`;
}

/** The matrix of a query_range answer, values parsed. */
export function parseMatrix(body: unknown): Series[] {
  const b = body as { status?: string; data?: { resultType?: string; result?: unknown } };
  if (b?.status !== 'success') throw new PrometheusError(apiError(body) ?? 'the answer is not a Prometheus API response', false);
  if (b.data?.resultType !== 'matrix' || !Array.isArray(b.data.result)) throw new PrometheusError(`expected a matrix, got ${String(b.data?.resultType)}`, false);
  return (b.data.result as Array<{ metric?: Record<string, string>; values?: Array<[number, string]> }>).map((s) => ({
    metric: s.metric ?? {},
    values: (s.values ?? []).map(([t, v]) => [Number(t), parseSampleValue(v)] as [number, number]),
  }));
}

/** Prometheus writes sample values as strings: numbers, "NaN", "+Inf", "-Inf". */
export function parseSampleValue(v: string): number {
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}
