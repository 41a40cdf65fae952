/**
 * The official OpenSearch client configured as Orion configures opensearch-py: gzip request bodies,
 * `accept-encoding: gzip,deflate`, certificate verification off, 30 s timeout, 3 retries; basic-auth
 * credentials are taken from the URL's userinfo (`https://user:pass@host:9200`) and kept out of logs.
 */
import { Client } from '@opensearch-project/opensearch';
import { UserError } from '../../util/errors.js';
import { redactUrl } from '../../util/redact.js';

export interface ClientOptions {
  /** Request timeout in ms (Orion: 30 s). */
  requestTimeoutMs?: number;
  /** Retries on connection errors and timeouts (Orion: 3). */
  maxRetries?: number;
}

export function createClient(url: string, options: ClientOptions = {}): Client {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`not a valid OpenSearch URL: ${redactUrl(url)}`, { field: 'es-server' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UserError(`OpenSearch URL must be http:// or https://, got ${parsed.protocol}`, { field: 'es-server' });
  }
  const auth = parsed.username
    ? { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
    : undefined;
  parsed.username = '';
  parsed.password = '';
  return new Client({
    node: parsed.toString(),
    auth,
    compression: 'gzip',
    suggestCompression: true,
    ssl: { rejectUnauthorized: false },
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 3,
  });
}
