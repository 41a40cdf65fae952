import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { UserError } from '../util/errors.js';

/** Spool folders are `perfhound-body-<pid>-XXXXXX` in the temp folder: the pid says whose they are. */
const PREFIX = 'perfhound-body-';

/**
 * The bytes all uploads of one daemon hold on disk at once: each upload reserves what it writes, and one
 * that would take the total past the limit is refused (413) instead of filling the disk.
 */
export class SpoolBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** Takes `bytes`, or throws the 413 when they are not free. */
  take(bytes: number): void {
    if (this.used + bytes > this.limit) {
      throw new UserError(`the daemon's upload space (${this.limit} bytes for all uploads in flight) is full; retry later`, { field: 'body' }, 413);
    }
    this.used += bytes;
  }

  give(bytes: number): void {
    this.used -= bytes;
  }
}

/**
 * Writes a request body to a temporary file, never holding more than a chunk in memory, refusing it (413)
 * past `limit` bytes or past what `budget` has left; runs `fn` on the file and its size, and removes it
 * afterwards. The ingest readers take a path (bulk reads twice), and a slow upload then never holds a
 * database transaction open.
 */
export async function withSpooledBody<T>(body: Readable, limit: number, budget: SpoolBudget, fn: (path: string, size: number) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-`));
  let taken = 0;
  try {
    const path = join(dir, 'body');
    const size = await spool(body, path, limit, (bytes) => {
      budget.take(bytes);
      taken += bytes;
    });
    return await fn(path, size);
  } finally {
    await rm(dir, { recursive: true, force: true });
    budget.give(taken);
  }
}

/**
 * Removes the spool folders a daemon that died (crash, kill -9) left behind: those whose pid is not a
 * running process, and folders of the older pid-less naming not touched for `staleAfterMs`. Folders of
 * running daemons (several may share the temp folder) are kept. Returns how many were removed.
 */
export async function removeStaleSpools(staleAfterMs: number): Promise<number> {
  const dir = tmpdir();
  let entries: string[];
  try {
    entries = (await readdir(dir)).filter((name) => name.startsWith(PREFIX));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of entries) {
    const pid = /^(\d+)-/.exec(name.slice(PREFIX.length))?.[1];
    const path = join(dir, name);
    const stale = pid !== undefined ? !alive(Number(pid)) : await olderThan(path, staleAfterMs);
    if (!stale) continue;
    await rm(path, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > ms;
}

/**
 * On overflow the rest of the body is read and dropped rather than the request destroyed: destroying it
 * would close the socket before the client could read the 413.
 */
function spool(body: Readable, path: string, limit: number, take: (bytes: number) => void): Promise<number> {
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
      if (failed) return;
      seen += chunk.length;
      if (seen > limit) return fail(new UserError(`the body is larger than the limit of ${limit} bytes`, { field: 'body' }, 413));
      try {
        take(chunk.length);
      } catch (err) {
        fail(err as Error);
      }
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
