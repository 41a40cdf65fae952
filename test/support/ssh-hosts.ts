/**
 * Real OpenSSH servers as the machines of experiment tests (the recipe of real-parts §2): one `sshd` per
 * 127.x.y.z address with its own host key and the test user's key, each in its own PID namespace, so that
 * power-off drops every open session as a real machine would. Needs root, /usr/sbin/sshd and `unshare`.
 * Each host gets a folder with a stand-in Perftest (test/support/perftest-standin.sh); the hosts share
 * one filesystem, so per-host state lives in that folder.
 *
 * @example
 * const host = await startSshHost('127.12.1.2');
 * host.perftest; // the stand-in's path on the "machine", for perftest_exec_path
 * await host.powerOff(); await host.powerOn();
 * await host.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';

// Beside this module, or (compiled into dist-bench/, which copies no shell scripts) from the repository.
const BESIDE = join(dirname(fileURLToPath(import.meta.url)), 'perftest-standin.sh');
const STANDIN = existsSync(BESIDE) ? BESIDE : resolve('test/support/perftest-standin.sh');

const portOpen = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, host);
    s.once('connect', () => (s.destroy(), resolve(true))).once('error', () => resolve(false));
  });

export interface SshHost {
  ip: string;
  port: number;
  username: string;
  /** The test user's private key file. */
  keyPath: string;
  /** This host's own folder. */
  dir: string;
  /** The stand-in Perftest installed in `<dir>/perftest/`. */
  perftest: string;
  /** Writes the stand-in's control file (MODE=…, ROLE=…, SLEEP=…); undefined removes it. */
  control(settings?: Record<string, string | number>): void;
  powerOff(): Promise<void>;
  powerOn(): Promise<void>;
  /** How many times sshd was started (power-ons, reboots). */
  boots(): number;
  /** Reboots itself when a session runs `touch <dir>/reboot-request` (the restart command of the tests). */
  rebootOnRequest(): void;
  stop(): Promise<void>;
}

/**
 * An ed25519 pair that ssh2 can read back. ssh2 drops a leading zero byte of the key when it writes one
 * (about 1 key in 300), then refuses its own file as "Malformed OpenSSH private key": a test that used such
 * a key failed at random.
 */
function usableKeyPair(): { private: string; public: string } {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error)) return pair;
  }
}

export async function startSshHost(ip: string, port = 2222): Promise<SshHost> {
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), `sshd-${ip}-`));
  const host = usableKeyPair();
  const client = usableKeyPair();
  writeFileSync(join(dir, 'hostkey'), host.private, { mode: 0o600 });
  writeFileSync(join(dir, 'client_key'), client.private, { mode: 0o600 });
  writeFileSync(join(dir, 'authorized_keys'), client.public + '\n');
  writeFileSync(join(dir, 'sshd_config'), [
    `ListenAddress ${ip}:${port}`, `HostKey ${dir}/hostkey`, 'PidFile none', `AuthorizedKeysFile ${dir}/authorized_keys`,
    'AuthenticationMethods publickey', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password', 'UsePAM no', 'StrictModes no', 'Subsystem sftp internal-sftp', 'MaxStartups 100',
    // bash sources ~/.bashrc for commands sshd runs unless it is a nested shell; this machine's root
    // .bashrc (shared with the host) may be slow, and a test machine's shell must not depend on it.
    'SetEnv SHLVL=1', ''].join('\n'));
  mkdirSync(join(dir, 'perftest'));
  const perftest = join(dir, 'perftest', 'perftest_publisher');
  copyFileSync(STANDIN, perftest);
  chmodSync(perftest, 0o755);

  let proc: ChildProcess;
  let watcher: NodeJS.Timeout | undefined;
  let rebooting: Promise<void> = Promise.resolve();
  let stopped = false;
  // Another sshd on the address (a leftover of a killed run) would answer the readiness probe instead.
  if (await portOpen(ip, port)) throw new Error(`${ip}:${port} is already in use`);
  let boots = 0;
  const boot = () => (boots++, spawn('unshare', ['--pid', '--fork', '--kill-child', '/usr/sbin/sshd', '-D', '-e', '-f', `${dir}/sshd_config`], { stdio: 'ignore' }));
  const waitUp = async () => {
    for (let i = 0; i < 500; i++) {
      if (await portOpen(ip, port)) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`sshd ${ip}:${port} did not start`);
  };
  const halt = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
    }
  };
  proc = boot();
  await waitUp();
  return {
    ip, port, username: 'root', keyPath: join(dir, 'client_key'), dir, perftest,
    control(settings) {
      const file = join(dir, 'perftest', 'perftest.control');
      if (!settings) rmSync(file, { force: true });
      else writeFileSync(file, Object.entries(settings).map(([k, v]) => `${k}=${v}\n`).join(''));
    },
    powerOff: halt,
    boots: () => boots,
    async powerOn() {
      proc = boot();
      await waitUp();
    },
    rebootOnRequest() {
      const request = join(dir, 'reboot-request');
      watcher = setInterval(() => {
        if (!existsSync(request)) return;
        rmSync(request, { force: true });
        // One reboot after another: two at once would both boot an sshd, and one would outlive stop().
        rebooting = rebooting.catch(() => {}).then(async () => {
          await halt();
          await new Promise((r) => setTimeout(r, 200));
          if (stopped) return;
          proc = boot();
          await waitUp();
        });
      }, 25);
    },
    async stop() {
      stopped = true;
      clearInterval(watcher);
      await rebooting.catch(() => {});
      await halt();
    },
  };
}
