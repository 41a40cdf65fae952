/**
 * `npm run bench -- experiment`: the experiment runner's own overhead per test — checks (ping + SSH),
 * cleaning, running, SFTP fetch, output check, parse, store ingest, compression, ESS — with a workload that
 * does nothing but write a small JSON result, on two real sshd hosts (127.12.4.2/3; needs root, sshd,
 * ping). Goal: under 0.5 s per test beyond the workload's own time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateExperimentConfig } from '../src/experiment/config.js';
import { runExperiment } from '../src/experiment/runner.js';
import { openStore } from '../src/store/connect.js';
import { startSshHost } from '../test/support/ssh-hosts.js';
import type { Benchmark } from './registry.js';

const TESTS = 20;

export const experimentBenchmark: Benchmark = {
  name: 'experiment',
  description: `runner overhead per test: ${TESTS} tests of a do-nothing workload on two local sshd hosts`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'bench-experiment-'));
    // A host that did not start must not leave the other one running (it would hold its address).
    const started = await Promise.allSettled([startSshHost('127.12.4.2'), startSshHost('127.12.4.3')]);
    const hosts = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await Promise.all(hosts.map((h) => h.stop()));
      rmSync(dir, { recursive: true, force: true });
      throw failed.reason;
    }
    const store = await openStore(`sqlite:${join(dir, 'bench.db')}`);
    try {
      const raw = [{
        experiment_name: 'bench',
        combination_generation_type: 'pcg',
        qos_settings: { n: Array.from({ length: TESTS }, (_, i) => i + 1) },
        slave_machines: hosts.map((h, i) => ({ machine_name: `m${i + 1}`, ip: h.ip, port: h.port, ssh_key_path: h.keyPath, username: h.username })),
        workload: { command: `printf '{"n": {n}}' > out-{machine_name}.json`, outputs: ['out-{machine_name}.json'], parser: 'json', workdir: dir, timeout_secs: 30 },
        buffer_duration_secs: 0,
        checks: { ping: 'icmp', attempts: 3, interval_secs: 0.2, timeout_secs: 2 },
        output_dir: join(dir, 'out'),
      }];
      const { experiments, problems } = validateExperimentConfig(JSON.stringify(raw), 'bench.json');
      if (problems.length) throw new Error(problems.map((p) => p.message).join('\n'));
      const cpu = process.cpuUsage();
      const start = performance.now();
      const result = await runExperiment(experiments[0], { store });
      const wall = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      if (result.passed !== TESTS) throw new Error(`only ${result.passed} of ${TESTS} tests passed`);
      const perTest = wall / TESTS;
      console.log(`tests: ${TESTS}, wall ${wall.toFixed(2)} s, per test ${(perTest * 1000).toFixed(0)} ms (goal < 500 ms: ${perTest < 0.5 ? 'met' : 'NOT met'})`);
      console.log(`runner CPU per test: ${((used.user + used.system) / 1000 / TESTS).toFixed(0)} ms; load average ${loadavg()[0].toFixed(2)}`);
    } finally {
      await store.close();
      await Promise.all(hosts.map((h) => h.stop()));
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
