/**
 * Watches over SQLite, PostgreSQL and MariaDB: stored, run after each `ingest --watch`, a new regression
 * recorded once (open) and announced once to a real webhook receiver on loopback — never again.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { alertFiles, runsFile } from './data.js';
import { httpReceiver, type HttpReceiver } from './receivers.js';

const SECRET = 'a-shared-secret-of-32-characters';

for (const dialect of DIALECTS) {
  describe(`watches (${dialect})`, () => {
    const db = useTestDatabase(dialect);
    const files = alertFiles();
    let hook: HttpReceiver;
    const cli = (...args: string[]) => runCli([...args, '--db', db.url]);
    beforeAll(async () => {
      hook = await httpReceiver();
    });
    afterAll(async () => hook.close());

    it('refuses a bad channel when it is saved: a bad URL, a missing or short secret', async () => {
      const bad = await cli('notify', 'channel', 'add', 'x', '--kind', 'webhook', '--url', 'not a url', '--secret', SECRET);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/field url: "not a url" is not a URL/);
      const noSecret = await cli('notify', 'channel', 'add', 'x', '--kind', 'webhook', '--url', hook.url);
      expect(noSecret.code).toBe(1);
      expect(noSecret.stderr).toMatch(/field secret: secret is required/);
      const short = await cli('notify', 'channel', 'add', 'x', '--kind', 'webhook', '--url', hook.url, '--secret', 'short');
      expect(short.stderr).toMatch(/at least 16 characters/);
      expect((await cli('notify', 'channel', 'list', '--output', 'json')).stdout.trim()).toBe('[]');
    });

    it('stores a watch with its channel; list shows no secret; remove needs an existing name', async () => {
      expect((await cli('notify', 'channel', 'add', 'hook', '--kind', 'webhook', '--url', `${hook.url}/hook`, '--secret', SECRET)).code).toBe(0);
      const missing = await cli('watch', 'add', 'w', '--config', files.config, '--channel', 'nope');
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/no channel named "nope"/);
      const added = await cli('watch', 'add', 'nightly', '--config', files.config, '--channel', 'hook');
      expect(added.stderr).toBe('');
      expect(added.code).toBe(0);
      const listed = JSON.parse((await cli('watch', 'list', '--output', 'json')).stdout) as { name: string; channels: string[] }[];
      expect(listed.map((w) => [w.name, w.channels])).toEqual([['nightly', ['hook']]]);
      const channels = (await cli('notify', 'channel', 'list', '--output', 'json')).stdout;
      expect(channels).not.toContain(SECRET);
      expect((await cli('watch', 'remove', 'other')).stderr).toMatch(/no watch named "other"/);
    });

    it('an ingest without a change point announces nothing', async () => {
      const r = await cli('ingest', 'json', runsFile(files.dir, 'a.json', 0, 14), '--watch');
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/watch nightly: 0 change points, 0 new regressions, 0 notifications queued/);
      expect(hook.received).toHaveLength(0);
    });

    it('a new regression is recorded open and announced once: signed JSON with the facts and an idempotency key', async () => {
      const r = await cli('ingest', 'json', runsFile(files.dir, 'b.json', 14, 22, { cpuStepAt: 14 }), '--watch');
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/watch nightly: 1 change points, 1 new regressions, 1 notifications queued/);
      expect(hook.received).toHaveLength(1);
      const got = hook.received[0];
      expect(got.path).toBe('/hook');
      expect(got.headers['x-perfhound-signature']).toBe('sha256=' + createHmac('sha256', SECRET).update(got.body).digest('hex'));
      const body = JSON.parse(got.body) as { idempotencyKey: string; metrics: { percentage: number }[] };
      expect(got.headers['idempotency-key']).toBe(body.idempotencyKey);
      expect(body).toMatchObject({ watch: 'nightly', test: 't1', run: { uuid: 'run-014', version: '4.20.14', buildUrl: 'https://ci.example/job/14' }, previousRun: { uuid: 'run-013' } });
      expect(body.metrics).toHaveLength(1);
      expect(body.metrics[0]).toMatchObject({ metric: 'cpu_cpu', direction: 'increase', labels: ['[Jira: perf]'] });
      expect(body.metrics[0].percentage).toBeGreaterThan(90);
      const list = JSON.parse((await cli('regressions', 'list', '--output', 'json')).stdout) as { metric: string; runUuid: string; status: string }[];
      expect(list.map((x) => [x.metric, x.runUuid, x.status])).toEqual([['cpu_cpu', 'run-014', 'open']]);
    });

    it('later ingests and runs never announce it again', async () => {
      const r = await cli('ingest', 'json', runsFile(files.dir, 'c.json', 22, 24, { cpuStepAt: 0 }), '--watch');
      expect(r.stderr).toMatch(/watch nightly: 1 change points, 0 new regressions, 0 notifications queued/);
      const again = await cli('watch', 'run');
      expect(again.stdout).toMatch(/watch nightly: 1 change points, 0 new regressions/);
      expect(hook.received).toHaveLength(1);
      const status = JSON.parse((await cli('notify', 'status', '--output', 'json')).stdout) as Record<string, unknown>;
      expect(status).toMatchObject({ pending: 0, delivered: 1, failed: 0, undelivered: [] });
    });

    it('an ingest that writes no run of the watch does not run it', async () => {
      const other = runsFile(files.dir, 'other.json', 100, 101);
      const text = (await import('node:fs')).readFileSync(other, 'utf8').replace('"AWS"', '"GCP"');
      (await import('node:fs')).writeFileSync(other, text);
      const r = await cli('ingest', 'json', other, '--watch');
      expect(r.code).toBe(0);
      expect(r.stderr).not.toMatch(/watch nightly/);
    });
  });
}
