/**
 * `kill -9` of the daemon between recording a regression and delivering its notification: the message is
 * in the outbox (written with the regression), and the next daemon delivers it. Needs `npm run build`
 * (the daemon runs from dist/ as a child process).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/auth/tokens.js';
import { validateChannel } from '../../src/alerts/index.js';
import { insertChannel } from '../../src/store/alerts.js';
import { openStore } from '../../src/store/connect.js';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import { alertFiles, runsFile } from './data.js';
import { httpReceiver, type HttpReceiver } from './receivers.js';

async function startDaemon(db: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/perfhound.cjs', 'serve', '--db', db, '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  for (;;) {
    if (child.exitCode !== null) throw new Error('the daemon ended');
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
    if (up) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 100));
}

describe('kill -9 of the daemon between recording and delivery', () => {
  const files = alertFiles();
  const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'perfhound-kill-')), 'db.sqlite')}`;
  const children: ChildProcess[] = [];
  let receiver: HttpReceiver | undefined;
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await receiver?.close();
  });

  it('the notification recorded before the kill is delivered once by the next daemon', async () => {
    const receiverPort = await freePort(); // nobody listens there yet: the receiver is down
    const store = await openStore(db);
    await insertChannel(store.db, validateChannel({ name: 'h', kind: 'webhook', settings: { url: `http://127.0.0.1:${receiverPort}/h`, secret: 'kill-test-secret-0123' } }), Date.now());
    const { token } = await createToken(store.db, { name: 'ci', scope: 'ingest' });
    await store.close();
    expect((await runCli(['watch', 'add', 'w', '--config', files.config, '--channel', 'h', '--db', db])).code).toBe(0);

    const port = await freePort();
    const first = await startDaemon(db, port);
    children.push(first);
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/ingest/json`, { method: 'POST', body: readFileSync(runsFile(files.dir, 'a.json', 0, 24, { cpuStepAt: 14 })), headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const status = async () => JSON.parse((await runCli(['notify', 'status', '--output', 'json', '--db', db])).stdout) as { pending: number; delivered: number; undelivered: { attempts: number }[] };
    // The worker tried and failed (receiver down): the message waits in the outbox.
    for (let s = await status(); !(s.undelivered[0]?.attempts >= 1); s = await status()) await new Promise((r) => setTimeout(r, 100));
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    expect((await status()).pending).toBe(1);

    receiver = await httpReceiver(receiverPort);
    const second = await startDaemon(db, await freePort());
    children.push(second);
    await until(() => receiver!.received.length > 0);
    const after = await status();
    expect(after).toMatchObject({ pending: 0, delivered: 1 });
    expect(receiver.received).toHaveLength(1);
    expect((JSON.parse(receiver.received[0].body) as { run: { uuid: string } }).run.uuid).toBe('run-014');
  }, 180_000); // two daemon start-ups on a loaded machine
});
