/**
 * Faults during a campaign on real sshd hosts (127.12.2.x): a machine that dies in the middle (retries,
 * the consecutive-failure stop, notifications received by a local HTTP receiver, HMAC-signed), restart
 * before each test (the machine reboots itself and is waited for), RCG without repeats until the space
 * is exhausted.
 */
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { validateExperimentConfig, type ExperimentConfig } from '../../src/experiment/config.js';
import { readEss } from '../../src/experiment/ess.js';
import { signature } from '../../src/experiment/notify.js';
import { runExperiment } from '../../src/experiment/runner.js';
import { getExperiment } from '../../src/store/experiments.js';
import { startSshHost, type SshHost } from '../support/ssh-hosts.js';
import { useTempStore } from '../support/temp-store.js';

const env = useTempStore('experiment-faults-');
let hosts: SshHost[];
let receiver: Server;
let receiverUrl: string;
const received: Array<{ path: string; body: string; signature?: string }> = [];
let failFirst = 0;

beforeAll(async () => {
  hosts = await Promise.all([startSshHost('127.12.2.2'), startSshHost('127.12.2.3')]);
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d)).on('end', () => {
      // The first deliveries fail: the notifier must retry.
      if (failFirst > 0) {
        failFirst--;
        res.writeHead(503).end();
        return;
      }
      received.push({ path: req.url ?? '', body, signature: req.headers['x-perfhound-signature'] as string | undefined });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
});
afterAll(async () => {
  await Promise.all(hosts.map((h) => h.stop()));
  receiver.close();
});

let counter = 0;
function config(overrides: Record<string, unknown>): ExperimentConfig {
  const raw = {
    experiment_name: `faults ${++counter}`,
    combination_generation_type: 'pcg',
    qos_settings: { duration_secs: [1], pub_count: [1], sub_count: [1], datalen_bytes: [100, 200, 300, 400] },
    slave_machines: hosts.map((h, i) => ({
      machine_name: `m${i + 1}`, participant_allocation: i === 0 ? 'pub' : 'sub', ip: h.ip, port: h.port, ssh_key_path: h.keyPath, username: h.username, perftest_exec_path: h.perftest,
    })),
    buffer_duration_secs: 2,
    checks: { ping: 'tcp', attempts: 2, interval_secs: 0.05, timeout_secs: 1 },
    output_dir: join(env.dir, 'out'),
    ...overrides,
  };
  const { experiments, problems } = validateExperimentConfig(JSON.stringify([raw]), 'test.json');
  expect(problems).toEqual([]);
  return experiments[0];
}

it('a machine that dies mid-campaign: retries, then the consecutive-failure stop, notified by webhook and Slack', async () => {
  received.length = 0;
  failFirst = 1;
  const c = config({
    retries: 1,
    stop_after_consecutive_failures: 3,
    notify: { webhook: { url: `${receiverUrl}/hook`, secret: 's3cret' }, slack: { url: `${receiverUrl}/slack` } },
  });
  // The sub machine powers off while the first test runs (once its stand-in Perftest has started).
  hosts[1].control({ SLEEP: 3 });
  writeFileSync(join(hosts[1].dir, 'perftest', 'args.log'), '');
  const dying = (async () => {
    while (!readFileSync(join(hosts[1].dir, 'perftest', 'args.log'), 'utf8')) await new Promise((r) => setTimeout(r, 20));
    await hosts[1].powerOff();
  })();
  let result;
  try {
    result = await runExperiment(c, { store: env.store, notifyRetry: { attempts: 4, firstDelayMs: 50 } });
  } finally {
    await dying;
    hosts[1].control();
    await hosts[1].powerOn();
  }
  expect(result.status).toBe('stopped');
  const ess = (await readEss(result.essPath))!;
  // Test 1 fails twice (retry), test 2 once: three in a row, then the stop; nothing after it.
  expect(ess.map((a) => [a.testName, a.attempt])).toEqual([['1SEC_100B_1PUB_1SUB', 1], ['1SEC_100B_1PUB_1SUB', 2], ['1SEC_200B_1PUB_1SUB', 1]]);
  expect(ess[0]).toMatchObject({ status: 'script_fail', comments: 'm2: exit unknown' });
  expect(ess.slice(1).map((a) => a.status)).toEqual(['ping_check_fail', 'ping_check_fail']);
  expect(ess[1].comments).toBe('machine m2 (127.12.2.3:2222): no answer to TCP connect in 2 attempts');
  expect((await getExperiment(env.store.db, c.name)).status).toBe('stopped');
  // Webhook: signed JSON per event; a stop among them. Slack: text messages.
  const hooks = received.filter((r) => r.path === '/hook');
  const events = hooks.map((h) => (JSON.parse(h.body) as { event: string }).event);
  expect(events).toContain('machine_check_fail');
  expect(events.at(-1)).toBe('campaign_stop');
  for (const h of hooks) expect(h.signature).toBe(signature('s3cret', h.body));
  const stop = JSON.parse(hooks.at(-1)!.body) as { experiment: string; message: string };
  expect(stop).toMatchObject({ experiment: c.name });
  expect(stop.message).toMatch(/^stopped after 3 failed attempts in a row; last: 1SEC_200B_1PUB_1SUB attempt 1: ping_check_fail/);
  expect(received.filter((r) => r.path === '/slack').map((r) => (JSON.parse(r.body) as { text: string }).text)).toContainEqual(expect.stringMatching(/^perfhound experiment "faults \d+": stopped after 3 failed attempts/));
});

it('a notification receiver that is down does not block or fail the campaign', async () => {
  const c = config({ qos_settings: { duration_secs: [1], pub_count: [1], sub_count: [1] }, notify: { webhook: 'http://127.0.0.1:9/none' } });
  const result = await runExperiment(c, { store: env.store, notifyRetry: { attempts: 2, firstDelayMs: 10 } });
  expect(result).toMatchObject({ status: 'completed', passed: 1 });
});

it('restarts the machines before each test and waits for them to answer again', async () => {
  for (const h of hosts) h.rebootOnRequest();
  const before = hosts.map((h) => h.boots());
  const c = config({
    qos_settings: { duration_secs: [1], pub_count: [1], sub_count: [1], datalen_bytes: [100, 200] },
    restart: { mode: 'before_each_test', command: `touch ${hosts[0].dir}/reboot-request ${hosts[1].dir}/reboot-request`, wait_secs: 10 },
  });
  const result = await runExperiment(c, { store: env.store });
  expect(result).toMatchObject({ status: 'completed', passed: 2 });
  // Each machine went down and came back before each of the two tests.
  hosts.forEach((h, i) => expect(h.boots() - before[i]).toBeGreaterThanOrEqual(2));
});

it('RCG draws combinations without repeats, seeded, until the space is exhausted', async () => {
  const c = config({ combination_generation_type: 'rcg', rcg_target_test_count: 10, rcg_seed: 7 });
  const result = await runExperiment(c, { store: env.store });
  expect(result).toMatchObject({ status: 'completed', passed: 4, exhausted: true });
  const names = (await readEss(result.essPath))!.map((a) => a.testName);
  expect([...names].sort()).toEqual(['1SEC_100B_1PUB_1SUB', '1SEC_200B_1PUB_1SUB', '1SEC_300B_1PUB_1SUB', '1SEC_400B_1PUB_1SUB']);
  // A second run finds nothing new to draw: no attempt, still exhausted.
  const again = await runExperiment(c, { store: env.store });
  expect(again).toMatchObject({ status: 'completed', attempts: 0, exhausted: true });
});
