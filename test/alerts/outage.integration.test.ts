/**
 * A receiver down for an hour, then up (SQLite, PostgreSQL, MariaDB): the delivery worker's clock is
 * injected, so the hour passes in passes every 30 simulated seconds. While the receiver refuses
 * connections every message waits, retried with backoff capped at its maximum; once it is up, every
 * pending notification arrives exactly once, and each watch's in the order they were recorded.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWatch, deliverDue, runWatches, validateChannel } from '../../src/alerts/index.js';
import { insertChannel } from '../../src/store/alerts.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { runCli } from '../support/cli.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { freePort } from '../support/free-port.js';
import { alertFiles, runsFile } from './data.js';
import { httpReceiver, type HttpReceiver } from './receivers.js';

const MINUTE = 60_000;
const MAX_BACKOFF = 5 * MINUTE;

for (const dialect of DIALECTS) {
  describe(`a receiver down for an hour (${dialect})`, () => {
    const db = useTestDatabase(dialect);
    const files = alertFiles();
    let store: Store;
    let port: number;
    let hook: HttpReceiver | undefined;
    beforeAll(async () => {
      store = await openStore(db.url);
      port = await freePort();
      // Nothing listens on the port yet: the receiver is down.
      await insertChannel(store.db, validateChannel({ name: 'hook', kind: 'webhook', settings: { url: `http://127.0.0.1:${port}/h`, secret: 'outage-secret-0123456789' } }), Date.now());
      const config = readFileSync(files.config, 'utf8');
      // Two watches of the same runs: each has its own messages, and its own order to keep.
      for (const name of ['alpha', 'beta']) await addWatch(store, { name, config, channels: ['hook'] });
    });
    afterAll(async () => {
      await store?.close();
      await hook?.close();
    });

    it('every pending notification arrives once, in order per watch, after the receiver comes back', async () => {
      // Two regression groups: cpu up at run 14, mem up at run 22.
      expect((await runCli(['ingest', 'json', runsFile(files.dir, 'a.json', 0, 30, { cpuStepAt: 14, memStepAt: 22 }), '--db', db.url])).code).toBe(0);
      const outcomes = await runWatches(store);
      expect(outcomes.map((o) => [o.watch, o.notifications])).toEqual([['alpha', 2], ['beta', 2]]);

      let now = Date.now() + 1000;
      const pass = () => deliverDue(store, { now: () => now, sendTimeoutMs: 2000, baseBackoffMs: 1000, maxBackoffMs: MAX_BACKOFF });
      const end = now + 60 * MINUTE;
      let tries = 0;
      for (; now < end; now += MINUTE / 2) {
        const r = await pass();
        expect(r.delivered).toBe(0);
        tries += r.retried;
      }
      const waiting = await store.db.selectFrom('outbox').select(['status', 'attempts', 'last_error']).execute();
      expect(waiting.every((m) => m.status === 'pending' && (Number(m.attempts) === 0 || /cannot reach the receiver/.test(m.last_error ?? '')))).toBe(true);
      // Only each watch's oldest message is tried (the others wait behind it), about every 5 minutes once
      // the backoff reached its cap: 1+2+4+…+256 s, then 5 min each, in an hour.
      const attempts = waiting.map((m) => Number(m.attempts)).sort((a, b) => a - b);
      expect(attempts).toEqual([0, 0, expect.any(Number), expect.any(Number)]);
      expect(attempts[2]).toBeGreaterThanOrEqual(15);
      expect(attempts[3]).toBeLessThanOrEqual(25);
      expect(tries).toBe(attempts[2] + attempts[3]);

      hook = await httpReceiver(port);
      for (let i = 0; i < 20 && hook.received.length < 4; i++) {
        now += MAX_BACKOFF;
        await pass();
      }
      const got = hook.received.map((r) => JSON.parse(r.body) as { watch: string; run: { uuid: string }; idempotencyKey: string });
      expect(got).toHaveLength(4);
      expect(new Set(got.map((n) => n.idempotencyKey)).size).toBe(4);
      for (const watch of ['alpha', 'beta']) {
        expect(got.filter((n) => n.watch === watch).map((n) => n.run.uuid)).toEqual(['run-014', 'run-022']);
      }
      // Nothing more arrives, however long the worker runs on.
      for (let i = 0; i < 5; i++) {
        now += MAX_BACKOFF;
        expect(await pass()).toEqual({ delivered: 0, retried: 0, failed: 0 });
      }
      expect(hook.received).toHaveLength(4);
      const statuses = await store.db.selectFrom('outbox').select('status').execute();
      expect(statuses.map((s) => s.status)).toEqual(Array(4).fill('delivered'));
    });
  });
}
