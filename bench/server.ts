/**
 * `npm run bench -- server`: the daemon under load. A child process runs `perfhound serve` on a store of
 * generated runs; 32 keep-alive clients (node's http Agent, autocannon-style closed loop) call one route for
 * `PERFHOUND_BENCH_SECONDS` (default 60) seconds: requests/s, p50/p99 latency, errors, and the daemon's RSS
 * every 10 s, and the daemon's CPU time per request (it shares the machine with the load generator). Routes: `GET /api/v1/series` (500 points) and `POST /api/v1/analyze` (one test, 10 metrics,
 * 200 runs), on SQLite and PostgreSQL. Goals: ≥ 2 000 series/s, ≥ 50 analyses/s, no error, flat RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ingestJson } from '../src/ingest/json.js';
import { openStore } from '../src/store/connect.js';
import { createTestDatabase } from '../test/support/create-database.js';
import { cpuMs } from './proc-cpu.js';
import type { Benchmark } from './registry.js';
import { freePort } from '../test/support/free-port.js';

const CLIENTS = 32;
const SERIES_RUNS = 500;
const ANALYZE_RUNS = 200;
const ANALYZE_METRICS = 10;

/** Deterministic noise (LCG) around a level that shifts once, so detection has something to find. */
function values(n: number, seed: number): number[] {
  let state = seed >>> 0;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return Array.from({ length: n }, (_, i) => (i < n * 0.8 ? 100 : 130) + (uniform() - 0.5) * 10);
}

function runsJson(): string {
  const base = Date.UTC(2025, 0, 1);
  const runs: unknown[] = [];
  const series = values(SERIES_RUNS, 1);
  for (let i = 0; i < SERIES_RUNS; i++) {
    runs.push({ uuid: `series-${i}`, timestamp: new Date(base + i * 3_600_000).toISOString(), metadata: { benchmark: 'series', buildUrl: `https://ci/s/${i}` }, documents: [{ metricName: 'latency', value: series[i] }] });
  }
  const metrics = Array.from({ length: ANALYZE_METRICS }, (_, m) => values(ANALYZE_RUNS, 100 + m));
  for (let i = 0; i < ANALYZE_RUNS; i++) {
    runs.push({
      uuid: `analyze-${i}`,
      timestamp: new Date(base + i * 3_600_000).toISOString(),
      metadata: { benchmark: 'analyze', buildUrl: `https://ci/a/${i}` },
      documents: metrics.map((v, m) => ({ metricName: `m${m}`, value: v[i] })),
    });
  }
  return runs.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

const SERIES_CONFIG = `tests:
  - name: series
    metadata:
      benchmark: series
    metrics:
      - name: lat
        metricName: latency
        metric_of_interest: value
`;

const ANALYZE_CONFIG =
  'tests:\n  - name: analyze\n    metadata:\n      benchmark: analyze\n    metrics:\n' +
  Array.from({ length: ANALYZE_METRICS }, (_, m) => `      - name: m${m}\n        metricName: m${m}\n        metric_of_interest: value\n`).join('');


export function startDaemon(db: string, port: number, configDir: string): ChildProcess {
  const cli = resolve('dist-bench/src/cli/main.js');
  const args = ['serve', '--db', db, '--port', String(port), '--config-dir', configDir, '--read-public', '--log-level', 'warn'];
  const script = `import(${JSON.stringify(cli)}).then((m) => m.main(['node', 'perfhound', ...${JSON.stringify(args)}]))`;
  return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export function once(agent: Agent, port: number, call: Call): Promise<number> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, agent, method: call.method, path: call.path, headers: call.body ? { 'content-type': 'application/json' } : {} }, (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end(call.body);
  });
}

export async function waitHealthy(port: number): Promise<void> {
  const agent = new Agent({ keepAlive: false });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await once(agent, port, { method: 'GET', path: '/healthz' })) === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the daemon did not start');
}

async function load(port: number, pid: number, call: Call, seconds: number): Promise<string> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const expected = await once(agent, port, call);
  if (expected !== 200) throw new Error(`${call.method} ${call.path} answered ${expected}`);
  for (let i = 0; i < 20; i++) await once(agent, port, call); // warm-up
  const latencies: number[] = [];
  let errors = 0;
  const rss: string[] = [rssMb(pid).toFixed(0)];
  const sampler = setInterval(() => rss.push(rssMb(pid).toFixed(0)), 10_000);
  const cpuBefore = cpuMs(pid);
  const start = performance.now();
  const end = start + seconds * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        if ((await once(agent, port, call)) !== 200) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const elapsed = (performance.now() - start) / 1000;
  const cpuPerRequest = (cpuMs(pid) - cpuBefore) / latencies.length;
  clearInterval(sampler);
  rss.push(rssMb(pid).toFixed(0));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
  return `${(latencies.length / elapsed).toFixed(0).padStart(6)} req/s  p50 ${q(0.5).padStart(6)} ms  p99 ${q(0.99).padStart(6)} ms  errors ${errors}  daemon CPU ${cpuPerRequest.toFixed(2)} ms/req  RSS MB ${rss.join(' → ')}`;
}

export const serverBenchmark: Benchmark = {
  name: 'server',
  description: `the daemon under ${CLIENTS} keep-alive clients: series (500 points) and analyze (10 metrics × 200 runs) on SQLite and PostgreSQL`,
  async run() {
    const seconds = Number(process.env.PERFHOUND_BENCH_SECONDS ?? 60);
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-bench-server-'));
    try {
      writeFileSync(join(dir, 'bench.yaml'), SERIES_CONFIG);
      const data = join(dir, 'runs.ndjson');
      writeFileSync(data, runsJson());
      const calls: [string, Call][] = [
        ['series ', { method: 'GET', path: '/api/v1/series?config=bench&test=series' }],
        ['analyze', { method: 'POST', path: '/api/v1/analyze', body: JSON.stringify({ config: ANALYZE_CONFIG, options: {} }) }],
      ];
      console.log(`${seconds} s per line; the load generator shares the machine's ${(await import('node:os')).cpus().length} cores with the daemon`);
      for (const dialect of ['sqlite', 'postgres'] as const) {
        const db = await createTestDatabase(dialect);
        let daemon: ChildProcess | undefined;
        try {
          const store = await openStore(db.url);
          await ingestJson(store, data, { collection: 'results', runCollection: 'results', versionField: 'ocpVersion', runMeta: {} });
          await store.close();
          const port = await freePort();
          daemon = startDaemon(db.url, port, dir);
          await waitHealthy(port);
          for (const [label, call] of calls) console.log(`${dialect.padEnd(8)} ${label} ${await load(port, daemon.pid!, call, seconds)}`);
        } finally {
          if (daemon) {
            const exited = new Promise((r) => daemon!.once('exit', r));
            daemon.kill('SIGTERM');
            await exited;
          }
          await db.drop();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
