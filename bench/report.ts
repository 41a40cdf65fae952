/**
 * Report generation: 1 000 runs over 20 clusters (`PERFHOUND_BENCH_REPORT_RUNS`), the control-plane
 * profile against a real Prometheus with backfilled history (Debian's package), into SQLite, by the real
 * CLI in a child process: reports per second, CPU seconds and the child's peak RSS. Goal: ≥ 50 reports/s.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHistory, bulkFile, kubeBurnerDocs, metadataDoc, type HistoryRun } from '../test/report/history.js';
import { startPrometheus } from '../test/report/prometheus-server.js';
import { cliInChildSync, type CliFigures } from './cli-child.js';
import type { Benchmark } from './registry.js';

function cliInChild(args: string[]): CliFigures {
  const r = cliInChildSync(args);
  if (r.code !== 0) throw new Error(`perfhound ${args[0]} failed: ${r.stderr.slice(-2000)}`);
  return r;
}

export const reportBenchmark: Benchmark = {
  name: 'report',
  description: 'report generate: 1 000 runs over 20 clusters, control-plane profile, real Prometheus (reports/s, peak RSS)',
  async run() {
    const total = Number(process.env.PERFHOUND_BENCH_REPORT_RUNS ?? 1000);
    const clusters = 20;
    const T0 = 1736000000;
    // 2-minute runs, one per cluster every 10 minutes: 50 runs per cluster over ~8 h of history.
    const runs: HistoryRun[] = Array.from({ length: total }, (_, i) => {
      const startS = T0 + Math.floor(i / clusters) * 600;
      return { uuid: `bench-${String(i).padStart(5, '0')}`, cluster: `bench-c${String(i % clusters).padStart(2, '0')}`, startS, endS: startS + 120 };
    });
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-bench-report-'));
    const t0 = Date.now();
    const history = buildHistory(runs, { leadS: 20 });
    const prom = await startPrometheus(history.om);
    console.log(`history: ${(history.om.length / 1e6).toFixed(0)} MB of OpenMetrics backfilled and served in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    try {
      writeFileSync(join(dir, 'runs.ndjson'), bulkFile(runs.map((r) => ({ meta: metadataDoc(r), docs: kubeBurnerDocs(r) }))));
      const db = `sqlite:${join(dir, 'db.sqlite')}`;
      cliInChild(['ingest', 'bulk', join(dir, 'runs.ndjson'), '--db', db]);
      const load = loadavg()[0]!.toFixed(2);
      const r = cliInChild(['report', 'generate', '--db', db, '--prometheus', prom.url, '--grafana', 'https://grafana.example', '--since', '2025-01-01', '--concurrency', '8']);
      const summary = /^report: .*$/m.exec(r.stderr)?.[0] ?? '';
      console.log(summary);
      console.log(
        `report generate (sqlite): ${total} runs in ${r.seconds.toFixed(2)} s = ${(total / r.seconds).toFixed(0)} reports/s ` +
          `(goal ≥ 50), CPU ${r.cpuSeconds.toFixed(2)} s (perfhound only; Prometheus is another process), peak RSS ${r.maxRssMb.toFixed(0)} MB, load ${load}`,
      );
    } finally {
      await prom.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
