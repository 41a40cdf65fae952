/**
 * `npm run bench -- startup`: whole-process times of the installed command (bin/perfhound.cjs run as npm
 * installs it: sh by its shebang, then Node over the bundle `npm run build` makes; rebuilt here first), as
 * an Orion CI job pays them — a short process run many times a day, where start-up is most of the cost.
 * Issue 14's goals: `perfhound --version` ≤ 60 ms, the EXPECTED.md main `--hunter-analyze` run ≤ 0.2 s
 * over either source (the OpenSearch test server in this process, loaded with Orion's CI corpus, and a
 * SQLite store holding the same corpus).
 *
 * Each command runs `PERFHOUND_BENCH_STARTUP_RUNS` times (default 15), interleaved round by round so that
 * the load of a shared machine falls on all of them alike; printed: median wall time and median CPU time
 * (user + system of the command and every process it started: sh, readlink, Node), both as bash's `time`
 * reports them around the command alone (wall times on a loaded 2-core machine say more about the
 * neighbours), and `node -e 0` as the floor no Node command can go below.
 *
 * Node 20 parses its ~140 bundled root certificates at start-up whenever NODE_EXTRA_CA_CERTS is set
 * (nodejs/node#40524), tens of milliseconds before any code runs: when it is set, the floor and the
 * analyses are also measured without it, to show what a machine without it pays.
 *
 * `PERFHOUND_BENCH_STARTUP_BASELINE=/path/to/other/checkout` (built) runs its bin too, in the same rounds:
 * before/after figures taken under the same load.
 */
import { spawn, execFileSync } from 'node:child_process';
import type { Readable } from 'node:stream';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBulkFile, startOpenSearchTestServer } from '../test/support/opensearch-server/index.js';
import { median } from './median.js';
import type { Benchmark } from './registry.js';

/** The checkout: this file runs from dist-bench/bench/. */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/perfhound.cjs');
/** The installed command of a checkout (bin/perfhound.js before the sh launcher). */
const binOf = (checkout: string) => [join(checkout, 'bin/perfhound.cjs'), join(checkout, 'bin/perfhound.js')].find((f) => existsSync(f))!;
const CORPUS = join(ROOT, 'test/fixtures/opensearch/bulk.ndjson');
const CONFIG = join(ROOT, 'test/fixtures/analyze/configurations/ci-tests.yaml');

/**
 * Runs `"$@"` under bash's `time`, whose report (wall, user, system in seconds, to the millisecond; the
 * CPU of every process the command started and waited for) goes to fd 3; the command's stderr stays on 2.
 */
const TIMED = `exec 4>&2 2>&3; TIMEFORMAT='%3R %3U %3S'; time "$@" 2>&4`;

interface Sample {
  wallMs: number;
  cpuMs: number;
  code: number;
}

async function runOnce(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Sample> {
  const child = spawn('bash', ['-c', TIMED, 'bash', command, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env });
  let times = '';
  let stderr = '';
  (child.stdio[3] as Readable).setEncoding('utf8').on('data', (chunk: string) => (times += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  const [real, user, system] = times.trim().split(' ').map(Number);
  if (system === undefined || Number.isNaN(system)) throw new Error(`${command} ${args.join(' ')}: no times reported (exit ${code}): ${stderr.slice(-500)}`);
  return { wallMs: real! * 1000, cpuMs: (user! + system) * 1000, code };
}

interface Case {
  label: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  exit: number;
  goalMs?: number;
}

export const startupBenchmark: Benchmark = {
  name: 'startup',
  description: 'whole-process times of bin/perfhound.cjs: --version, --help, the EXPECTED.md --hunter-analyze run over OpenSearch and over the store (median wall and CPU)',
  async run() {
    const runs = Number(process.env.PERFHOUND_BENCH_STARTUP_RUNS ?? 15);
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { stdio: 'inherit' });
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-bench-startup-'));
    const server = await startOpenSearchTestServer();
    try {
      // The installed command starts the `node` on the PATH: this one.
      const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
      await loadBulkFile(server.url, CORPUS);
      const db = `sqlite:${join(dir, 'ci.db')}`;
      const ingest = await runOnce(BIN, ['ingest', 'bulk', CORPUS, '--metadata-collection', 'orion-integration-test-data', '--db', db], env);
      if (ingest.code !== 0) throw new Error(`ingest of the corpus failed (exit ${ingest.code})`);
      // EXPECTED.md's main run, as Orion's CI runs it (the files Orion always writes go to the temp folder).
      const analyze = [
        'analyze', '--hunter-analyze', '--config', CONFIG,
        '--metadata-index', 'orion-integration-test-data*', '--benchmark-index', 'orion-integration-test-metrics*',
        '--lookback', '15d', '--since', '2026-01-20', '--node-count', 'true', '--input-vars', '{"version": "4.20"}',
        '--save-output-path', join(dir, 'output.txt'), '--save-data-path', join(dir, 'data.csv'),
      ];
      const analyses = (bin: string, suffix: string, goals: boolean, runEnv: NodeJS.ProcessEnv): Case[] => [
        { label: `analyze, OpenSearch${suffix}`, command: bin, args: [...analyze, '--es-server', server.url], env: runEnv, exit: 2, goalMs: goals ? 200 : undefined },
        { label: `analyze, SQLite store${suffix}`, command: bin, args: [...analyze, '--db', db], env: runEnv, exit: 2, goalMs: goals ? 200 : undefined },
      ];
      const commands = (bin: string, suffix: string, goals: boolean): Case[] => [
        { label: `perfhound --version${suffix}`, command: bin, args: ['--version'], env, exit: 0, goalMs: goals ? 60 : undefined },
        { label: `perfhound --help${suffix}`, command: bin, args: ['--help'], env, exit: 0 },
        ...analyses(bin, suffix, goals, env),
      ];
      const baseline = process.env.PERFHOUND_BENCH_STARTUP_BASELINE;
      const cases: Case[] = [
        { label: 'node -e 0 (floor)', command: process.execPath, args: ['-e', '0'], env, exit: 0 },
        ...commands(BIN, '', true),
        ...(baseline ? commands(binOf(baseline), ' (baseline)', false) : []),
      ];
      if (env.NODE_EXTRA_CA_CERTS !== undefined) {
        const without = { ...env };
        delete without.NODE_EXTRA_CA_CERTS;
        const suffix = ', no NODE_EXTRA_CA_CERTS';
        cases.push({ label: `node -e 0${suffix}`, command: process.execPath, args: ['-e', '0'], env: without, exit: 0 }, ...analyses(BIN, suffix, false, without));
        if (baseline) cases.push(...analyses(binOf(baseline), `${suffix} (baseline)`, false, without));
      }
      const samples = cases.map(() => [] as Sample[]);
      for (let round = 0; round <= runs; round++) {
        for (const [i, c] of cases.entries()) {
          const sample = await runOnce(c.command, c.args, c.env);
          if (sample.code !== c.exit) throw new Error(`${c.label}: exit ${sample.code}, expected ${c.exit}`);
          // Round 0 warms the page cache (and Node's compile cache where there is one): not counted.
          if (round > 0) samples[i].push(sample);
        }
      }
      console.log(`${runs} runs each, interleaved (load ${loadavg()[0].toFixed(2)})`);
      const width = Math.max(...cases.map((c) => c.label.length));
      for (const [i, c] of cases.entries()) {
        const wall = median(samples[i].map((s) => s.wallMs));
        const cpu = median(samples[i].map((s) => s.cpuMs));
        const goal = c.goalMs === undefined ? '' : `  goal ≤ ${c.goalMs} ms`;
        console.log(`${c.label.padEnd(width)}  wall ${wall.toFixed(0).padStart(4)} ms  CPU ${cpu.toFixed(0).padStart(4)} ms${goal}`);
      }
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
