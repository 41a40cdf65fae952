/**
 * The machines of a campaign: ICMP ping through the system `ping`, a TCP connect where ICMP is not
 * allowed, and SSH sessions (ssh2) that run commands with a deadline and fetch files over SFTP.
 *
 * ```ts
 * const ok = await pingMachine(machine, 'icmp', 5);
 * const pinger = new Pinger(); await pingMachine(machine, 'icmp', 5, pinger); pinger.close();
 * const remote = await Remote.connect(machine, key, 10_000);
 * const { code, timedOut } = await remote.run('sleep 1', 5_000);
 * await remote.probe(5_000); // true while the machine's sshd answers on this connection
 * await remote.fetch('out.csv', './local/out.csv');
 * remote.close();
 * ```
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import ssh2 from 'ssh2';
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import { UserError, errorMessage } from '../util/errors.js';
import type { Machine, PingMethod } from './config.js';

const { Client } = ssh2;

/** One ping of the machine: true when it answered within `timeoutSecs`. */
export function pingMachine(machine: Machine, method: PingMethod, timeoutSecs: number, pinger?: Pinger): Promise<boolean> {
  if (method === 'none') return Promise.resolve(true);
  if (method === 'tcp') return tcpConnect(machine.ip, machine.port, timeoutSecs * 1000);
  if (pinger) return pinger.ping(machine.ip, timeoutSecs);
  return new Promise((resolve) => {
    execFile('ping', ['-n', '-c', '1', '-W', pingWait(timeoutSecs), '--', machine.ip], { timeout: (timeoutSecs + 2) * 1000 }, (err) => resolve(!err));
  });
}

const pingWait = (timeoutSecs: number) => String(Math.max(1, Math.ceil(timeoutSecs)));

/**
 * The system `ping`, started by a small shell that lives as long as the campaign: each ping is still one
 * `ping -c 1` of its own (a real ICMP echo), but forked by the shell rather than by this process, whose
 * size makes every fork expensive (on a busy machine the two pings of a test cost more CPU than all the
 * rest of the runner's work for it).
 */
export class Pinger {
  private shell?: ChildProcess;
  private readonly waiting = new Map<number, (ok: boolean) => void>();
  private nextId = 0;
  private buffered = '';

  ping(ip: string, timeoutSecs: number): Promise<boolean> {
    const shell = this.start();
    const id = ++this.nextId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), (timeoutSecs + 2) * 1000);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(ok);
      };
      this.waiting.set(id, done);
      // Addresses are validated as [A-Za-z0-9.:-]+ and passed after `--`: one word, never an option.
      if (!shell.stdin?.writable || !/^[A-Za-z0-9.:-]+$/.test(ip)) return done(false);
      shell.stdin.write(`${id} ${pingWait(timeoutSecs)} ${ip}\n`);
    });
  }

  private start(): ChildProcess {
    if (this.shell && this.shell.exitCode === null && this.shell.signalCode === null) return this.shell;
    const script = 'while read -r id wait ip; do { ping -n -c 1 -W "$wait" -- "$ip" >/dev/null 2>&1; echo "$id $?"; } & done';
    const shell = spawn('sh', ['-c', script], { stdio: ['pipe', 'pipe', 'ignore'] });
    shell.on('error', () => this.failAll());
    shell.on('exit', () => this.failAll());
    shell.stdin!.on('error', () => {});
    shell.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.buffered += chunk;
      const lines = this.buffered.split('\n');
      this.buffered = lines.pop()!;
      for (const line of lines) {
        const [id, code] = line.split(' ');
        this.waiting.get(Number(id))?.(code === '0');
      }
    });
    this.shell = shell;
    return shell;
  }

  private failAll(): void {
    for (const done of [...this.waiting.values()]) done(false);
  }

  close(): void {
    this.shell?.stdin?.end();
    this.shell?.kill();
    this.shell = undefined;
  }
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
  private gone = false;
  /** Resolves when the connection ends (a machine that goes down ends it). */
  readonly ended: Promise<void>;

  private constructor(private readonly client: InstanceType<typeof Client>, readonly machine: Machine) {
    this.ended = new Promise((resolve) => client.once('close', () => ((this.gone = true), resolve())));
    client.on('error', () => {});
  }

  /** Still connected as far as this side knows (not closed here, not ended by the machine). */
  get open(): boolean {
    return !this.closed && !this.gone;
  }

  /**
   * A real SSH check of an open connection: one SFTP request answered by the machine's sshd within
   * `timeoutMs`. False when the connection is gone, the machine does not answer in time, or SFTP fails.
   */
  async probe(timeoutMs: number): Promise<boolean> {
    if (!this.open) return false;
    let timer: NodeJS.Timeout | undefined;
    let gone = () => {};
    const lost = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      gone = () => resolve(false);
      this.client.once('close', gone);
    });
    try {
      return await Promise.race([this.home().then(() => true, () => false), lost]);
    } finally {
      clearTimeout(timer);
      this.client.removeListener('close', gone);
    }
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
        // A machine that goes down may take the connection without closing the channel. A listener, not
        // a callback on `ended`: on a connection kept open across tests those would pile up.
        const gone = () => end(null);
        const end = (code: number | null) => {
          clearTimeout(timer);
          this.client.removeListener('close', gone);
          resolve({ code, stdout, stderr, timedOut });
        };
        if (!this.open) return end(null);
        this.client.once('close', gone);
        channel.on('close', (code: unknown) => end(typeof code === 'number' ? code : null));
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
