/**
 * E-mail over STARTTLS with auth, to a real SMTP server on loopback (the `smtp-server` package) whose
 * certificate is self-signed, made here by `openssl req`: the channel trusts it through its CA file, and
 * the message arrives once, sent inside TLS by the authenticated user. Without the CA the server is not
 * trusted and nothing is sent; a CA file that holds no certificate is refused when the channel is saved.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverDue } from '../../src/alerts/index.js';
import { openStore, type Store } from '../../src/store/connect.js';
import { runCli } from '../support/cli.js';
import { alertFiles, runsFile } from './data.js';

interface Accepted {
  user: unknown;
  secure: boolean;
  from: string;
  to: string[];
  data: string;
}

describe('e-mail over STARTTLS with auth (smtp-server)', () => {
  const files = alertFiles();
  const db = `sqlite:${join(files.dir, 'db.sqlite')}`;
  const cert = join(files.dir, 'cert.pem');
  const key = join(files.dir, 'key.pem');
  const accepted: Accepted[] = [];
  const refusedAuth: string[] = [];
  let server: SMTPServer;
  let port: number;
  let store: Store;
  const cli = (...args: string[]) => runCli([...args, '--db', db]);

  beforeAll(async () => {
    // A certificate for 127.0.0.1, valid for a day, that nothing but the channel's CA file trusts.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=perfhound-test', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    server = new SMTPServer({
      secure: false,
      key: readFileSync(key),
      cert: readFileSync(cert),
      authMethods: ['PLAIN', 'LOGIN'],
      // AUTH only inside TLS (the default, said here because the test depends on it), and mail only after AUTH.
      allowInsecureAuth: false,
      authOptional: false,
      logger: false,
      onAuth(auth, session, callback) {
        if (!session.secure) return callback(new Error('STARTTLS first'));
        if (auth.username !== 'perf' || auth.password !== 'mail-pass') {
          refusedAuth.push(auth.username ?? '');
          return callback(new Error('bad credentials'));
        }
        callback(null, { user: auth.username });
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          accepted.push({ user: session.user, secure: session.secure, from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
    store = await openStore(db);
  });
  afterAll(async () => {
    await store?.close();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it('refuses a CA file without a certificate, or one it cannot read, when the channel is saved', async () => {
    const notPem = join(files.dir, 'not.pem');
    writeFileSync(notPem, 'hello\n');
    const base = ['notify', 'channel', 'add', 'x', '--kind', 'email', '--smtp-host', '127.0.0.1', '--smtp-port', String(port), '--from', 'perfhound@example.org', '--to', 'team@example.org'];
    const bad = await cli(...base, '--smtp-ca', notPem);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/field caFile: holds no PEM certificate/);
    const missing = await cli(...base, '--smtp-ca', join(files.dir, 'nope.pem'));
    expect(missing.stderr).toMatch(/cannot read the CA file .*nope\.pem: ENOENT/);
    expect((await cli('notify', 'channel', 'list', '--output', 'json')).stdout.trim()).toBe('[]');
  });

  it('delivers once, inside TLS, as the authenticated user, trusting the CA file; untrusted without it', async () => {
    process.env.PERFHOUND_SMTP_PASSWORD = 'mail-pass';
    try {
      const mail = (name: string, ...extra: string[]) =>
        cli('notify', 'channel', 'add', name, '--kind', 'email', '--smtp-host', '127.0.0.1', '--smtp-port', String(port), '--starttls', '--smtp-user', 'perf', '--from', 'perfhound@example.org', '--to', 'team@example.org', ...extra);
      expect((await mail('trusting', '--smtp-ca', cert)).code).toBe(0);
      expect((await mail('untrusting')).code).toBe(0);
    } finally {
      delete process.env.PERFHOUND_SMTP_PASSWORD;
    }
    const listed = JSON.parse((await cli('notify', 'channel', 'list', '--output', 'json')).stdout) as { name: string; settings: Record<string, unknown> }[];
    expect(listed.find((c) => c.name === 'trusting')?.settings).toMatchObject({ ca: '1 PEM certificate(s)', password: '***', starttls: true });
    expect((await cli('watch', 'add', 'w', '--config', files.config, '--channel', 'trusting', '--channel', 'untrusting')).code).toBe(0);
    expect((await cli('ingest', 'json', runsFile(files.dir, 'a.json', 0, 24, { cpuStepAt: 14 }))).code).toBe(0);
    expect((await cli('watch', 'run', '--no-deliver')).stdout).toMatch(/watch w: 1 change points, 1 new regressions, 2 notifications queued/);

    const first = await deliverDue(store, { now: () => Date.now() + 1000, sendTimeoutMs: 5000 });
    expect(first).toEqual({ delivered: 1, retried: 1, failed: 0 });
    // Later passes and runs of the watch send nothing more to the server.
    await deliverDue(store, { now: () => Date.now() + 60_000, sendTimeoutMs: 5000 });
    expect((await cli('watch', 'run')).stdout).toMatch(/0 new regressions, 0 notifications queued/);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({ user: 'perf', secure: true, from: 'perfhound@example.org', to: ['team@example.org'] });
    expect(accepted[0].data).toMatch(/Subject: \[perfhound\] t1: 1 regression at run run-014 \(cpu_cpu \+\d+\.\d%\)/);
    expect(refusedAuth).toEqual([]);

    const status = JSON.parse((await cli('notify', 'status', '--output', 'json')).stdout) as { delivered: number; pending: number; undelivered: { channel: string; lastError: string }[] };
    expect(status).toMatchObject({ delivered: 1, pending: 1 });
    expect(status.undelivered).toEqual([expect.objectContaining({ channel: 'untrusting', lastError: expect.stringMatching(/self[- ]signed certificate/) })]);
  });
});
