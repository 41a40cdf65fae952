import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { UserError } from '../util/errors.js';

/**
 * Writes a request body to a temporary file, never holding more than a chunk in memory, refusing it (413)
 * past `limit` bytes; runs `fn` on the file and its size, and removes it afterwards. The ingest readers
 * take a path (bulk reads twice), and a slow upload then never holds a database transaction open.
 */
export async function withSpooledBody<T>(body: Readable, limit: number, fn: (path: string, size: number) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'perfhound-body-'));
  try {
    const path = join(dir, 'body');
    const size = await spool(body, path, limit);
    return await fn(path, size);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * On overflow the rest of the body is read and dropped rather than the request destroyed: destroying it
 * would close the socket before the client could read the 413.
 */
function spool(body: Readable, path: string, limit: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const file = createWriteStream(path);
    let seen = 0;
    let ended = false;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      body.unpipe(file);
      body.resume();
      file.destroy();
      reject(err);
    };
    body.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > limit) fail(new UserError(`the body is larger than the limit of ${limit} bytes`, { field: 'body' }, 413));
    });
    body.on('end', () => (ended = true));
    body.on('error', () => fail(new UserError('the upload was interrupted', { field: 'body' })));
    body.on('close', () => {
      if (!ended) fail(new UserError('the upload was interrupted', { field: 'body' }));
    });
    file.on('error', fail);
    file.on('finish', () => {
      if (!failed) resolve(seen);
    });
    body.pipe(file);
  });
}
