/**
 * The machines of a campaign: ICMP ping through the system `ping`, a TCP connect where ICMP is not
 * allowed, and SSH sessions (ssh2) that run commands with a deadline and fetch files over SFTP.
 *
 * ```ts
 * const ok = await pingMachine(machine, 'icmp', 5);
 * const remote = await Remote.connect(machine, key, 10_000);
 * const { code, timedOut } = await remote.run('sleep 1', 5_000);
 * await remote.fetch('out.csv', './local/out.csv');
 * remote.close();
 * ```
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import ssh2 from 'ssh2';
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import { UserError, errorMessage } from '../util/errors.js';
import type { Machine, PingMethod } from './config.js';

const { Client } = ssh2;

/** One ping of the machine: true when it answered within `timeoutSecs`. */
export function pingMachine(machine: Machine, method: PingMethod, timeoutSecs: number): Promise<boolean> {
  if (method === 'none') return Promise.resolve(true);
  if (method === 'tcp') return tcpConnect(machine.ip, machine.port, timeoutSecs * 1000);
  return new Promise((resolve) => {
    execFile('ping', ['-c', '1', '-W', String(Math.max(1, Math.ceil(timeoutSecs))), machine.ip], { timeout: (timeoutSecs + 2) * 1000 }, (err) => resolve(!err));
  });
}

export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true)).once('error', () => done(false));
  });
}

/** The machine's private key, or a UserError naming the machine and the key path (no key content). */
export async function readKey(machine: Machine): Promise<Buffer> {
  try {
    return await readFile(machine.keyPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`machine ${machine.name}: cannot read ssh_key_path ${machine.keyPath}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`);
  }
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export class Remote {
  private sftpSession?: Promise<SFTPWrapper>;
  private closed = false;
  /** Resolves when the connection ends (a machine that goes down ends it). */
  readonly ended: Promise<void>;

  private constructor(private readonly client: InstanceType<typeof Client>, readonly machine: Machine) {
    this.ended = new Promise((resolve) => client.once('close', () => resolve()));
    client.on('error', () => {});
  }

  /** Connects and authenticates; the error says why not (refused, timeout, authentication). */
  static connect(machine: Machine, privateKey: Buffer, timeoutMs: number): Promise<Remote> {
    return new Promise((resolve, reject) => {
      const client = new Client();
      client.on('error', () => {}); // later errors of a dropped connection (the first one rejects below)
      const fail = (err: Error) => {
        client.end();
        reject(new Error(`${machine.username}@${machine.ip}:${machine.port}: ${describeSshError(err)}`));
      };
      client.once('ready', () => {
        client.removeListener('error', fail);
        resolve(new Remote(client, machine));
      });
      client.once('error', fail);
      try {
        client.connect({ host: machine.ip, port: machine.port, username: machine.username, privateKey, readyTimeout: timeoutMs, keepaliveInterval: 5000, keepaliveCountMax: 3 });
      } catch (err) {
        fail(err as Error);
      }
    });
  }

  /**
   * Runs `script` in the login shell. Past `timeoutMs` the script's whole process group is killed (the
   * script must print `perfhound-pgid $$` first, as {@link machineScript} does) and `timedOut` is set.
   */
  run(script: string, timeoutMs: number): Promise<RunResult> {
    return new Promise((resolve) => {
      this.client.exec(script, (err, channel: ClientChannel) => {
        if (err) return resolve({ code: null, stdout: '', stderr: errorMessage(err), timedOut: false });
        let stdout = '';
        let stderr = '';
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          const pgid = /perfhound-pgid (\d+)/.exec(stdout)?.[1];
          if (pgid) this.client.exec(`kill -KILL -- -${pgid}`, (e, c) => (e ? channel.close() : c.on('close', () => channel.close()).resume()));
          else channel.close();
        }, timeoutMs);
        channel.on('data', (d: Buffer) => { if (stdout.length < 1e6) stdout += d.toString(); });
        channel.stderr.on('data', (d: Buffer) => { if (stderr.length < 1e6) stderr += d.toString(); });
        const end = (code: number | null) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr, timedOut });
        };
        channel.on('close', (code: unknown) => end(typeof code === 'number' ? code : null));
        // A machine that goes down may take the connection without closing the channel.
        void this.ended.then(() => end(null));
      });
    });
  }

  private sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= new Promise((resolve, reject) => this.client.sftp((err, s) => (err ? reject(err) : resolve(s))));
    return this.sftpSession;
  }

  /** Size of a remote file, or null when there is none. */
  async size(path: string): Promise<number | null> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) => sftp.stat(path, (err, stats) => {
      if (!err) return resolve(stats.size);
      if ((err as { code?: number }).code === 2) return resolve(null); // SSH_FX_NO_SUCH_FILE
      reject(err);
    }));
  }

  async fetch(remotePath: string, localPath: string): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) => sftp.fastGet(remotePath, localPath, (err) => (err ? reject(err) : resolve())));
  }

  async remove(path: string): Promise<void> {
    const sftp = await this.sftp();
    await new Promise<void>((resolve, reject) => sftp.unlink(path, (err) => (err ? reject(err) : resolve())));
  }

  /** The login directory, for paths the remote shell would expand with `~`. */
  async home(): Promise<string> {
    const sftp = await this.sftp();
    return new Promise((resolve, reject) => sftp.realpath('.', (err, p) => (err ? reject(err) : resolve(p))));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.end();
  }
}

function describeSshError(err: Error): string {
  const e = err as Error & { code?: string; level?: string };
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH') return 'host unreachable';
  if (e.level === 'client-authentication') return 'authentication failed (wrong user or key)';
  if (/Timed out/i.test(e.message)) return 'timed out';
  if (/privateKey|Cannot parse/i.test(e.message)) return `the key cannot be used: ${e.message}`;
  return e.message;
}
