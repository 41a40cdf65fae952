/**
 * Alerts over the daemon's API (SQLite and PostgreSQL): channels and watches saved (bad ones refused with
 * the field named), an ingest through the API runs the watches it touched, the lifecycle (ack, resolve,
 * silence) and the outbox status; and the CLI's `regressions list|ack|resolve|silence`.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDue } from '../../src/alerts/index.js';
import { runCli } from '../support/cli.js';
import { body, useDaemon } from '../server/support.js';
import { alertFiles, runsFile } from './data.js';
import { httpReceiver, type HttpReceiver } from './receivers.js';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`alerts API (${dialect})`, () => {
    const d = useDaemon(dialect);
    const files = alertFiles();
    let hook: HttpReceiver;
    const post = (url: string, payload: unknown, scope: 'admin' | 'ack' | 'ingest' = 'admin') => d.app.inject({ method: 'POST', url, payload: payload as object, headers: d.auth(scope) });
    beforeAll(async () => {
      hook = await httpReceiver();
    });
    afterAll(async () => hook.close());

    it('refuses a bad channel with the field named, and needs scope admin', async () => {
      const bad = await post('/api/v1/channels', { name: 'h', kind: 'webhook', settings: { url: 'ftp://x' } });
      expect(bad.statusCode).toBe(400);
      expect(body(bad).error).toMatch(/secret is required/);
      const badUrl = await post('/api/v1/channels', { name: 'h', kind: 'webhook', settings: { url: 'ftp://x', secret: 'x'.repeat(20) } });
      expect(body(badUrl).error).toMatch(/field url: the URL must be http or https/);
      const mail = await post('/api/v1/channels', { name: 'm', kind: 'email', settings: { host: 'mail', from: 'nobody', to: ['a@b.c'] } });
      expect(body(mail).error).toMatch(/field from: "nobody" is not an e-mail address/);
      expect((await post('/api/v1/channels', { name: 'h', kind: 'slack', settings: { url: hook.url } }, 'ack')).statusCode).toBe(403);
    });

    it('saves a channel and a watch; the secret is never shown', async () => {
      expect((await post('/api/v1/channels', { name: 'h', kind: 'webhook', settings: { url: hook.url, secret: 'api-secret-0123456789' } })).statusCode).toBe(201);
      const listed = await d.app.inject({ method: 'GET', url: '/api/v1/channels', headers: d.auth('ack') });
      expect(listed.body).not.toContain('api-secret');
      const badWatch = await post('/api/v1/watches', { name: 'w', config: 'tests: [', channels: ['h'] });
      expect(badWatch.statusCode).toBe(400);
      const w = await post('/api/v1/watches', { name: 'w', config: readFileSync(files.config, 'utf8'), channels: ['h'], options: { lookbackSize: 500 } });
      expect(w.statusCode).toBe(201);
      const watches = body<{ watches: { name: string; options: object }[] }>(await d.app.inject({ method: 'GET', url: '/api/v1/watches', headers: d.auth('ack') })).watches;
      expect(watches).toMatchObject([{ name: 'w', options: { lookbackSize: 500 } }]);
    });

    it('an ingest through the API runs the watch; its notification is delivered once', async () => {
      const payload = readFileSync(runsFile(files.dir, 'a.json', 0, 24, { cpuStepAt: 14 }));
      const res = await d.app.inject({ method: 'POST', url: '/api/v1/ingest/json', payload, headers: { ...d.auth('ingest'), 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(200);
      expect(await deliverDue(d.store)).toMatchObject({ delivered: 1 });
      expect(hook.received).toHaveLength(1);
      expect(body(await d.app.inject({ method: 'GET', url: '/api/v1/notify/status', headers: d.auth('ack') }))).toEqual({ pending: 0, delivered: 1, failed: 0 });
    });

    it('the lifecycle over the API: ack with reason by the token, resolve, silence', async () => {
      const [r] = body<{ regressions: { id: number; status: string }[] }>(await d.app.inject({ method: 'GET', url: '/api/v1/regressions?status=open', headers: d.auth('ack') })).regressions;
      const acked = await post(`/api/v1/regressions/${r.id}/ack`, { reason: 'known' }, 'ack');
      expect(body<{ regression: object }>(acked).regression).toMatchObject({ status: 'acknowledged', statusReason: 'known', statusBy: 'test-ack' });
      const resolved = await post(`/api/v1/regressions/${r.id}/resolve`, { reason: 'fixed in 4.21' }, 'ack');
      expect(body<{ regression: object }>(resolved).regression).toMatchObject({ status: 'resolved', statusReason: 'fixed in 4.21', statusBy: 'test-ack' });
      const silence = await post('/api/v1/silences', { metric: 'mem_mem', for: '2d', reason: 'noisy week' }, 'ack');
      expect(silence.statusCode).toBe(201);
      const badSilence = await post('/api/v1/silences', { metric: 'mem_mem', for: 'soon', reason: 'x' }, 'ack');
      expect(body(badSilence).error).toMatch(/field for: expected a duration/);
      expect((await d.app.inject({ method: 'DELETE', url: '/api/v1/watches/w', headers: d.auth('admin') })).statusCode).toBe(200);
      expect((await d.app.inject({ method: 'DELETE', url: '/api/v1/watches/w', headers: d.auth('admin') })).statusCode).toBe(404);
    });
  });
}

describe('perfhound regressions list|ack|resolve|silence', () => {
  const d = useDaemon('sqlite');
  const files = alertFiles();
  const cli = (...args: string[]) => runCli([...args, '--db', d.url]);

  it('acks, resolves and silences from the CLI; a silenced metric is not announced', async () => {
    const hook = await httpReceiver();
    expect((await cli('notify', 'channel', 'add', 'h', '--kind', 'webhook', '--url', hook.url, '--secret', 'cli-secret-0123456789')).code).toBe(0);
    expect((await cli('watch', 'add', 'w', '--config', files.config, '--channel', 'h')).code).toBe(0);
    await cli('ingest', 'json', runsFile(files.dir, 'a.json', 0, 24, { cpuStepAt: 14 }), '--watch');
    const [r] = JSON.parse((await cli('regressions', 'list', '--output', 'json')).stdout) as { id: number }[];
    const noReason = await cli('regressions', 'ack', String(r.id));
    expect(noReason.code).toBe(1);
    expect((await cli('regressions', 'ack', String(r.id), '--reason', 'known', '--by', 'alice')).stdout).toMatch(/acknowledged/);
    const table = (await cli('regressions', 'list', '--status', 'acknowledged')).stdout;
    expect(table).toMatch(/cpu_cpu .*acknowledged +alice +known/);
    expect((await cli('regressions', 'resolve', String(r.id), '--reason', 'fixed')).code).toBe(0);
    expect((await cli('regressions', 'resolve', '999', '--reason', 'x')).stderr).toMatch(/no regression with id 999/);
    expect((await cli('regressions', 'silence', '--metric', 'mem_mem', '--for', '1d', '--reason', 'noisy')).stdout).toMatch(/metric mem_mem silenced until/);
    const memStep = await cli('ingest', 'json', runsFile(files.dir, 'b.json', 24, 34, { cpuStepAt: 0, memStepAt: 24 }), '--watch');
    expect(memStep.stderr).toMatch(/1 new regressions, 0 notifications queued/);
    expect((await cli('regressions', 'list')).stdout).toMatch(/mem_mem \(silenced\)/);
    expect(hook.received.map((m) => (JSON.parse(m.body) as { metrics: { metric: string }[] }).metrics[0].metric)).toEqual(['cpu_cpu']);
    await hook.close();
  });
});

describe('a regression the metric recovers from', () => {
  const d = useDaemon('sqlite');
  const files = alertFiles();

  it('is resolved by the watch when a later change point brings it back within the threshold', async () => {
    expect((await runCli(['watch', 'add', 'w', '--config', files.config, '--db', d.url])).code).toBe(0);
    const r = await runCli(['ingest', 'json', runsFile(files.dir, 'a.json', 0, 34, { cpuStepAt: 12, cpuBackAt: 23 }), '--watch', '--db', d.url]);
    expect(r.stderr).toMatch(/watch w: 1 change points, 1 new regressions, 0 notifications queued, 1 resolved/);
    const list = JSON.parse((await runCli(['regressions', 'list', '--output', 'json', '--db', d.url])).stdout) as { runUuid: string; status: string; statusReason: string | null }[];
    expect(list.map((x) => [x.runUuid, x.status, x.statusReason])).toEqual([['run-012', 'resolved', 'back within 5% at run run-023']]);
  });
});
