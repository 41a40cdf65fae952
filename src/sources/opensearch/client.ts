/**
 * The official OpenSearch client configured as Orion configures opensearch-py: gzip request bodies,
 * `accept-encoding: gzip,deflate`, certificate verification off, 30 s timeout, 3 retries; basic-auth
 * credentials are taken from the URL's userinfo (`https://user:pass@host:9200`) and kept out of logs.
 * The report writer's `_bulk` goes through it; the analyses' `_search` through search-client.ts, which
 * sends the same requests without the client's start-up cost.
 */
import { Client } from '@opensearch-project/opensearch';
import { parseServerUrl, type ClientOptions } from './server-url.js';

export function createClient(url: string, options: ClientOptions = {}): Client {
  const { url: node, auth } = parseServerUrl(url);
  return new Client({
    node: node.toString(),
    auth,
    compression: 'gzip',
    suggestCompression: true,
    ssl: { rejectUnauthorized: false },
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 3,
  });
}
