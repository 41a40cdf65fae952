/**
 * Campaigns over real OpenSSH servers (two "machines" on 127.12.1.x) running the stand-in Perftest:
 * PCG over both, the exact command lines, ESS rows, results in the store, compression, and the faults —
 * a machine off before the campaign, a hung test, missing and empty output, bad key path, wrong user.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validateExperimentConfig, type ExperimentConfig } from '../../src/experiment/config.js';
import { readEss } from '../../src/experiment/ess.js';
import { runExperiment } from '../../src/experiment/runner.js';
import { getExperiment } from '../../src/store/experiments.js';
import { getRun } from '../../src/store/runs.js';
import { startSshHost, type SshHost } from '../support/ssh-hosts.js';
import { useTempStore } from '../support/temp-store.js';

const env = useTempStore('experiment-campaign-');
let pub: SshHost;
let sub: SshHost;

beforeAll(async () => {
  [pub, sub] = await Promise.all([startSshHost('127.12.1.2'), startSshHost('127.12.1.3')]);
});
afterAll(async () => {
  await Promise.all([pub?.stop(), sub?.stop()]);
});
beforeEach(() => {
  pub.control();
  sub.control();
  for (const h of [pub, sub]) writeFileSync(join(h.dir, 'perftest', 'args.log'), '');
});

let counter = 0;
function config(overrides: Record<string, unknown> = {}, machineOverrides: Array<Record<string, unknown>> = [{}, {}]): ExperimentConfig {
  const name = `campaign ${++counter}`;
  const raw = {
    experiment_name: name,
    combination_generation_type: 'pcg',
    qos_settings: { duration_secs: [1], datalen_bytes: [100], pub_count: [1], sub_count: [1, 2], use_reliable: [true], use_multicast: [false], durability_level: [], latency_count: [100] },
    slave_machines: [pub, sub].map((h, i) => ({
      machine_name: i === 0 ? 'p1' : 'p2', participant_allocation: i === 0 ? 'pub' : 'sub', ip: h.ip, port: h.port,
      ssh_key_path: h.keyPath, username: h.username, perftest_exec_path: h.perftest, ...machineOverrides[i],
    })),
    buffer_duration_secs: 2,
    retries: 0,
    checks: { ping: 'icmp', attempts: 2, interval_secs: 0.05, timeout_secs: 1 },
    output_dir: join(env.dir, 'out'),
    ...overrides,
  };
  const { experiments, problems } = validateExperimentConfig(JSON.stringify([raw]), 'test.json');
  expect(problems).toEqual([]);
  return experiments[0];
}

/** No live process (zombies aside) works in `dir` within 2 s: the hung stand-in was killed. */
async function goneSoon(dir: string): Promise<boolean> {
  const alive = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).some((p) => {
    try {
      return readlinkSync(`/proc/${p}/cwd`) === dir && !/^State:\s+Z/m.test(readFileSync(`/proc/${p}/status`, 'utf8'));
    } catch {
      return false;
    }
  });
  for (let i = 0; i < 40; i++) {
    if (!alive()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

const args = (h: SshHost) => readFileSync(join(h.dir, 'perftest', 'args.log'), 'utf8').trim().split('\n').filter(Boolean);

describe('a PCG campaign on two machines', () => {
  it('runs every combination with Autoperf\'s command lines, records the ESS and stores the results', async () => {
    const c = config();
    const result = await runExperiment(c, { store: env.store });
    expect(result).toMatchObject({ status: 'completed', attempts: 2, passed: 2, failed: 0 });
    expect(args(pub)).toEqual([
      '-dataLen 100 -pub -outputFile pub_0.csv -numSubscribers 1 -executionTime 1 -latencyCount 100 -batchSize 0 -transport UDPv4',
      '-dataLen 100 -pub -outputFile pub_0.csv -numSubscribers 2 -executionTime 1 -latencyCount 100 -batchSize 0 -transport UDPv4',
    ]);
    expect(args(sub).sort()).toEqual([
      '-dataLen 100 -sub -outputFile sub_0.csv -numPublishers 1 -transport UDPv4',
      '-dataLen 100 -sub -sidMultiSubTest 0 -outputFile sub_0.csv -numPublishers 1 -transport UDPv4',
      '-dataLen 100 -sub -sidMultiSubTest 1 -outputFile sub_1.csv -numPublishers 1 -transport UDPv4',
    ]);
    const ess = (await readEss(result.essPath))!;
    expect(ess.map((a) => [a.testName, a.attempt, a.status, a.pings, a.sshChecks])).toEqual([
      ['1SEC_100B_1PUB_1SUB_REL_UC_100LC', 1, 'success', 1, 1],
      ['1SEC_100B_1PUB_2SUB_REL_UC_100LC', 1, 'success', 1, 1],
    ]);
    expect(ess[1].qos).toEqual({ duration_secs: 1, datalen_bytes: 100, pub_count: 1, sub_count: 2, use_reliable: true, use_multicast: false, latency_count: 100 });
    // Compressed per test, the raw folder gone; the archive holds the fetched files.
    const dir = join(env.dir, 'out', 'campaign_1');
    expect(readdirSync(dir).sort()).toEqual(['1SEC_100B_1PUB_1SUB_REL_UC_100LC.tar.gz', '1SEC_100B_1PUB_2SUB_REL_UC_100LC.tar.gz', 'ess.csv']);
    const listing = execFileSync('python3', ['-c', 'import sys,tarfile; print("\\n".join(tarfile.open(sys.argv[1]).getnames()))', join(dir, '1SEC_100B_1PUB_2SUB_REL_UC_100LC.tar.gz')], { encoding: 'utf8' });
    expect(listing.trim().split('\n').sort()).toEqual(['1SEC_100B_1PUB_2SUB_REL_UC_100LC', '1SEC_100B_1PUB_2SUB_REL_UC_100LC/pub_0.csv', '1SEC_100B_1PUB_2SUB_REL_UC_100LC/sub_0.csv', '1SEC_100B_1PUB_2SUB_REL_UC_100LC/sub_1.csv']);
    // The run in the store: metadata and the summary metrics.
    const run = await getRun(env.store.db, ess[1].runUuid ?? 'experiment:campaign 1:1SEC_100B_1PUB_2SUB_REL_UC_100LC');
    expect(run.metadata).toMatchObject({ experiment: 'campaign 1', test_name: '1SEC_100B_1PUB_2SUB_REL_UC_100LC', sub_count: 2, use_reliable: true, machines: ['p1', 'p2'] });
    const doc = await env.store.db.selectFrom('documents').innerJoin('runs', 'runs.id', 'documents.run_id').select('documents.body').where('runs.uuid', '=', run.uuid).where('documents.metric_name', 'is', null).executeTakeFirstOrThrow();
    expect(JSON.parse(doc.body as string)).toMatchObject({ latency_ave_us: 230, latency_std_us: 299.7, latency_p50_us: 88, latency_p99_9999_us: 902, throughput_total_samples: 5887953 * 2 + 1, throughput_mbps: 3140.8, throughput_lost_samples: 0 });
    const stored = await getExperiment(env.store.db, 'campaign 1');
    expect(stored).toMatchObject({ status: 'completed', plannedTests: 2, testsDone: 2, testsPassed: 2, remaining: 0 });
    expect(stored.attemptRows.map((a) => a.endStatus)).toEqual(['success', 'success']);
  });

  it('refuses to start when a machine is off: a clear error and nothing run', async () => {
    await sub.powerOff();
    try {
      const c = config({ checks: { ping: 'tcp', attempts: 2, interval_secs: 0.05, timeout_secs: 1 } });
      await expect(runExperiment(c, { store: env.store })).rejects.toThrow(/^experiment "campaign \d+": machine p2 \(127\.12\.1\.3:2222\): no answer to TCP connect in 2 attempts; nothing was run$/);
      expect(args(pub)).toEqual([]);
      expect((await getExperiment(env.store.db, c.name)).attemptRows).toEqual([]);
      // With ICMP (every loopback address answers ping) the SSH check is what fails.
      await expect(runExperiment(config(), { store: env.store })).rejects.toThrow(/machine p2 \(127\.12\.1\.3:2222\): SSH failed 2 times: root@127\.12\.1\.3:2222: connection refused; nothing was run/);
    } finally {
      await sub.powerOn();
    }
  });

  it('names a bad key path or a wrong user before anything runs', async () => {
    await expect(runExperiment(config({}, [{ ssh_key_path: join(env.dir, 'no-such-key') }, {}]), { store: env.store })).rejects.toThrow(/^machine p1: cannot read ssh_key_path .*no-such-key: no such file$/);
    await expect(runExperiment(config({}, [{}, { username: 'nobody' }]), { store: env.store })).rejects.toThrow(/machine p2 .*SSH failed 2 times: nobody@127\.12\.1\.3:2222: authentication failed \(wrong user or key\); nothing was run/);
    expect(args(pub)).toEqual([]);
  });

  it('times out a hung test and kills its processes', async () => {
    sub.control({ MODE: 'hang' });
    const c = config({ qos_settings: { duration_secs: [1], pub_count: [1], sub_count: [1] }, buffer_duration_secs: 0.5 });
    const result = await runExperiment(c, { store: env.store });
    expect(result).toMatchObject({ status: 'completed', passed: 0, failed: 1 });
    const [row] = (await readEss(result.essPath))!;
    expect(row).toMatchObject({ testName: '1SEC_1PUB_1SUB', status: 'timeout', comments: 'no end within 1.5 s on p2' });
    // The hung stand-in was killed with its process group.
    expect(existsSync(join(sub.dir, 'perftest', 'hung'))).toBe(true);
    expect(await goneSoon(join(sub.dir, 'perftest'))).toBe(true);
  });

  it('marks missing and empty output, a failing script and output that does not parse; retries each', async () => {
    const statusOf = async (mode: string, retries = 0) => {
      sub.control({ MODE: mode, ROLE: 'sub' });
      const result = await runExperiment(config({ qos_settings: { duration_secs: [1], pub_count: [1], sub_count: [1] }, retries }), { store: env.store });
      return (await readEss(result.essPath))!.map((a) => `${a.status}: ${a.comments}`);
    };
    expect(await statusOf('nothing')).toEqual(['missing_output: p2: sub_0.csv is missing']);
    expect(await statusOf('empty', 1)).toEqual(['empty_output: p2: sub_0.csv is empty', 'empty_output: p2: sub_0.csv is empty']);
    expect(await statusOf('fail')).toEqual(['script_fail: p2: exit 1: perftest: [D0001|CREATE Participant] failed to create participant']);
    expect(await statusOf('garbage')).toEqual(['parse_fail: p2:sub_0.csv: no "Throughput Summary" block']);
    // The raw files of a parse failure are kept.
    expect(existsSync(join(env.dir, 'out', `campaign_${counter}`, '1SEC_1PUB_1SUB', 'sub_0.csv'))).toBe(true);
  });
});
