/**
 * The analysis half of `npm run bench -- scale`, in a process of its own so its peak RSS is the analysis'
 * alone: `node dist-bench/bench/scale-child.js DB_URL CONFIG_FILE` analyses the config's first test 2 + 15
 * times and prints one JSON line: the last 15 analyses' CPU ms and wall ms (the wall time includes the
 * database server's work), on PostgreSQL the server's CPU ms for each (its backends of the bench's database,
 * read from /proc: the server runs on this machine), the rows, and the process' peak RSS (MB).
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { analyzeTest } from '../src/analyze/index.js';
import { parseAnalysisConfig } from '../src/config/index.js';
import { StoreSource } from '../src/sources/store/index.js';
import { openStore } from '../src/store/connect.js';
import { peakRssMb } from './peak-rss.js';
import { cpuMs } from './proc-cpu.js';

const WARM_UPS = 2;
const RUNS = 15;
const [url, configFile] = process.argv.slice(2);
const config = await parseAnalysisConfig(readFileSync(configFile, 'utf8'), { file: configFile, allowIncludes: false, env: {} });
const store = await openStore(url);
const cpu: number[] = [];
const wall: number[] = [];
const serverCpu: number[] = [];

/** CPU ms of the PostgreSQL backends connected to this store's database (all of them: the bench's are idle). */
async function serverCpuMs(): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (store.dialect !== 'postgres') return out;
  const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(store.db);
  for (const { pid } of rows) {
    try {
      out.set(pid, cpuMs(pid));
    } catch {
      // a backend that ended meanwhile
    }
  }
  return out;
}
let rows = 0;
// The first analyses compile (JIT) and warm the database's cache: not counted.
for (let i = -WARM_UPS; i < RUNS; i++) {
  const serverBefore = await serverCpuMs();
  const before = process.cpuUsage();
  const started = performance.now();
  const source = new StoreSource(store, { metadataCollection: 'perf_scale_ci*' });
  const report = await analyzeTest(config.tests[0], { nodeCount: true }, { source, store, recordRegressions: false }, () => undefined);
  const used = process.cpuUsage(before);
  if (i >= 0) {
    wall.push(performance.now() - started);
    cpu.push((used.user + used.system) / 1000);
    let server = 0;
    for (const [pid, ms] of await serverCpuMs()) server += ms - (serverBefore.get(pid) ?? 0);
    serverCpu.push(server);
  }
  rows = report.rows.length;
}
await store.close();
console.log(JSON.stringify({ cpu, wall, serverCpu, rows, maxRssMb: peakRssMb() }));
