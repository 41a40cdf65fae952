/**
 * The one HTTP helper of the integrations (Sippy, GitHub, Jira): a request with a deadline, its answer
 * read as JSON, and every failure — refused connection, timeout, non-2xx status, a body that is not JSON —
 * turned into an {@link IntegrationError} whose message fits on one warning line. The callers decide what
 * a failure costs; none of them may cost the analysis (docs/orion-differences.md).
 */
export interface HttpOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Sent as JSON (content-type application/json). */
  body?: unknown;
  /** Deadline of the whole exchange, in milliseconds. */
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body (undefined for an empty body). */
  json: unknown;
}

export class IntegrationError extends Error {
  constructor(
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status?: number,
    /** The answer's text (Jira says in it why it refused). */
    readonly text = '',
    readonly headers?: Headers,
  ) {
    super(message);
  }
}

/** Sends the request; throws IntegrationError unless the answer is 2xx with a JSON (or empty) body. */
export async function requestJson(url: string, options: HttpOptions): Promise<HttpAnswer> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    throw new IntegrationError(describeFailure(err, options.timeoutMs));
  }
  if (!res.ok) throw new IntegrationError(`HTTP ${res.status}`, res.status, text, res.headers);
  if (text.trim() === '') return { status: res.status, headers: res.headers, json: undefined };
  try {
    return { status: res.status, headers: res.headers, json: JSON.parse(text) as unknown };
  } catch {
    throw new IntegrationError(`HTTP ${res.status} with a body that is not JSON`, res.status, text, res.headers);
  }
}

function describeFailure(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/** A warning sink that says each integration's first failure only: one line, not one per request. */
export function warnOnce(warn: (message: string) => void): (message: string) => void {
  let said = false;
  return (message) => {
    if (said) return;
    said = true;
    warn(message);
  };
}

/** `base` without its trailing slashes, so `${base}/path` has one. */
export function trimBase(base: string): string {
  return base.replace(/\/+$/, '');
}
