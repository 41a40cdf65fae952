/**
 * A folder into a `.tar.gz`: a minimal POSIX ustar writer (regular files and folders) streamed through
 * node:zlib. Written here because no tar package is installed and the runner needs only this much —
 * no links, devices, sparse files or long-name extensions; a path too long for ustar's 255 bytes is refused.
 *
 * ```ts
 * await tarGzFolder('out/PCG_1/30SEC_1PUB_1SUB', 'out/PCG_1/30SEC_1PUB_1SUB.tar.gz');
 * ```
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** The 512-byte ustar header of one entry. */
export function ustarHeader(path: string, size: number, mtimeMs: number, folder: boolean): Buffer {
  const header = Buffer.alloc(BLOCK);
  let name = path;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    // ustar splits a long path at a slash: prefix (155 bytes) / name (100 bytes).
    const cut = path.lastIndexOf('/', path.length - 1 - (folder ? 1 : 0));
    for (let at = cut; at > 0; at = path.lastIndexOf('/', at - 1)) {
      if (Buffer.byteLength(path.slice(at + 1)) <= 100 && Buffer.byteLength(path.slice(0, at)) <= 155) {
        prefix = path.slice(0, at);
        name = path.slice(at + 1);
        break;
      }
    }
    if (!prefix) throw new Error(`path too long for a tar archive: ${path}`);
  }
  header.write(name, 0, 100, 'utf8');
  header.write(octal(folder ? 0o755 : 0o644, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii');
  header.write(octal(0, 8), 116, 'ascii');
  header.write(octal(folder ? 0 : size, 12), 124, 'ascii');
  header.write(octal(Math.floor(mtimeMs / 1000), 12), 136, 'ascii');
  header.write('        ', 148, 'ascii'); // the checksum counts its own field as spaces
  header.write(folder ? '5' : '0', 156, 'ascii');
  header.write('ustar\u000000', 257, 'ascii');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(octal(sum, 7) + ' ', 148, 'ascii');
  return header;
}

async function* entries(root: string, relative: string, top: string): AsyncGenerator<Buffer> {
  const names = (await readdir(join(root, relative), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of names) {
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    const full = join(root, rel);
    const info = await stat(full);
    if (entry.isDirectory()) {
      yield ustarHeader(`${top}/${rel}/`, 0, info.mtimeMs, true);
      yield* entries(root, rel, top);
    } else if (entry.isFile()) {
      yield ustarHeader(`${top}/${rel}`, info.size, info.mtimeMs, false);
      let written = 0;
      for await (const chunk of createReadStream(full)) {
        // A file that grows while it is read must not break the archive's framing.
        const part = (chunk as Buffer).subarray(0, Math.max(0, info.size - written));
        written += part.length;
        yield part;
      }
      if (written < info.size) yield Buffer.alloc(info.size - written);
      if (info.size % BLOCK) yield Buffer.alloc(BLOCK - (info.size % BLOCK));
    }
  }
}

/**
 * `folder` as `target` (a `.tar.gz` whose entries start with the folder's name), written to a temporary
 * file and renamed, so a half-written archive never carries the final name.
 */
export async function tarGzFolder(folder: string, target: string): Promise<void> {
  const top = basename(folder);
  const info = await stat(folder);
  async function* archive(): AsyncGenerator<Buffer> {
    yield ustarHeader(`${top}/`, 0, info.mtimeMs, true);
    yield* entries(folder, '', top);
    yield Buffer.alloc(BLOCK * 2);
  }
  const temp = `${target}.${process.pid}.tmp`;
  await pipeline(archive(), createGzip({ level: 6 }), createWriteStream(temp));
  await rename(temp, target);
}
