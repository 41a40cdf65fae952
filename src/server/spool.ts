import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UserError } from '../util/errors.js';

/**
 * Writes a request body to a temporary file, never holding more than a chunk in memory, refusing it (413)
 * past `limit` bytes; runs `fn` on the file and removes it afterwards. The ingest readers take a path
 * (bulk reads twice), and a slow upload then never holds a database transaction open.
 */
export async function withSpooledBody<T>(body: Readable, limit: number, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'perfhound-body-'));
  try {
    const path = join(dir, 'body');
    let seen = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        if (seen > limit) callback(new UserError(`the body is larger than the limit of ${limit} bytes`, { field: 'body' }, 413));
        else callback(null, chunk);
      },
    });
    await pipeline(body, limiter, createWriteStream(path));
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
