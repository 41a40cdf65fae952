/**
 * The child side of support/child.ts: runs one risky job (a config with templates, an ingest with a
 * user regex) in its own process, so a crash, a fatal out-of-memory or a hang is seen, not suffered.
 * Prints one JSON line: {"ok": true, …} or {"ok": false, "error": message}.
 */
import { parseAnalysisConfig } from '../../../src/config/index.js';
import { main } from '../../../src/cli/main.js';

type Job = { kind: 'config'; text: string; inputVars: Record<string, unknown> } | { kind: 'cli'; args: string[] };

const job = JSON.parse(process.argv[2]) as Job;
if (job.kind === 'config') {
  try {
    const config = await parseAnalysisConfig(job.text, { inputVars: job.inputVars, env: {}, file: 'fuzz.yaml', baseDir: process.cwd() });
    process.stdout.write(JSON.stringify({ ok: true, tests: config.tests.map((t) => ({ name: t.name, metadata: t.metadata })) }) + '\n');
  } catch (err) {
    process.stdout.write(JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) }) + '\n');
  }
} else {
  await main(['node', 'perfhound', ...job.args]);
}
