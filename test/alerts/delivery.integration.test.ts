/**
 * The outbox and its delivery over SQLite, PostgreSQL and MariaDB, to real receivers on loopback: a
 * webhook, a Slack-shaped endpoint and an SMTP server. Receivers that fail, hang and come back get every
 * message exactly once, in order per watch, across a restart of the worker; two workers on one database
 * never both send a message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWatch, deliverDue, runWatches, validateChannel } from '../../src/alerts/index.js';
import { insertChannel } from '../../src/store/alerts.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { runCli } from '../support/cli.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { alertFiles, runsFile } from './data.js';
import { httpReceiver, smtpReceiver, type HttpReceiver, type SmtpReceiver } from './receivers.js';
import { readFileSync } from 'node:fs';

const SECRET = 'another-shared-secret-0123456789';

for (const dialect of DIALECTS) {
  describe(`notification delivery (${dialect})`, () => {
    const db = useTestDatabase(dialect);
    const files = alertFiles();
    let hook: HttpReceiver;
    let slack: HttpReceiver;
    let memHook: HttpReceiver;
    let smtp: SmtpReceiver;
    let store: Store;
    beforeAll(async () => {
      [hook, slack, memHook, smtp] = await Promise.all([httpReceiver(), httpReceiver(), httpReceiver(), smtpReceiver({ user: 'perf', pass: 'mail-pass' })]);
      store = await openStore(db.url);
      const channels = [
        { name: 'hook', kind: 'webhook', settings: { url: `${hook.url}/h`, secret: SECRET } },
        { name: 'slack', kind: 'slack', settings: { url: `${slack.url}/services/T/B/X` } },
        { name: 'mail', kind: 'email', settings: { host: '127.0.0.1', port: smtp.port, user: 'perf', password: 'mail-pass', from: 'perfhound@example.org', to: ['team@example.org'] } },
        { name: 'mem-only', kind: 'webhook', settings: { url: `${memHook.url}/mem`, secret: SECRET }, routes: { metrics: ['mem_*'] } },
      ];
      for (const c of channels) await insertChannel(store.db, validateChannel(c), Date.now());
      await addWatch(store, { name: 'w', config: readFileSync(files.config, 'utf8'), channels: ['hook', 'slack', 'mail', 'mem-only'] });
      expect((await runCli(['ingest', 'json', runsFile(files.dir, 'a.json', 0, 30, { cpuStepAt: 14, memStepAt: 22 }), '--db', db.url])).code).toBe(0);
    });
    afterAll(async () => {
      await store?.close();
      await Promise.all([hook?.close(), slack?.close(), memHook?.close(), smtp?.close()]);
    });

    it('one message per new regression group and channel, routed by metric, in the outbox before any delivery', async () => {
      const [outcome] = await runWatches(store);
      expect(outcome).toMatchObject({ watch: 'w', changePoints: 2, newRegressions: 2, notifications: 7 });
      const rows = await store.db.selectFrom('outbox').selectAll().orderBy('id').execute();
      expect(rows.every((r) => r.status === 'pending' && r.attempts === 0)).toBe(true);
      expect(new Set(rows.map((r) => r.idempotency_key)).size).toBe(7);
      expect(hook.received).toHaveLength(0);
    });

    it('receivers that fail, hang and come back get each message once, in order, across a restart of the worker', async () => {
      hook.script = [500, 'hang', 503];
      smtp.script = [451];
      // Later than the watch's run wrote its messages.
      let now = Date.now() + 1000;
      const pass = (s: Store) => deliverDue(s, { now: () => now, sendTimeoutMs: 500, baseBackoffMs: 1000 });
      expect(await pass(store)).toEqual({ delivered: 2, retried: 2, failed: 0 }); // slack 1st, mem-only 1st; hook 500, mail 451
      expect(await pass(store)).toEqual({ delivered: 1, retried: 0, failed: 0 }); // slack 2nd; the others wait for their first
      now += 1000;
      expect(await pass(store)).toEqual({ delivered: 1, retried: 1, failed: 0 }); // mail 1st; hook hangs
      // The worker's process ends here; another one, on its own connection, carries on.
      await store.close();
      store = await openStore(db.url);
      now += 2000;
      expect((await pass(store)).retried).toBe(1); // hook 503
      now += 4000;
      for (let i = 0; i < 4; i++) await pass(store);
      const webhook = hook.received.filter((r) => r.path === '/h').map((r) => (JSON.parse(r.body) as { run: { uuid: string } }).run.uuid);
      expect(webhook).toEqual(['run-014', 'run-022']);
      expect(memHook.received.map((r) => (JSON.parse(r.body) as { metrics: { metric: string }[] }).metrics.map((m) => m.metric))).toEqual([['mem_mem']]);
      expect(slack.received).toHaveLength(2);
      const text = (JSON.parse(slack.received[0].body) as { text: string }).text;
      expect(text).toMatch(/1 new regression in test t1 \(watch w\)/);
      expect(text).toMatch(/run run-014 at 2026-01-01T14:00:00.000Z, version 4.20.14 \(before: run run-013, version 4.20.13\)/);
      expect(text).toMatch(/- cpu_cpu: \+\d+\.\d% \(increase, (9|10)\.\d+ → (19|20)\.\d+\)/);
      expect(smtp.messages).toHaveLength(2);
      expect(smtp.messages[0]).toMatchObject({ from: 'perfhound@example.org', to: ['team@example.org'] });
      expect(smtp.messages[0].data).toMatch(/Subject: \[perfhound\] t1: 1 regression at run run-014 \(cpu_cpu \+\d+\.\d%\)/);
      expect(smtp.messages[0].data).toMatch(/X-Perfhound-Idempotency-Key:\s+[0-9a-f]{64}/);
      const counts = await store.db.selectFrom('outbox').select(['status']).execute();
      expect(counts.every((c) => c.status === 'delivered')).toBe(true);
      const attempts = await store.db.selectFrom('outbox').innerJoin('alert_channels', 'alert_channels.id', 'outbox.channel_id').select(['alert_channels.name', 'outbox.attempts']).where('alert_channels.name', '=', 'hook').orderBy('outbox.id').execute();
      expect(attempts.map((a) => Number(a.attempts))).toEqual([4, 1]);
    });

    it('a receiver refusing a message for good (HTTP 4xx) marks it failed; notify status shows it', async () => {
      await store.db.insertInto('outbox').values({ idempotency_key: 'k'.repeat(64), watch_id: 999, channel_id: (await store.db.selectFrom('alert_channels').select('id').where('name', '=', 'hook').executeTakeFirstOrThrow()).id, payload: JSON.stringify({ idempotencyKey: 'k', metrics: [] }), status: 'pending', attempts: 0, next_attempt_ms: 0, last_error: null, created_ms: 0, delivered_ms: null }).execute();
      hook.script = [410];
      expect(await deliverDue(store)).toEqual({ delivered: 0, retried: 0, failed: 1 });
      const status = JSON.parse((await runCli(['notify', 'status', '--output', 'json', '--db', db.url])).stdout) as { failed: number; undelivered: { lastError: string }[] };
      expect(status.failed).toBe(1);
      expect(status.undelivered[0].lastError).toBe('the receiver answered HTTP 410');
    });

    it('two workers on one database never both deliver a message', async () => {
      const channelId = (await store.db.selectFrom('alert_channels').select('id').where('name', '=', 'hook').executeTakeFirstOrThrow()).id;
      const before = hook.received.length;
      for (let i = 0; i < 40; i++) {
        await store.db.insertInto('outbox').values({ idempotency_key: `race-${String(i).padStart(3, '0')}`, watch_id: 1000 + (i % 20), channel_id: channelId, payload: JSON.stringify({ idempotencyKey: `race-${i}`, metrics: [] }), status: 'pending', attempts: 0, next_attempt_ms: 0, last_error: null, created_ms: 0, delivered_ms: null }).execute();
      }
      const other = await openStore(db.url);
      try {
        const drain = async (s: Store) => {
          for (let i = 0; i < 20; i++) await deliverDue(s, { batch: 5 });
        };
        await Promise.all([drain(store), drain(other)]);
      } finally {
        await other.close();
      }
      const keys = hook.received.slice(before).map((r) => r.headers['idempotency-key']).filter((k) => String(k).startsWith('race-'));
      expect(keys).toHaveLength(40);
      expect(new Set(keys).size).toBe(40);
    });
  });
}
