/**
 * `perfhound analyze` writes Orion's files (output_*.txt|json|xml, data-*.csv) by default: tests send
 * them to a fresh temporary folder rather than the working directory.
 *
 * @example
 * await runCli(['analyze', '--config', cfg, ...filesFlags()]);
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function filesFlags(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'analyze-files-'));
  return ['--save-output-path', join(dir, 'output.txt'), '--save-data-path', join(dir, 'data.csv')];
}
