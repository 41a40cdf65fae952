import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: the whole run's temporary files (test stores, generated inputs, the CLI's
 * spooled stdin) go below one directory, removed when the run ends — tests need not each remember to
 * clean up, and a failed test leaves nothing behind in the machine's /tmp either. Workers and the CLI
 * processes tests spawn inherit TMPDIR, which os.tmpdir() reads on every call.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'perfhound-tests-'));
  process.env.TMPDIR = root;
  return () => rmSync(root, { recursive: true, force: true });
}
