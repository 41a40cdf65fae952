import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { exportRunAsSubunit } from '../test-analytics/export.js';
import { UserError } from '../util/errors.js';
import { addDbOption, withStore } from './common.js';

/** `perfhound export subunit RUN_ID [-o FILE]`: sql2subunit. */
export function registerExport(program: Command): void {
  const exp = program.command('export').description('write stored data back in an interchange format');
  addDbOption(
    exp
      .command('subunit')
      .description('a stored run as a subunit v2 stream (like sql2subunit, attachments included)')
      .argument('<run-id>', 'the run\'s public id')
      .option('-o, --out <file>', 'write to FILE instead of stdout (all of the stream or, on an error, nothing)'),
  ).action(async (runId: string, flags: { db?: string; out?: string }) => {
    if (!flags.out && process.stdout.isTTY) throw new UserError('refusing to write a binary stream to a terminal; use -o FILE or a pipe', { field: '--out' });
    await withStore(flags.db, async (store) => {
      const stream = () => Readable.from(exportRunAsSubunit(store, runId));
      if (flags.out) await writeWhole(flags.out, stream);
      else await pipeline(stream(), process.stdout);
    });
  });
}

/**
 * Writes a file whole or not at all: into a temporary file beside it, renamed over it at the end. An
 * export that fails half-way leaves neither a truncated file nor an emptied earlier one.
 */
async function writeWhole(path: string, stream: () => Readable): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.partial`);
  try {
    await pipeline(stream(), createWriteStream(temporary, { flags: 'wx' }));
    await rename(temporary, path);
  } catch (err) {
    await rm(temporary, { force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof UserError || code === undefined) throw err;
    throw new UserError(`cannot write the file (${code})`, { file: path, field: '--out' });
  }
}
