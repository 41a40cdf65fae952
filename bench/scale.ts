/**
 * Analysis cost against unrelated runs (issue 17): one test of 20 metrics × 200 runs, analysed in a SQLite
 * store that also holds N unrelated runs of the same metadata collection (other benchmarks, same platform),
 * for each N of `PERFHOUND_BENCH_SCALE` (default `0,20000,50000`; the 500 000 takes long to build).
 * Unrelated runs carry metadata only: their documents are never read (the `(run_id, collection)` index),
 * so leaving them out changes the store's size, not what an analysis reads. Prints the analysis CPU time
 * (median of 5, in this process) and the RSS growth per store size, and the build rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeTest } from '../src/analyze/index.js';
import { parseAnalysisConfig } from '../src/config/index.js';
import { StoreSource } from '../src/sources/store/index.js';
import { openStore, type Store } from '../src/store/connect.js';
import { writeRun, type NewDocument } from '../src/store/runs.js';
import type { Benchmark } from './registry.js';

const METRICS = 20;
const RUNS = 200;
const BATCH = 2000;
const base = Date.UTC(2025, 0, 1);

function metadataOf(uuid: string, benchmark: string, i: number): Record<string, unknown> {
  return {
    uuid, benchmark, timestamp: new Date(base + i * 60_000).toISOString(), platform: 'AWS', clusterType: 'self-managed',
    masterNodesType: 'm6a.xlarge', masterNodesCount: 3, workerNodesType: 'm6a.xlarge', workerNodesCount: 24,
    networkType: 'OVNKubernetes', jobType: 'periodic', ocpVersion: `4.20.0-0.nightly-${i}`, buildUrl: `https://ci/${benchmark}/${i}`,
    jobConfig: { jobIterations: 24, qps: 20 }, ipsec: false,
  };
}

async function build(store: Store, unrelated: number): Promise<number> {
  const started = performance.now();
  for (let from = 0; from < unrelated; from += BATCH) {
    await store.transaction(async (trx) => {
      for (let i = from; i < Math.min(unrelated, from + BATCH); i++) {
        const uuid = `u-${i}`;
        await writeRun(trx, { uuid, timestampMs: base + i * 60_000, source: 'bench', collection: 'perf_scale_ci', metadata: metadataOf(uuid, `other-${i % 50}`, i) });
      }
    });
  }
  await store.transaction(async (trx) => {
    for (let r = 0; r < RUNS; r++) {
      const uuid = `t-${r}`;
      const ts = base + r * 3_600_000;
      const documents: NewDocument[] = Array.from({ length: METRICS }, (_, m) => ({
        collection: 'ripsaw-kube-burner', timestampMs: ts, metricName: `metric-${m}`,
        body: JSON.stringify({ uuid, timestamp: new Date(ts).toISOString(), metricName: `metric-${m}`, value: (r >= RUNS / 2 ? 13 : 10) + Math.sin(r * 7 + m) * 0.3 }),
      }));
      await writeRun(trx, { uuid, timestampMs: ts, source: 'bench', collection: 'perf_scale_ci', metadata: metadataOf(uuid, 'target', r) }, documents);
    }
  });
  return (unrelated + RUNS) / ((performance.now() - started) / 1000);
}

const CONFIG = ['tests:', '  - name: target', '    metadata:', '      benchmark.keyword: target', '      platform: AWS', '      networkType: OVNKubernetes', '    metrics:',
  ...Array.from({ length: METRICS }, (_, m) => [`      - name: m${m}`, `        metricName.keyword: metric-${m}`, '        metric_of_interest: value'].join('\n'))].join('\n') + '\n';

export const scaleBenchmark: Benchmark = {
  name: 'scale',
  description: 'one test (20 metrics × 200 runs) analysed beside N unrelated runs (PERFHOUND_BENCH_SCALE=N,…)',
  async run() {
    const sizes = (process.env.PERFHOUND_BENCH_SCALE ?? '0,20000,50000').split(',').map(Number);
    const config = await parseAnalysisConfig(CONFIG, { file: 'scale.yaml', allowIncludes: false, env: {} });
    const test = config.tests[0];
    for (const size of sizes) {
      const dir = mkdtempSync(join(tmpdir(), 'perfhound-bench-scale-'));
      const store = await openStore(`sqlite:${join(dir, 'db.sqlite')}`);
      try {
        const rate = await build(store, size);
        const cpu: number[] = [];
        let rssGrowth = 0;
        let points = 0;
        for (let i = 0; i < 5; i++) {
          (globalThis as { gc?: () => void }).gc?.();
          const rss = process.memoryUsage().rss;
          const before = process.cpuUsage();
          const source = new StoreSource(store, { metadataCollection: 'perf_scale_ci*' });
          const report = await analyzeTest(test, { nodeCount: true }, { source, store, recordRegressions: false }, () => undefined);
          const used = process.cpuUsage(before);
          cpu.push((used.user + used.system) / 1000);
          rssGrowth = Math.max(rssGrowth, process.memoryUsage().rss - rss);
          points = report.rows.length;
        }
        cpu.sort((a, b) => a - b);
        console.log(`unrelated runs ${size}: analysis CPU ${cpu[2].toFixed(0)} ms (median of 5), RSS +${(rssGrowth / 2 ** 20).toFixed(0)} MB, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB, rows ${points}; built ${rate.toFixed(0)} runs/s; load ${loadavg()[0].toFixed(2)}`);
      } finally {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  },
};
