/**
 * Analysis speed: T tests × M metrics × R runs (default 50 × 20 × 500, `PERFHOUND_BENCH_ANALYZE=T,M,R`),
 * one document per run and metric (15 aggregated metrics, the rest standard), ingested into a SQLite
 * store; then one `perfhound analyze` over all of it in a child process (wall time, peak RSS), and the
 * same analysis over the OpenSearch test server loaded with the same documents (wall time, requests).
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBulk, startOpenSearchTestServer } from '../test/support/opensearch-server/index.js';
import { cliInChild } from './cli-child.js';
import type { Benchmark } from './registry.js';

const AGGREGATED = 15;

function shape(): { tests: number; metrics: number; runs: number } {
  const [tests, metrics, runs] = (process.env.PERFHOUND_BENCH_ANALYZE ?? '50,20,500').split(',').map(Number);
  return { tests, metrics, runs };
}

export async function writeBulk(path: string, s: ReturnType<typeof shape>): Promise<void> {
  const out = createWriteStream(path);
  const base = Date.UTC(2025, 0, 1);
  for (let t = 0; t < s.tests; t++) {
    for (let r = 0; r < s.runs; r++) {
      const uuid = `b${String(t).padStart(3, '0')}-${String(r).padStart(5, '0')}-4000-8000-000000000000`;
      const ts = new Date(base + r * 3_600_000 + t * 1000).toISOString();
      let chunk = '{"index":{"_index":"perf_scale_ci"}}\n' +
        JSON.stringify({ uuid, timestamp: ts, platform: 'AWS', benchmark: `bench-${t}`, ocpVersion: `4.20.0-0.nightly-${r}`, workerNodesCount: 24, buildUrl: `https://ci/${t}/${r}` }) + '\n';
      for (let m = 0; m < s.metrics; m++) {
        // A step of +30 % at the middle run in every metric of every test: detection has work to do.
        const level = r >= s.runs / 2 ? 13 : 10;
        chunk += '{"index":{"_index":"ripsaw-kube-burner"}}\n' +
          JSON.stringify({ uuid, timestamp: ts, metricName: `metric-${m}`, jobName: `bench-${t}`, value: level + Math.sin(r * 7 + m) * 0.3, labels: { namespace: `ns-${m}` } }) + '\n';
      }
      if (!out.write(chunk)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
}

export function config(s: ReturnType<typeof shape>): string {
  const lines = ['tests:'];
  for (let t = 0; t < s.tests; t++) {
    lines.push(`  - name: bench-${t}`, '    metadata:', `      benchmark.keyword: bench-${t}`, '      platform: AWS', '    metrics:');
    for (let m = 0; m < s.metrics; m++) {
      lines.push(`      - name: m${m}`, `        metricName.keyword: metric-${m}`, '        metric_of_interest: value');
      if (m < AGGREGATED) lines.push('        agg: {agg_type: avg}');
    }
  }
  return lines.join('\n') + '\n';
}

/** The 1-minute load average: on a shared 2-core machine wall times mean little without it. */
function load(): string {
  return loadavg()[0].toFixed(2);
}

export const analyzeBenchmark: Benchmark = {
  name: 'analyze',
  description: 'perfhound analyze of 50 tests × 20 metrics × 500 runs: SQLite store and OpenSearch test server (wall, peak RSS, requests)',
  async run() {
    const s = shape();
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-bench-analyze-'));
    try {
      const bulk = join(dir, 'bulk.ndjson');
      const cfg = join(dir, 'config.yaml');
      await writeBulk(bulk, s);
      writeFileSync(cfg, config(s));
      console.log(`input: ${s.tests} tests × ${s.metrics} metrics × ${s.runs} runs = ${s.tests * s.runs} runs, ${s.tests * s.runs * s.metrics} documents`);
      const db = `sqlite:${join(dir, 'bench.db')}`;
      const ingest = await cliInChild(['ingest', 'bulk', bulk, '--db', db]);
      console.log(`ingest (setup) ${ingest.seconds.toFixed(1)} s`);
      const common = ['--config', cfg, '--metadata-index', 'perf_scale_ci*', '--benchmark-index', 'ripsaw-kube-burner*', '--node-count', 'true', '-o', 'json', '--hunter-analyze', '--save-output-path', join(dir, 'output.txt'), '--save-data-path', join(dir, 'data.csv')];
      const store = await cliInChild(['analyze', '--db', db, ...common]);
      // The machine may be shared: CPU time (user + system) says what the analysis itself costs.
      console.log(`store sqlite     ${store.seconds.toFixed(2)} s (CPU ${store.cpuSeconds.toFixed(2)} s)  peak RSS ${store.maxRssMb.toFixed(0)} MB  exit ${store.code}  (load ${load()})`);
      // Worker threads (--jobs auto): whether they pay depends on free cores, so both are printed.
      const jobs = await cliInChild(['analyze', '--db', db, ...common, '--jobs', 'auto']);
      console.log(`store sqlite --jobs auto ${jobs.seconds.toFixed(2)} s (CPU ${jobs.cpuSeconds.toFixed(2)} s, all threads)  peak RSS ${jobs.maxRssMb.toFixed(0)} MB  exit ${jobs.code}  (load ${load()})`);

      const server = await startOpenSearchTestServer();
      try {
        await loadBulk(server.url, readFileSync(bulk, 'utf8'));
        server.reset();
        const os = await cliInChild(['analyze', '--es-server', server.url, ...common]);
        const requests = server.requestCount((r) => r.path.endsWith('/_search'));
        console.log(`opensearch (test server) ${os.seconds.toFixed(2)} s (client CPU ${os.cpuSeconds.toFixed(2)} s)  peak RSS ${os.maxRssMb.toFixed(0)} MB  exit ${os.code}  ${requests} _search requests (${(requests / s.tests).toFixed(1)} per test)  (load ${load()})`);
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
