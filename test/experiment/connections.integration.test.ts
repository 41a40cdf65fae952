/**
 * One SSH connection per machine for a whole campaign: every test's workload runs over the same login
 * (its SSH_CONNECTION, client port included, is the same from test to test), while each test's SSH check
 * still asks the machine (a machine that dies or restarts between tests: test/experiment/faults).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { validateExperimentConfig, type ExperimentConfig } from '../../src/experiment/config.js';
import { readEss } from '../../src/experiment/ess.js';
import { runExperiment } from '../../src/experiment/runner.js';
import { startSshHost, type SshHost } from '../support/ssh-hosts.js';
import { useTempStore } from '../support/temp-store.js';

const env = useTempStore('experiment-connections-');
let hosts: SshHost[];

beforeAll(async () => {
  hosts = await Promise.all([startSshHost('127.12.7.2'), startSshHost('127.12.7.3')]);
});
afterAll(async () => {
  await Promise.all((hosts ?? []).map((h) => h.stop()));
});

function config(name: string, tests: number): ExperimentConfig {
  const raw = [{
    experiment_name: name,
    combination_generation_type: 'pcg',
    qos_settings: { n: Array.from({ length: tests }, (_, i) => i + 1) },
    slave_machines: hosts.map((h, i) => ({ machine_name: `m${i + 1}`, ip: h.ip, port: h.port, ssh_key_path: h.keyPath, username: h.username })),
    // The client's address and port of the SSH login the workload runs in.
    workload: { command: 'echo "$SSH_CONNECTION" > conn-{machine_name}.txt', outputs: ['conn-{machine_name}.txt'], parser: 'none', workdir: env.dir, timeout_secs: 30 },
    buffer_duration_secs: 0,
    compress: false,
    checks: { ping: 'icmp', attempts: 2, interval_secs: 0.1, timeout_secs: 2 },
    output_dir: join(env.dir, 'out'),
  }];
  const { experiments, problems } = validateExperimentConfig(JSON.stringify(raw), 'connections.json');
  expect(problems).toEqual([]);
  return experiments[0]!;
}

/** Each machine's client port, test by test. */
async function clientPorts(name: string): Promise<string[][]> {
  const tests = (await readEss(join(env.dir, 'out', name, 'ess.csv')))!.map((a) => a.testName);
  return hosts.map((_, m) => tests.map((test) => readFileSync(join(env.dir, 'out', name, test, `m${m + 1}`, `conn-m${m + 1}.txt`), 'utf8').trim().split(' ')[1]!));
}

it('runs every test of a campaign over one SSH connection per machine, each test still SSH-checked', async () => {
  const result = await runExperiment(config('one-login', 4), { store: env.store });
  expect(result).toMatchObject({ status: 'completed', passed: 4 });
  for (const ports of await clientPorts('one-login')) expect(new Set(ports).size).toBe(1);
  const ess = (await readEss(result.essPath))!;
  expect(ess.map((a) => [a.status, a.pings, a.sshChecks])).toEqual(Array.from({ length: 4 }, () => ['success', 1, 1]));
});
