/**
 * Ingest throughput: N kube-burner-like documents (1 000 per run) as `_bulk` NDJSON, ingested by the
 * real CLI in a child process into SQLite and PostgreSQL; documents per second and the child's peak RSS.
 * `PERFHOUND_BENCH_DOCS` sets N (default 1 000 000).
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createTestDatabase } from '../test/support/create-database.js';
import { cliInChildSync, type CliFigures } from './cli-child.js';
import type { Benchmark } from './registry.js';

const DOCS_PER_RUN = 1000;

export async function writeKubeBurnerBulk(path: string, docs: number): Promise<void> {
  const out = createWriteStream(path);
  const runs = Math.ceil(docs / DOCS_PER_RUN);
  const base = Date.UTC(2026, 0, 1);
  for (let r = 0; r < runs; r++) {
    const uuid = `bench-${String(r).padStart(6, '0')}-4000-8000-000000000000`;
    const ts = new Date(base + r * 3_600_000).toISOString();
    let chunk = JSON.stringify({ index: { _index: 'perf_scale_ci' } }) + '\n' +
      JSON.stringify({ uuid, timestamp: ts, platform: 'AWS', benchmark: 'cluster-density-v2', ocpVersion: '4.20.0', workerNodesCount: 24, buildUrl: `https://ci/${r}` }) + '\n';
    for (let d = 0; d < DOCS_PER_RUN && r * DOCS_PER_RUN + d < docs; d++) {
      chunk += '{"index":{"_index":"ripsaw-kube-burner"}}\n' +
        JSON.stringify({
          timestamp: ts, uuid, metricName: d % 10 === 0 ? 'podLatencyQuantilesMeasurement' : 'containerCPU', jobName: 'cluster-density-v2',
          value: Math.random() * 10, labels: { namespace: `openshift-ns-${d % 20}`, container: `c${d % 7}`, node: `worker-${d % 24}` },
          query: 'sum(irate(container_cpu_usage_seconds_total[2m]))',
        }) + '\n';
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export function ingestInChild(file: string, db: string): CliFigures {
  const r = cliInChildSync(['ingest', 'bulk', file, '--db', db]);
  if (r.code !== 0) throw new Error(`ingest failed: ${r.stderr.slice(-2000)}`);
  return r;
}

export const ingestBenchmark: Benchmark = {
  name: 'ingest',
  description: 'bulk NDJSON of kube-burner-like documents into SQLite and PostgreSQL (docs/s, peak RSS)',
  async run() {
    const docs = Number(process.env.PERFHOUND_BENCH_DOCS ?? 1_000_000);
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-bench-ingest-'));
    try {
      const file = join(dir, 'bulk.ndjson');
      await writeKubeBurnerBulk(file, docs);
      console.log(`input: ${docs} documents, ${docs / DOCS_PER_RUN} runs, ${(statSync(file).size / 1e6).toFixed(0)} MB`);
      for (const dialect of ['sqlite', 'postgres'] as const) {
        const db = await createTestDatabase(dialect);
        try {
          const r = ingestInChild(file, db.url);
          // CPU time of the ingesting process (not a database server's): steadier than wall time on a busy machine.
          console.log(
            `${dialect.padEnd(8)} ${(docs / r.seconds).toFixed(0).padStart(8)} docs/s  ${r.seconds.toFixed(1)} s  ` +
              `cpu ${r.cpuSeconds.toFixed(1)} s  peak RSS ${r.maxRssMb.toFixed(0)} MB  (load ${loadavg()[0].toFixed(2)})`,
          );
        } finally {
          await db.drop();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
