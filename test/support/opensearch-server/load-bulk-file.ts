import { readFile } from 'node:fs/promises';

/**
 * Loads an NDJSON `_bulk` file (action line, document line, …) into the OpenSearch server at `url` with
 * `refresh=true`, and fails loudly if any item was rejected. Returns the number of items indexed.
 *
 * @example
 * await loadBulkFile(server.url, 'test/fixtures/opensearch/bulk.ndjson');
 */
export async function loadBulkFile(url: string, path: string): Promise<number> {
  const body = await readFile(path, 'utf8');
  return loadBulk(url, body.endsWith('\n') ? body : body + '\n');
}

export async function loadBulk(url: string, ndjson: string): Promise<number> {
  const res = await fetch(`${url.replace(/\/$/, '')}/_bulk?refresh=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: ndjson,
  });
  const result = (await res.json()) as { errors?: boolean; items?: Record<string, { error?: unknown }>[] };
  if (!res.ok || result.errors || !result.items) {
    const firstError = result.items?.map((i) => Object.values(i)[0]?.error).find(Boolean);
    throw new Error(`bulk load into ${url} failed (HTTP ${res.status}): ${JSON.stringify(firstError ?? result)}`);
  }
  return result.items.length;
}
