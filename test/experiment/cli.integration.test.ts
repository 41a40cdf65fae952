/**
 * `perfhound experiment` as a real child process (the CLI bundled by esbuild): resume after `kill -9` in
 * the middle of a campaign, an unreachable machine inside a network namespace, plain progress lines when
 * piped; `validate` and `status` in-process.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readEss } from '../../src/experiment/ess.js';
import { runCli } from '../support/cli.js';
import { startSshHost, type SshHost } from '../support/ssh-hosts.js';

let hosts: SshHost[];
let cli: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'experiment-cli-'));
  // The bundle lives in the repository's .tmp/ so its package imports resolve from node_modules.
  mkdirSync(resolve('.tmp'), { recursive: true });
  cli = resolve('.tmp', `experiment-cli-${process.pid}.mjs`);
  await build({ entryPoints: [resolve('src/cli/main.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: cli, logLevel: 'error', footer: { js: 'main(process.argv);' } });
  hosts = await Promise.all([startSshHost('127.12.3.2'), startSshHost('127.12.3.3')]);
});
afterAll(async () => {
  rmSync(cli, { force: true });
  await Promise.all(hosts.map((h) => h.stop()));
});

function writeConfig(name: string, extra: Record<string, unknown> = {}, ips?: string[]): string {
  const file = join(dir, `${name}.yaml`);
  const machines = hosts.map((h, i) => ({
    machine_name: `m${i + 1}`, participant_allocation: i ? 'sub' : 'pub', ip: ips?.[i] ?? h.ip, port: h.port, ssh_key_path: h.keyPath, username: 'root', perftest_exec_path: h.perftest,
  }));
  // The seed's own syntax: a JSON-like list with single quotes.
  const text = `[{
    'experiment_name': '${name}',
    'combination_generation_type': 'pcg',
    'resuming_test_name': '',
    'qos_settings': {'duration_secs': [1], 'datalen_bytes': [100, 200, 300, 400], 'pub_count': [1], 'sub_count': [1],
      'use_reliable': [true], 'use_multicast': [], 'durability_level': [], 'latency_count': [100]},
    'slave_machines': ${JSON.stringify(machines).replace(/"/g, "'")},
    'buffer_duration_secs': 3, 'retries': 0,
    'checks': {'ping': 'icmp', 'attempts': 2, 'interval_secs': 0.05, 'timeout_secs': 1},
    'output_dir': 'out'${Object.entries(extra).map(([k, v]) => `, '${k}': ${JSON.stringify(v)}`).join('')}
  }]`;
  writeFileSync(file, text);
  return file;
}

it('resumes after kill -9 in the middle of a campaign: no successful test re-run, no attempt row lost', async () => {
  const config = writeConfig('resume');
  const db = `sqlite:${join(dir, 'resume.db')}`;
  hosts[1].control({ SLEEP: 1 });
  const child = spawn(process.execPath, [cli, 'experiment', 'run', config, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // Killed while its third test runs (two passed).
  const essPath = join(dir, 'out', 'resume', 'ess.csv');
  for (;;) {
    const rows = (await readEss(essPath).catch(() => null)) ?? [];
    if (rows.length === 3 && rows[2].status === null) break;
    if (child.exitCode !== null) throw new Error(`the campaign ended before it was killed: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  // Piped: one plain line per attempt, no terminal control codes.
  expect(stderr).toMatch(/^\[1\/4\] resume: 1SEC_100B_1PUB_1SUB_REL_100LC attempt 1: success \(\d+\.\d s\)\n\[2\/4\] resume: 1SEC_200B_1PUB_1SUB_REL_100LC attempt 1: success/);
  expect(stderr).not.toContain('\x1b');
  const before = readFileSync(join(hosts[1].dir, 'perftest', 'args.log'), 'utf8').trim().split('\n');
  hosts[1].control();

  const resumed = spawnSync(process.execPath, [cli, 'experiment', 'run', config, '--db', db], { encoding: 'utf8' });
  expect(resumed.stderr).not.toMatch(/1SEC_100B|1SEC_200B/);
  expect(resumed.stdout).toMatch(/^experiment "resume": completed: 2 passed, 0 failed, 2 attempts; ESS /);
  expect(resumed.status).toBe(0);
  const rows = (await readEss(essPath))!;
  expect(rows.map((a) => [a.testName.split('_')[1], a.attempt, a.status])).toEqual([
    ['100B', 1, 'success'], ['200B', 1, 'success'], ['300B', 1, 'interrupted'], ['300B', 2, 'success'], ['400B', 1, 'success'],
  ]);
  // The stand-in ran each of the first two tests once in all.
  const after = readFileSync(join(hosts[1].dir, 'perftest', 'args.log'), 'utf8').trim().split('\n');
  expect(after.filter((l) => l.startsWith('-dataLen 100 ')).length).toBe(before.filter((l) => l.startsWith('-dataLen 100 ')).length);
  expect(after.filter((l) => l.startsWith('-dataLen 100 ')).length).toBe(1);

  const status = await runCli(['experiment', 'status', 'resume', '-o', 'json', '--db', db]);
  expect(JSON.parse(status.stdout)).toMatchObject({ name: 'resume', status: 'completed', plannedTests: 4, testsDone: 4, testsPassed: 4, testsFailed: 0, remaining: 0, attempts: 5, currentTest: null });
  const text = await runCli(['experiment', 'status', '--db', db]);
  expect(text.stdout).toMatch(/^experiment "resume": completed\n/);
});

it('an unreachable machine (a network namespace routes its address nowhere): a clear error, exit 1, nothing run', () => {
  const config = writeConfig('unreachable', {}, ['127.12.3.2', '127.12.3.99']);
  const db = `sqlite:${join(dir, 'unreachable.db')}`;
  const script = `ip link set lo up && ip route add unreachable 127.12.3.99/32 table local && exec "$@"`;
  const r = spawnSync('unshare', ['--net', 'sh', '-c', script, 'sh', process.execPath, cli, 'experiment', 'run', config, '--db', db], { encoding: 'utf8' });
  // The namespace has its own loopback: m1's sshd (outside it) refuses, m2's address has no route at all.
  expect(r.stderr.trim().split('\n').at(-1)).toBe('perfhound: experiment "unreachable": machine m1 (127.12.3.2:2222): SSH failed 2 times: root@127.12.3.2:2222: connection refused; machine m2 (127.12.3.99:2222): no answer to ping in 2 attempts; nothing was run');
  expect(r.status).toBe(1);
});

it('validate names every problem with its line; a good config reports its plan', async () => {
  const good = await runCli(['experiment', 'validate', writeConfig('good')]);
  expect(good).toMatchObject({ code: 0, stdout: 'ok: experiment "good": pcg, 4 tests, 2 machines, Perftest\n' });
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, [
    '- experiment_name: bad',
    '  combination_generation_type: pcg',
    '  colour: blue',
    '  qos_settings:',
    '    duration_secs: []',
    '    pub_count: [1]',
    '    sub_count: [0]',
    '    use_multicast: []',
    '  slave_machines: [{machine_name: a, participant_allocation: all, ip: 127.0.0.1, ssh_key_path: k, username: u, perftest_exec_path: p}]',
    ''].join('\n'));
  const bad = await runCli(['experiment', 'validate', file]);
  expect(bad.code).toBe(1);
  expect(bad.stderr.split('\n').filter(Boolean)).toEqual([
    `${file}:3: experiment "bad": unknown key "colour" (known: experiment_name, combination_generation_type, resuming_test_name, qos_settings, slave_machines, buffer_duration_secs, retries, stop_after_consecutive_failures, rcg_target_test_count, rcg_seed, restart, checks, compress, notify, output_dir, workload)`,
    `${file}:5: experiment "bad": qos_settings.duration_secs: the list is empty, but Perftest needs a value`,
    `${file}:7: experiment "bad": qos_settings.sub_count[0]: expected a whole number ≥ 1, got 0`,
  ]);
  const run = await runCli(['experiment', 'run', file]);
  expect(run.stderr).toBe(`perfhound: ${file}:3: experiment "bad": unknown key "colour" (known: experiment_name, combination_generation_type, resuming_test_name, qos_settings, slave_machines, buffer_duration_secs, retries, stop_after_consecutive_failures, rcg_target_test_count, rcg_seed, restart, checks, compress, notify, output_dir, workload) (and 2 more: run perfhound experiment validate)\n`);
});
