/**
 * The analysis half of `npm run bench -- scale`, in a process of its own so its peak RSS is the analysis'
 * alone: `node dist-bench/bench/scale-child.js DB_URL CONFIG_FILE` analyses the config's first test 5 times
 * and prints one JSON line: each analysis' CPU ms, the rows, and the process' peak RSS (MB).
 */
import { readFileSync } from 'node:fs';
import { analyzeTest } from '../src/analyze/index.js';
import { parseAnalysisConfig } from '../src/config/index.js';
import { StoreSource } from '../src/sources/store/index.js';
import { openStore } from '../src/store/connect.js';
import { peakRssMb } from './peak-rss.js';

const [url, configFile] = process.argv.slice(2);
const config = await parseAnalysisConfig(readFileSync(configFile, 'utf8'), { file: configFile, allowIncludes: false, env: {} });
const store = await openStore(url);
const cpu: number[] = [];
let rows = 0;
for (let i = 0; i < 5; i++) {
  const before = process.cpuUsage();
  const source = new StoreSource(store, { metadataCollection: 'perf_scale_ci*' });
  const report = await analyzeTest(config.tests[0], { nodeCount: true }, { source, store, recordRegressions: false }, () => undefined);
  const used = process.cpuUsage(before);
  cpu.push((used.user + used.system) / 1000);
  rows = report.rows.length;
}
await store.close();
console.log(JSON.stringify({ cpu, rows, maxRssMb: peakRssMb() }));
