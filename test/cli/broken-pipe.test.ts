import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';

const BIN = resolve('bin/perfhound.cjs');

it('stops quietly with the SIGPIPE status when the reader of stdout goes away (… | head)', async () => {
  const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'perfhound-pipe-')), 'p.db')}`;
  // db status reads: the database must exist.
  execFileSync(process.execPath, [BIN, 'db', 'migrate', '--db', db]);
  const child = spawn(process.execPath, [BIN, 'db', 'status', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Closed before node has even started: the command's first write to stdout fails with EPIPE.
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  expect(stderr).toBe('');
  expect(code).toBe(141);
});
