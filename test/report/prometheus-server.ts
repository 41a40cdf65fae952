/**
 * A real Prometheus (Debian's package) with history backfilled by promtool, for tests and the bench
 * (reference/real-parts.md §1): the OpenMetrics text is turned into blocks before the server starts, the
 * server listens on a free loopback port (read from its log), retention covers any backfilled time, and no
 * scrape config keeps its head block empty.
 *
 * @example
 * const prom = await startPrometheus(om);       // om ends with "# EOF", timestamps in seconds, series in time order
 * … prom.url …
 * await prom.stop();
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrometheusServer {
  url: string;
  stop(): Promise<void>;
}

export async function startPrometheus(om: string): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'prom-'));
  writeFileSync(join(dir, 'in.om'), om);
  execFileSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'in.om'), join(dir, 'data')], { stdio: 'ignore' });
  writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
  const proc = spawn(
    'prometheus',
    [`--config.file=${dir}/prometheus.yml`, `--storage.tsdb.path=${dir}/data`, '--web.listen-address=127.0.0.1:0', '--storage.tsdb.retention.time=100y'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  const port = await new Promise<number>((resolve, reject) => {
    proc.stderr.on('data', (d: Buffer) => {
      if (log.length < 1e5) log += d.toString();
      const m = /msg="Listening on" address=127\.0\.0\.1:(\d+)/.exec(log);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', (code) => reject(new Error(`prometheus exited ${code}\n${log}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  while (!(await fetch(`${url}/-/ready`).then((r) => r.ok, () => false))) await new Promise((r) => setTimeout(r, 50));
  return {
    url,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
