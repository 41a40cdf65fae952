/**
 * The analysis half of `npm run bench -- scale`, in a process of its own so its peak RSS is the analysis'
 * alone: `node dist-bench/bench/scale-child.js DB_URL CONFIG_FILE` analyses the config's first test 2 + 9
 * times and prints one JSON line: the last 9 analyses' CPU ms and wall ms (the wall time includes the
 * database server's work), the rows, and the process' peak RSS (MB).
 */
import { readFileSync } from 'node:fs';
import { analyzeTest } from '../src/analyze/index.js';
import { parseAnalysisConfig } from '../src/config/index.js';
import { StoreSource } from '../src/sources/store/index.js';
import { openStore } from '../src/store/connect.js';
import { peakRssMb } from './peak-rss.js';

const WARM_UPS = 2;
const RUNS = 9;
const [url, configFile] = process.argv.slice(2);
const config = await parseAnalysisConfig(readFileSync(configFile, 'utf8'), { file: configFile, allowIncludes: false, env: {} });
const store = await openStore(url);
const cpu: number[] = [];
const wall: number[] = [];
let rows = 0;
// The first analyses compile (JIT) and warm the database's cache: not counted.
for (let i = -WARM_UPS; i < RUNS; i++) {
  const before = process.cpuUsage();
  const started = performance.now();
  const source = new StoreSource(store, { metadataCollection: 'perf_scale_ci*' });
  const report = await analyzeTest(config.tests[0], { nodeCount: true }, { source, store, recordRegressions: false }, () => undefined);
  const used = process.cpuUsage(before);
  if (i >= 0) {
    cpu.push((used.user + used.system) / 1000);
    wall.push(performance.now() - started);
  }
  rows = report.rows.length;
}
await store.close();
console.log(JSON.stringify({ cpu, wall, rows, maxRssMb: peakRssMb() }));
