/**
 * `npm run bench -- startup`: whole-process times of the installed command (bin/perfhound.js over the
 * bundle `npm run build` makes; rebuilt here first), as an Orion CI job pays them — a short process run
 * many times a day, where start-up is most of the cost. Issue 14's goals: `perfhound --version` ≤ 60 ms,
 * the EXPECTED.md main `--hunter-analyze` run ≤ 0.2 s over either source (the OpenSearch test server in
 * this process, loaded with Orion's CI corpus, and a SQLite store holding the same corpus).
 *
 * Each command runs `PERFHOUND_BENCH_STARTUP_RUNS` times (default 15), interleaved round by round so that
 * the load of a shared machine falls on all of them alike; printed: median wall time (spawn to exit, seen
 * from here), median CPU time (user + system, which the child reports at exit through a preloaded
 * one-line hook: wall times on a loaded 2-core machine say more about the neighbours), and `node -e 0`
 * as the floor no command can go below.
 *
 * `PERFHOUND_BENCH_STARTUP_BASELINE=/path/to/other/checkout` (built) runs its bin too, in the same rounds:
 * before/after figures taken under the same load.
 */
import { spawn, execFileSync } from 'node:child_process';
import type { Readable } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBulkFile, startOpenSearchTestServer } from '../test/support/opensearch-server/index.js';
import { median } from './median.js';
import type { Benchmark } from './registry.js';

/** The checkout: this file runs from dist-bench/bench/. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/perfhound.js');
const CORPUS = join(ROOT, 'test/fixtures/opensearch/bulk.ndjson');
const CONFIG = join(ROOT, 'test/fixtures/analyze/configurations/ci-tests.yaml');

/** Writes the child's CPU time (µs) to fd 3 as it exits. */
const CPU_HOOK = "process.on('exit',()=>{const u=process.resourceUsage();require('fs').writeSync(3,String(u.userCPUTime+u.systemCPUTime))})";

interface Sample {
  wallMs: number;
  cpuMs: number;
  code: number;
}

async function runOnce(args: string[], hook: string): Promise<Sample> {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--require', hook, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let cpu = '';
  let stderr = '';
  (child.stdio[3] as Readable).setEncoding('utf8').on('data', (chunk: string) => (cpu += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (!cpu) throw new Error(`${args.join(' ')}: no CPU time reported (exit ${code}): ${stderr.slice(-500)}`);
  return { wallMs, cpuMs: Number(cpu) / 1000, code };
}

interface Case {
  label: string;
  args: string[];
  exit: number;
  goalMs?: number;
}

export const startupBenchmark: Benchmark = {
  name: 'startup',
  description: 'whole-process times of bin/perfhound.js: --version, --help, the EXPECTED.md --hunter-analyze run over OpenSearch and over the store (median wall and CPU)',
  async run() {
    const runs = Number(process.env.PERFHOUND_BENCH_STARTUP_RUNS ?? 15);
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { stdio: 'inherit' });
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-bench-startup-'));
    const server = await startOpenSearchTestServer();
    try {
      const hook = join(dir, 'cpu-hook.cjs');
      writeFileSync(hook, CPU_HOOK);
      await loadBulkFile(server.url, CORPUS);
      const db = `sqlite:${join(dir, 'ci.db')}`;
      const ingest = await runOnce([BIN, 'ingest', 'bulk', CORPUS, '--metadata-collection', 'orion-integration-test-data', '--db', db], hook);
      if (ingest.code !== 0) throw new Error(`ingest of the corpus failed (exit ${ingest.code})`);
      // EXPECTED.md's main run, as Orion's CI runs it (the files Orion always writes go to the temp folder).
      const analyze = [
        'analyze', '--hunter-analyze', '--config', CONFIG,
        '--metadata-index', 'orion-integration-test-data*', '--benchmark-index', 'orion-integration-test-metrics*',
        '--lookback', '15d', '--since', '2026-01-20', '--node-count', 'true', '--input-vars', '{"version": "4.20"}',
        '--save-output-path', join(dir, 'output.txt'), '--save-data-path', join(dir, 'data.csv'),
      ];
      const commands = (bin: string, suffix: string, goals: boolean): Case[] => [
        { label: `perfhound --version${suffix}`, args: [bin, '--version'], exit: 0, goalMs: goals ? 60 : undefined },
        { label: `perfhound --help${suffix}`, args: [bin, '--help'], exit: 0 },
        { label: `analyze, OpenSearch${suffix}`, args: [bin, ...analyze, '--es-server', server.url], exit: 2, goalMs: goals ? 200 : undefined },
        { label: `analyze, SQLite store${suffix}`, args: [bin, ...analyze, '--db', db], exit: 2, goalMs: goals ? 200 : undefined },
      ];
      const baseline = process.env.PERFHOUND_BENCH_STARTUP_BASELINE;
      const cases: Case[] = [
        { label: 'node -e 0 (floor)', args: ['-e', '0'], exit: 0 },
        ...commands(BIN, '', true),
        ...(baseline ? commands(join(baseline, 'bin/perfhound.js'), ' (baseline)', false) : []),
      ];
      const samples = cases.map(() => [] as Sample[]);
      for (let round = 0; round <= runs; round++) {
        for (const [i, c] of cases.entries()) {
          const sample = await runOnce(c.args, hook);
          if (sample.code !== c.exit) throw new Error(`${c.label}: exit ${sample.code}, expected ${c.exit}`);
          // Round 0 warms the page cache (and Node's compile cache where there is one): not counted.
          if (round > 0) samples[i].push(sample);
        }
      }
      console.log(`${runs} runs each, interleaved (load ${loadavg()[0].toFixed(2)})`);
      for (const [i, c] of cases.entries()) {
        const wall = median(samples[i].map((s) => s.wallMs));
        const cpu = median(samples[i].map((s) => s.cpuMs));
        const goal = c.goalMs === undefined ? '' : `  goal ≤ ${c.goalMs} ms`;
        console.log(`${c.label.padEnd(33)} wall ${wall.toFixed(0).padStart(4)} ms  CPU ${cpu.toFixed(0).padStart(4)} ms${goal}`);
      }
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
