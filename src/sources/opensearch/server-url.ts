/**
 * An OpenSearch URL as the source and the report writer read it: http(s) only, basic-auth credentials
 * taken from the userinfo (`https://user:pass@host:9200`) and kept out of the URL used afterwards (and so
 * out of logs). Its own module: the search client (search-client.ts) must not load the official one.
 */
import { UserError } from '../../util/errors.js';
import { redactUrl } from '../../util/redact.js';

export interface ClientOptions {
  /** Request timeout in ms (Orion: 30 s). */
  requestTimeoutMs?: number;
  /** Retries on connection errors, timeouts and 502/503/504 answers (Orion: 3). */
  maxRetries?: number;
}

export interface ServerUrl {
  /** The URL without credentials. */
  url: URL;
  auth?: { username: string; password: string };
}

export function parseServerUrl(text: string): ServerUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`not a valid OpenSearch URL: ${redactUrl(text)}`, { field: 'es-server' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserError(`OpenSearch URL must be http:// or https://, got ${url.protocol}`, { field: 'es-server' });
  }
  const auth = url.username ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined;
  url.username = '';
  url.password = '';
  return { url, auth };
}
