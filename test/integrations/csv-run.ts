/**
 * The small analysis the integration tests enrich: ten runs in a CSV file (versions 4.20.0 … 4.20.9, a
 * day apart from 2026-02-01 10:00 UTC), `cpu` doubling at run-5 (4.20.4 → 4.20.5): one regression of
 * `cpu_cpu`, +100 %.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filesFlags } from '../support/analyze-flags.js';
import { runCli, type CliResult } from '../support/cli.js';

export const CHANGED = { uuid: 'run-5', version: '4.20.5', previous: '4.20.4', at: '2026-02-06T10:00:00Z', before: '2026-02-05T10:00:00Z' };

function csv(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'integrations-')), 'runs.csv');
  const lines = Array.from({ length: 10 }, (_, i) => `2026-02-${String(i + 1).padStart(2, '0')}T10:00:00Z,run-${i},4.20.${i},AWS,https://prow.ci/job/${i},${i < 5 ? 10 : 20}`);
  writeFileSync(path, 'time,uuid,version,platform,buildUrl,cpu\n' + lines.join('\n') + '\n');
  return path;
}

/** `perfhound analyze --hunter-analyze` over the CSV with `extra` flags; the saved files' folder is returned too. */
export async function analyzeCsv(extra: string[]): Promise<CliResult & { files: string[] }> {
  const files = filesFlags();
  const r = await runCli(['analyze', '--hunter-analyze', '--source', 'csv', '--csv', csv(), '--config', 'test/fixtures/integrations/cpu-config.yaml', ...files, ...extra]);
  return { ...r, files };
}

/** The warning lines of stderr. */
export function warnings(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('warning:'));
}
