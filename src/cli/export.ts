import { createWriteStream } from 'node:fs';
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
      .option('-o, --out <file>', 'write to FILE instead of stdout'),
  ).action(async (runId: string, flags: { db?: string; out?: string }) => {
    if (!flags.out && process.stdout.isTTY) throw new UserError('refusing to write a binary stream to a terminal; use -o FILE or a pipe', { field: '--out' });
    await withStore(flags.db, async (store) => {
      await pipeline(Readable.from(exportRunAsSubunit(store, runId)), flags.out ? createWriteStream(flags.out) : process.stdout);
    });
  });
}
