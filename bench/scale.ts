/**
 * `npm run bench -- scale` (issue 17): what unrelated data costs one test, on SQLite and PostgreSQL.
 *
 * - Analysis: one test of 20 metrics × 200 runs in a store that also holds N unrelated runs of the same
 *   metadata collection (20 documents each), for each N of `PERFHOUND_BENCH_SCALE` (default `0,20000`; the
 *   issue's `0,100000,500000` takes long to build). The store grows from one size to the next; each
 *   analysis runs in a child process (bench/scale-child.ts): CPU and wall time (medians of 15 per child, after
 *   2 warm-ups; and the least CPU), the PostgreSQL server's CPU (mean) and peak RSS; 3 children alternate
 *   with 3 over a store of the test's runs alone, and the growth of the CPU between the two is printed.
 * - Daemon, on the largest store: `perfhound serve` with the test's config; after an ingest, 32 clients
 *   ask for the test's 20 series for `PERFHOUND_BENCH_SECONDS` (default 20) s: p50/p99, errors, RSS.
 *   Twice: after an ingest of an unrelated run (the answers stay valid), and after an ingest of a new run
 *   of the test (its report computed again). Then the first answer after each of 20 ingests of a new run
 *   of the test, alone (wall median, daemon CPU mean), with the daemon's detection paths from /metrics
 *   (series appended to the state kept from their last analysis, or analysed in full).
 * - Ingest: a bulk file of `PERFHOUND_BENCH_SCALE_INGEST` runs (default 250 000) of 20 documents each, by the
 *   CLI in a child process: runs/s, CPU, peak RSS, and the PostgreSQL server's CPU (all of its processes).
 *
 * `PERFHOUND_BENCH_SCALE_DIALECTS` (default `sqlite,postgres`) picks the databases;
 * `PERFHOUND_BENCH_SCALE_KEEP=1` keeps the analysis stores and prints their URLs (to look into a figure).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { once as onceEvent } from 'node:events';
import { Agent } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore, type Store } from '../src/store/connect.js';
import { writeRun, type NewDocument } from '../src/store/runs.js';
import type { DialectName } from '../src/store/url.js';
import { createTestDatabase } from '../test/support/create-database.js';
import { freePort } from '../test/support/free-port.js';
import { ingestInChild } from './ingest.js';
import { mean, median } from './median.js';
import type { Benchmark } from './registry.js';
import { commandOf, cpuMs } from './proc-cpu.js';
import { once, rssMb, startDaemon, waitHealthy, type Call } from './server.js';

const METRICS = 20;
const RUNS = 200;
const DOCS = 20;
const BATCH = 2000;
const CLIENTS = 32;
const base = Date.UTC(2025, 0, 1);

function metadataOf(uuid: string, benchmark: string, i: number): Record<string, unknown> {
  return {
    uuid, benchmark, timestamp: new Date(base + i * 60_000).toISOString(), platform: 'AWS', clusterType: 'self-managed',
    masterNodesType: 'm6a.xlarge', masterNodesCount: 3, workerNodesType: 'm6a.xlarge', workerNodesCount: 24,
    networkType: 'OVNKubernetes', jobType: 'periodic', ocpVersion: `4.20.0-0.nightly-${i}`, buildUrl: `https://ci/${benchmark}/${i}`,
    jobConfig: { jobIterations: 24, qps: 20 }, ipsec: false,
  };
}

function documentsOf(uuid: string, ts: number, value: (m: number) => number, metrics: number): NewDocument[] {
  return Array.from({ length: metrics }, (_, m) => ({
    collection: 'ripsaw-kube-burner', timestampMs: ts, metricName: `metric-${m}`,
    body: JSON.stringify({ uuid, timestamp: new Date(ts).toISOString(), metricName: `metric-${m}`, value: value(m) }),
  }));
}

/** The analysed test's run r (a shift half way, so detection finds something). */
async function writeTargetRun(store: Store, r: number): Promise<void> {
  const uuid = `t-${r}`;
  const ts = base + r * 3_600_000;
  await store.writeTransaction((trx) => writeRun(trx, { uuid, timestampMs: ts, source: 'bench', collection: 'perf_scale_ci', metadata: metadataOf(uuid, 'target', r) }, documentsOf(uuid, ts, (m) => (r >= RUNS / 2 ? 13 : 10) + Math.sin(r * 7 + m) * 0.3, METRICS)), { runsOnly: true });
}

/**
 * Unrelated runs from..to-1 (other benchmarks of the same collection), 20 documents each. Written as an
 * ingest writes (writeTransaction), so PostgreSQL's planner statistics follow the store's growth as they
 * do for a user's: a bare transaction left them at the 200 runs of the test, and the test's documents were
 * then read by a sequential scan of 10 million rows beside 500 000 runs (1.3 s).
 */
async function writeUnrelated(store: Store, from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += BATCH) {
    await store.writeTransaction(async (trx) => {
      for (let i = start; i < Math.min(to, start + BATCH); i++) {
        const uuid = `u-${i}`;
        const ts = base + i * 60_000;
        await writeRun(trx, { uuid, timestampMs: ts, source: 'bench', collection: 'perf_scale_ci', metadata: metadataOf(uuid, `other-${i % 50}`, i) }, documentsOf(uuid, ts, (m) => m + (i % 7), DOCS));
      }
    }, { runsOnly: true });
  }
}

const CONFIG = ['tests:', '  - name: target', '    metadata:', '      benchmark.keyword: target', '      platform: AWS', '      networkType: OVNKubernetes', '    metrics:',
  ...Array.from({ length: METRICS }, (_, m) => [`      - name: m${m}`, `        metricName.keyword: metric-${m}`, '        metric_of_interest: value'].join('\n'))].join('\n') + '\n';

interface ChildFigures {
  cpu: number[];
  wall: number[];
  serverCpu: number[];
  rows: number;
  maxRssMb: number;
}

function analyseInChild(url: string, configFile: string): ChildFigures {
  const child = spawnSync(process.execPath, [resolve('dist-bench/bench/scale-child.js'), url, configFile], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`analysis failed: ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as ChildFigures;
}

const seriesPath = (m: number) => `/api/v1/series?config=scale&test=target&metric=m${m}_value`;

const FIRST_ANSWERS = 20;

/**
 * The answer right after each of 20 ingests of a new run of the test (runs `from`…): the one that analyses
 * it again. CPU is read in 10 ms ticks: its mean over the 20 is the figure, not a median.
 */
async function firstAnswers(port: number, pid: number, store: Store, from: number): Promise<string> {
  const agent = new Agent({ keepAlive: true });
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let k = 0; k < FIRST_ANSWERS; k++) {
    await writeTargetRun(store, from + k);
    const cpuBefore = cpuMs(pid);
    const started = performance.now();
    const status = await once(agent, port, { method: 'GET', path: seriesPath(0) });
    if (status !== 200) throw new Error(`series answered ${status}`);
    wall.push(performance.now() - started);
    cpu.push(cpuMs(pid) - cpuBefore);
  }
  agent.destroy();
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const paths = ['appended', 'full'].map((path) => `${path} ${new RegExp(`^perfhound_detection_series_total\\{path="${path}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? '?'}`);
  const wallMedian = median(wall).toFixed(0);
  return `wall ${wallMedian} ms (median of ${FIRST_ANSWERS})  daemon CPU ${mean(cpu).toFixed(1)} ms (mean)  series so far: ${paths.join(', ')}; load ${loadavg()[0].toFixed(1)}`;
}

/** 32 clients asking for the test's 20 series (round robin) for `seconds`: p50/p99, errors, the daemon's RSS and CPU. */
async function seriesLoad(port: number, pid: number, seconds: number): Promise<string> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const calls: Call[] = Array.from({ length: METRICS }, (_, m) => ({ method: 'GET', path: seriesPath(m) }));
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let peakRss = rssMb(pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 200);
  const cpuBefore = cpuMs(pid);
  const end = performance.now() + seconds * 1000;
  let next = 0;
  const client = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      let status = 0;
      try {
        status = await once(agent, port, calls[next++ % calls.length]);
      } catch {
        status = -1;
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  clearInterval(sampler);
  peakRss = Math.max(peakRss, rssMb(pid));
  const cpu = cpuMs(pid) - cpuBefore;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(0);
  const errors = latencies.length - (statuses.get(200) ?? 0);
  const codes = [...statuses].filter(([s]) => s !== 200).map(([s, n]) => `${s}×${n}`).join(' ');
  return `${latencies.length} requests  p50 ${q(0.5)} ms  p99 ${q(0.99)} ms  errors ${errors}${codes ? ` (${codes})` : ''}  daemon CPU ${cpu} ms  peak RSS ${peakRss.toFixed(0)} MB`;
}

async function daemonUnderLoad(url: string, configDir: string, store: Store, unrelated: number): Promise<void> {
  const seconds = Number(process.env.PERFHOUND_BENCH_SECONDS ?? 20);
  const port = await freePort();
  const daemon: ChildProcess = startDaemon(url, port, configDir);
  try {
    await waitHealthy(port);
    const warm = new Agent({ keepAlive: true });
    for (let m = 0; m < METRICS; m++) await once(warm, port, { method: 'GET', path: seriesPath(m) });
    warm.destroy();
    await writeUnrelated(store, unrelated, unrelated + 1);
    console.log(`  daemon, ${CLIENTS} clients after an ingest of an unrelated run:  ${await seriesLoad(port, daemon.pid!, seconds)}`);
    await writeTargetRun(store, RUNS);
    console.log(`  daemon, ${CLIENTS} clients after an ingest of a run of the test: ${await seriesLoad(port, daemon.pid!, seconds)}`);
    console.log(`  daemon, first answer after an ingest of a run of the test: ${await firstAnswers(port, daemon.pid!, store, RUNS + 1)}`);
  } finally {
    const exited = new Promise((r) => daemon.once('exit', r));
    daemon.kill('SIGTERM');
    await exited;
  }
}

/** Alternating children, so that the two stores are measured under the same load: each one's figures pooled. */
const ROUNDS = 3;

function pooled(url: string, configFile: string, into: ChildFigures | undefined): ChildFigures {
  const next = analyseInChild(url, configFile);
  if (!into) return next;
  return { cpu: [...into.cpu, ...next.cpu], wall: [...into.wall, ...next.wall], serverCpu: [...into.serverCpu, ...next.serverCpu], rows: next.rows, maxRssMb: Math.max(into.maxRssMb, next.maxRssMb) };
}

function describe(dialect: DialectName, f: ChildFigures): string {
  // The server's CPU is read in 10 ms ticks: its mean is the figure, not a median.
  const server = dialect === 'postgres' ? `, server CPU ${mean(f.serverCpu).toFixed(1)} ms (mean)` : '';
  return `analysis CPU ${median(f.cpu).toFixed(0)} ms (least ${Math.min(...f.cpu).toFixed(0)}), wall ${median(f.wall).toFixed(0)} ms (medians of ${f.cpu.length})${server}, peak RSS ${f.maxRssMb.toFixed(0)} MB, rows ${f.rows}`;
}

/**
 * The test's analysis beside each size of unrelated runs. A second store holding the test's runs alone is
 * analysed in the same rounds, alternating with the grown one: the growth is read between figures taken
 * under the same load (on this shared machine, the same store's median moved by 2× between runs).
 */
async function analysisBySize(dialect: DialectName, sizes: number[], dir: string): Promise<void> {
  const db = await createTestDatabase(dialect);
  const store = await openStore(db.url);
  const alone = await createTestDatabase(dialect);
  const aloneStore = await openStore(alone.url);
  const configFile = join(dir, 'scale.yaml');
  let stored = 0;
  try {
    for (let r = 0; r < RUNS; r++) {
      await writeTargetRun(store, r);
      await writeTargetRun(aloneStore, r);
    }
    await aloneStore.close();
    for (const size of sizes) {
      const started = performance.now();
      await writeUnrelated(store, stored, size);
      const built = size > stored ? `built ${((size - stored) / ((performance.now() - started) / 1000)).toFixed(0)} runs/s; ` : '';
      stored = Math.max(stored, size);
      let grown: ChildFigures | undefined;
      let base: ChildFigures | undefined;
      for (let round = 0; round < ROUNDS; round++) {
        base = pooled(alone.url, configFile, base);
        grown = pooled(db.url, configFile, grown);
      }
      const g = grown!;
      const b = base!;
      const growth = (median(g.cpu) / median(b.cpu) - 1) * 100;
      const total = dialect === 'postgres' ? `; client + server CPU ${((mean(g.cpu) + mean(g.serverCpu)) / (mean(b.cpu) + mean(b.serverCpu)) * 100 - 100).toFixed(0)} % (means)` : '';
      console.log(`${dialect.padEnd(8)} unrelated runs ${String(size).padStart(7)}: ${describe(dialect, g)}; ${built}load ${loadavg()[0].toFixed(1)}`);
      console.log(`${''.padEnd(8)} the test's runs alone, same rounds: ${describe(dialect, b)}; growth: analysis CPU ${growth >= 0 ? '+' : ''}${growth.toFixed(0)} % (medians)${total}`);
    }
    if (process.env.PERFHOUND_BENCH_SCALE_DAEMON !== '0') await daemonUnderLoad(db.url, dir, store, stored);
  } finally {
    await store.close();
    if (process.env.PERFHOUND_BENCH_SCALE_KEEP === '1') {
      console.log(`  kept: ${db.url} (the test beside ${stored} runs), ${alone.url} (the test alone)`);
    } else {
      await db.drop();
      await alone.drop();
    }
  }
}

/**
 * CPU ms of this machine's PostgreSQL server: every `postgres` process, with the time of the backends
 * that ended since (counted in their parent's children's time). Other clients' work counts too.
 */
function postgresServerCpuMs(): number {
  let ms = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (commandOf(pid) === 'postgres') ms += cpuMs(pid, true);
    } catch {
      // a process that ended meanwhile
    }
  }
  return ms;
}

/** A bulk file of `runs` runs: a metadata document and 20 documents each. */
async function writeSmallRuns(path: string, runs: number): Promise<void> {
  const out = createWriteStream(path);
  for (let r = 0; r < runs; r++) {
    const uuid = `small-${r}`;
    const ts = new Date(base + r * 60_000).toISOString();
    let chunk = '{"index":{"_index":"perf_scale_ci"}}\n' + JSON.stringify(metadataOf(uuid, `small-${r % 50}`, r)) + '\n';
    for (let d = 0; d < DOCS; d++) chunk += '{"index":{"_index":"ripsaw-kube-burner"}}\n' + JSON.stringify({ uuid, timestamp: ts, metricName: `metric-${d}`, value: d + (r % 13) }) + '\n';
    if (!out.write(chunk)) await onceEvent(out, 'drain');
  }
  out.end();
  await onceEvent(out, 'finish');
}

export const scaleBenchmark: Benchmark = {
  name: 'scale',
  description: 'one test (20 metrics × 200 runs) beside N unrelated runs (PERFHOUND_BENCH_SCALE=N,…), the daemon after an ingest, ingest of small runs (PERFHOUND_BENCH_SCALE_INGEST)',
  async run() {
    // An empty list skips the analyses (and the daemon).
    const sizes = (process.env.PERFHOUND_BENCH_SCALE ?? '0,20000').split(',').filter(Boolean).map(Number).sort((a, b) => a - b);
    const dialects = (process.env.PERFHOUND_BENCH_SCALE_DIALECTS ?? 'sqlite,postgres').split(',') as DialectName[];
    const ingestRuns = Number(process.env.PERFHOUND_BENCH_SCALE_INGEST ?? 250_000);
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-bench-scale-'));
    try {
      writeFileSync(join(dir, 'scale.yaml'), CONFIG);
      if (sizes.length) for (const dialect of dialects) await analysisBySize(dialect, sizes, dir);
      if (ingestRuns > 0) {
        const file = join(dir, 'small.ndjson');
        await writeSmallRuns(file, ingestRuns);
        for (const dialect of dialects) {
          const db = await createTestDatabase(dialect);
          try {
            const serverBefore = dialect === 'postgres' ? postgresServerCpuMs() : 0;
            const r = ingestInChild(file, db.url);
            const server = dialect === 'postgres' ? `, server CPU ${((postgresServerCpuMs() - serverBefore) / 1000).toFixed(1)} s` : '';
            console.log(`${dialect.padEnd(8)} ingest of ${ingestRuns} runs × ${DOCS} documents: ${(ingestRuns / r.seconds).toFixed(0)} runs/s (${r.seconds.toFixed(1)} s, ingest CPU ${r.cpuSeconds.toFixed(1)} s: ${(ingestRuns / r.cpuSeconds).toFixed(0)} runs per CPU s${server}), peak RSS ${r.maxRssMb.toFixed(0)} MB; load ${loadavg()[0].toFixed(1)}`);
          } finally {
            await db.drop();
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
