/**
 * Runs one experiment (a campaign of tests) over SSH machines, resumable at any point: every attempt is
 * recorded when it starts and again when it ends (store + ESS), so after Ctrl-C, `kill -9` or a dead
 * machine the next run closes the open attempt as `interrupted`, skips every test that succeeded or used
 * up its retries, and goes on.
 *
 * Per test: ping and SSH checks with counted attempts, an optional restart (and wait for ping + SSH), old
 * outputs removed, the workload run on all machines in parallel under a deadline, outputs fetched over
 * SFTP and checked, results parsed and stored as a run, the test's folder compressed. A failed attempt is
 * retried up to `retries` times; `stop_after_consecutive_failures` failed attempts in a row stop the
 * campaign with a notification.
 *
 * ```ts
 * const result = await runExperiment(config, { store, onProgress: (e) => console.error(e) });
 * // result.status: 'completed' | 'stopped' | 'interrupted'
 * ```
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Store } from '../store/connect.js';
import { listAttempts, saveAttempt, saveExperiment, setExperimentStatus, type AttemptRow } from '../store/experiments.js';
import { writeRun } from '../store/runs.js';
import { UserError, errorMessage } from '../util/errors.js';
import { logger } from '../util/log.js';
import { asObject, parseTestName, rcgOrder, Space, testName, type Combination } from './combinations.js';
import { safeName, type ExperimentConfig, type Machine, type QosValue } from './config.js';
import { readEss, writeEss, type Attempt, type EndStatus } from './ess.js';
import { Notifier } from './notify.js';
import { cleanCommand, machineScript, perftestPlan, remoteDirname, shellQuote } from './perftest.js';
import { Pinger, pingMachine, readKey, Remote, tcpConnect } from './remote.js';
import { resultsOf, type FetchedFile } from './results.js';
import { tarGzFolder } from './tar.js';

export type ProgressEvent =
  | { type: 'attempt_start'; test: string; attempt: number; done: number; planned: number }
  | { type: 'attempt_end'; test: string; attempt: number; status: EndStatus; seconds: number; done: number; planned: number; comments: string }
  | { type: 'skip'; test: string; reason: string };

export interface RunOptions {
  store: Store;
  onProgress?: (e: ProgressEvent) => void;
  /** Aborting ends the running attempt as `interrupted` and the campaign (Ctrl-C). */
  signal?: AbortSignal;
  /** Delivery settings of notifications (tests shorten the backoff). */
  notifyRetry?: { attempts?: number; firstDelayMs?: number };
}

export interface CampaignResult {
  experiment: string;
  status: 'completed' | 'stopped' | 'interrupted';
  /** Attempts made by this run. */
  attempts: number;
  passed: number;
  failed: number;
  /** RCG: the space had fewer new combinations than the target. */
  exhausted: boolean;
  essPath: string;
}

/** The ESS path and folder of an experiment. */
export function experimentDir(config: ExperimentConfig): string {
  return join(config.outputDir, safeName(config.name));
}

/** Tests the campaign plans: PCG all combinations, RCG its target (or the whole space when smaller). */
export function plannedTests(config: ExperimentConfig): number {
  const size = new Space(config.qos).size;
  return config.generation === 'pcg' ? size : Math.min(size, config.rcgTargetTestCount);
}

const toRow = (a: Attempt): AttemptRow => ({
  testName: a.testName, attempt: a.attempt, startMs: a.startMs, endMs: a.endMs, pings: a.pings, sshChecks: a.sshChecks,
  endStatus: a.status, combination: JSON.stringify(a.qos), comments: a.comments, runUuid: a.runUuid,
});
const fromRow = (r: AttemptRow): Attempt => ({
  testName: r.testName, attempt: r.attempt, startMs: r.startMs, endMs: r.endMs, pings: r.pings, sshChecks: r.sshChecks,
  status: r.endStatus as EndStatus | null, qos: JSON.parse(r.combination) as Record<string, QosValue>, comments: r.comments, runUuid: r.runUuid,
});

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** A failed check: which machine, what failed, why. */
class CheckFailure extends Error {
  constructor(readonly status: EndStatus, readonly machine: Machine, message: string, readonly pings: number, readonly sshChecks: number) {
    super(`machine ${machine.name} (${machine.ip}:${machine.port}): ${message}`);
  }
}

interface MachineSession {
  machine: Machine;
  remote: Remote;
  pings: number;
  sshChecks: number;
}

export class Campaign {
  private readonly dir: string;
  private readonly essPath: string;
  private readonly notifier: Notifier;
  private readonly space: Space;
  private readonly keys = new Map<string, Buffer>();
  /** One SSH connection per machine, kept open across tests; each test's SSH check probes it (or reconnects). */
  private readonly connections = new Map<string, Remote>();
  private readonly pinger = new Pinger();
  private attempts: Attempt[] = [];
  private experimentId = 0;
  private consecutiveFailures = 0;

  constructor(private readonly config: ExperimentConfig, private readonly options: RunOptions) {
    this.dir = experimentDir(config);
    this.essPath = join(this.dir, 'ess.csv');
    this.notifier = new Notifier(config.notify, options.notifyRetry);
    this.space = new Space(config.qos);
  }

  async run(): Promise<CampaignResult> {
    const { config, options } = this;
    const result: CampaignResult = { experiment: config.name, status: 'completed', attempts: 0, passed: 0, failed: 0, exhausted: false, essPath: this.essPath };
    const resumeFrom = this.resumeCombination();
    for (const m of config.machines) if (!this.keys.has(m.name)) this.keys.set(m.name, await readKey(m));
    await mkdir(this.dir, { recursive: true });
    await this.loadAttempts();
    try {
      // Nothing runs unless every machine answers first (the seed's system story, step 1).
      await this.preCampaignChecks();
      if (config.restart.mode === 'before_campaign') {
        await this.restartAll(await this.checkAll());
      }
      const tests = this.sequence(resumeFrom);
      let distinct = new Set(this.attempts.filter((a) => a.status !== 'interrupted' && a.status !== null).map((a) => a.testName)).size;
      for (;;) {
        if (config.generation === 'rcg' && distinct >= config.rcgTargetTestCount) break;
        const next = tests.next();
        if (next.done) {
          result.exhausted = config.generation === 'rcg' && distinct < config.rcgTargetTestCount;
          if (result.exhausted) logger().warn(`experiment "${config.name}": the RCG space is exhausted after ${distinct} tests (target ${config.rcgTargetTestCount})`);
          break;
        }
        const combination = next.value;
        const name = testName(combination, config.workload);
        const previous = this.attempts.filter((a) => a.testName === name);
        if (previous.some((a) => a.status === 'success')) {
          options.onProgress?.({ type: 'skip', test: name, reason: 'succeeded before' });
          continue;
        }
        let failures = previous.filter((a) => a.status !== 'interrupted').length;
        if (failures > config.retries) {
          options.onProgress?.({ type: 'skip', test: name, reason: `failed ${failures} times before` });
          continue;
        }
        if (!previous.length || previous.every((a) => a.status === 'interrupted')) distinct += config.generation === 'rcg' ? 1 : 0;
        while (failures <= config.retries) {
          const status = await this.attempt(combination, name, this.nextAttemptNumber(name));
          result.attempts++;
          if (status === 'interrupted') {
            result.status = 'interrupted';
            return result;
          }
          if (status === 'success') {
            result.passed++;
            this.consecutiveFailures = 0;
            break;
          }
          failures++;
          this.consecutiveFailures++;
          if (this.consecutiveFailures >= config.stopAfterConsecutiveFailures) {
            result.failed++;
            result.status = 'stopped';
            const last = this.attempts.at(-1)!;
            this.notifier.send({
              event: 'campaign_stop', experiment: config.name,
              message: `stopped after ${this.consecutiveFailures} failed attempts in a row; last: ${last.testName} attempt ${last.attempt}: ${last.status}${last.comments ? ` (${last.comments})` : ''}`,
              details: { test: last.testName, status: last.status },
            });
            return result;
          }
          if (failures > config.retries) result.failed++;
        }
      }
      return result;
    } finally {
      const final = result.status === 'completed' ? 'completed' : result.status === 'stopped' ? 'stopped' : 'interrupted';
      this.closeConnections();
      this.pinger.close();
      await setExperimentStatus(this.options.store.db, this.experimentId, final).catch(() => {});
      if (result.status === 'completed') {
        this.notifier.send({ event: 'campaign_end', experiment: config.name, message: `ended: ${result.passed} passed, ${result.failed} failed in ${result.attempts} attempts${result.exhausted ? ' (RCG space exhausted)' : ''}` });
      }
      await this.notifier.flush(15_000);
    }
  }

  private nextAttemptNumber(name: string): number {
    return Math.max(0, ...this.attempts.filter((a) => a.testName === name).map((a) => a.attempt)) + 1;
  }

  /** `resuming_test_name`, checked before anything runs. */
  private resumeCombination(): Combination | null {
    const name = this.config.resumingTestName;
    if (!name) return null;
    const c = parseTestName(name, this.space, this.config.workload);
    if (!c) throw new UserError(`experiment "${this.config.name}": resuming_test_name: "${name}" is not a test of this experiment's QoS settings`, { field: 'resuming_test_name' });
    return c;
  }

  private *sequence(from: Combination | null): Generator<Combination> {
    const key = (c: Combination) => JSON.stringify(c);
    if (this.config.generation === 'pcg') {
      let started = from === null;
      for (const c of this.space.pcg()) {
        started ||= key(c) === key(from!);
        if (started) yield c;
      }
      return;
    }
    if (from) yield from;
    const ess = new Set(this.attempts.map((a) => a.testName));
    for (const c of rcgOrder(this.space, this.config.rcgSeed)) {
      if (from && key(c) === key(from)) continue;
      const name = testName(c, this.config.workload);
      // None already in the ESS, unless it is unfinished (interrupted, or retries left).
      if (ess.has(name) && !this.unfinished(name)) continue;
      yield c;
    }
  }

  private unfinished(name: string): boolean {
    const list = this.attempts.filter((a) => a.testName === name);
    if (list.some((a) => a.status === 'success')) return false;
    return list.filter((a) => a.status !== 'interrupted').length <= this.config.retries;
  }

  /** The experiment's row, its attempts (from the store, else from an ESS found on disk), open attempts closed. */
  private async loadAttempts(): Promise<void> {
    const { store } = this.options;
    this.experimentId = await saveExperiment(store.db, {
      name: this.config.name, config: JSON.stringify({ ...this.config, notify: Object.keys(this.config.notify) }), status: 'running', plannedTests: plannedTests(this.config),
    });
    this.attempts = (await listAttempts(store.db, this.experimentId)).map(fromRow);
    if (!this.attempts.length) {
      const ess = await readEss(this.essPath);
      if (ess?.length) {
        logger().info(`experiment "${this.config.name}": resuming from ${ess.length} ESS rows`);
        await store.transaction(async (trx) => { for (const a of ess) await saveAttempt(trx, this.experimentId, toRow(a)); });
        this.attempts = ess;
      }
    }
    const now = Date.now();
    for (const a of this.attempts) {
      if (a.status !== null) continue;
      a.status = 'interrupted';
      a.endMs = now;
      a.comments = [a.comments, 'the runner stopped before the attempt ended'].filter(Boolean).join('; ');
      await saveAttempt(store.db, this.experimentId, toRow(a));
    }
    // The failures in a row at the end of the ESS still count.
    for (const a of [...this.attempts].reverse()) {
      if (a.status === 'interrupted') continue;
      if (a.status === 'success') break;
      this.consecutiveFailures++;
    }
    await writeEss(this.essPath, this.attempts);
  }

  /** The attempt into the store, then the ESS (flushed to disk only when `durable`: an attempt's start row is superseded within the test). */
  private async record(a: Attempt, durable = true): Promise<void> {
    await saveAttempt(this.options.store.db, this.experimentId, toRow(a));
    await writeEss(this.essPath, this.attempts, { sync: durable });
  }

  private closeConnections(names: Iterable<string> = [...this.connections.keys()]): void {
    for (const name of names) {
      this.connections.get(name)?.close();
      this.connections.delete(name);
    }
  }

  private async preCampaignChecks(): Promise<void> {
    try {
      await this.checkAll();
    } catch (err) {
      if (!(err instanceof CheckFailure)) throw err;
      await setExperimentStatus(this.options.store.db, this.experimentId, 'failed');
      this.notifier.send({ event: 'machine_check_fail', experiment: this.config.name, message: `before the campaign: ${err.message}`, details: { machine: err.machine.name, status: err.status } });
      await this.notifier.flush(15_000);
      throw new UserError(`experiment "${this.config.name}": ${err.message}; nothing was run`);
    }
  }

  /** Pings then SSH-connects every machine (in parallel), each with counted attempts. */
  private async checkAll(): Promise<MachineSession[]> {
    const settled = await Promise.allSettled(this.config.machines.map((m) => this.check(m)));
    const sessions = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
    if (failed.length) {
      const checks = failed.filter((f): f is CheckFailure => f instanceof CheckFailure);
      if (checks.length < failed.length) throw failed.find((f) => !(f instanceof CheckFailure));
      // Every machine that failed, named; the first one's status.
      const [first] = checks;
      throw Object.assign(new CheckFailure(first.status, first.machine, '', Math.max(...checks.map((c) => c.pings)), Math.max(...checks.map((c) => c.sshChecks))), { message: checks.map((c) => c.message).join('; ') });
    }
    return sessions;
  }

  /**
   * Ping with counted attempts, then SSH: the machine's open connection must answer a request (probed
   * while the ping runs; its answer counts only when the ping succeeded), else it is dropped and the
   * machine reconnected with counted attempts. Every connection is a fresh login the first time and after
   * any failure or restart.
   */
  private async check(machine: Machine): Promise<MachineSession> {
    const { checks } = this.config;
    const kept = this.connections.get(machine.name);
    const probed = kept ? kept.probe(checks.timeoutSecs * 1000) : Promise.resolve(false);
    let pings = 0;
    let up = false;
    while (!up && pings < checks.attempts) {
      if (pings) await sleep(checks.intervalSecs * 1000, this.options.signal);
      pings++;
      up = await pingMachine(machine, checks.ping, checks.timeoutSecs, this.pinger);
    }
    pings = checks.ping === 'none' ? 0 : pings;
    if (!up) {
      await probed;
      this.closeConnections([machine.name]);
      throw new CheckFailure('ping_check_fail', machine, `no answer to ${checks.ping === 'tcp' ? 'TCP connect' : 'ping'} in ${pings} attempts`, pings, 0);
    }
    if (kept && (await probed)) return { machine, remote: kept, pings, sshChecks: 1 };
    this.closeConnections([machine.name]);
    let sshChecks = 0;
    let lastError = '';
    while (sshChecks < checks.attempts) {
      if (sshChecks) await sleep(checks.intervalSecs * 1000, this.options.signal);
      sshChecks++;
      try {
        const remote = await Remote.connect(machine, this.keys.get(machine.name)!, checks.timeoutSecs * 1000);
        this.connections.set(machine.name, remote);
        return { machine, remote, pings, sshChecks };
      } catch (err) {
        lastError = errorMessage(err);
      }
    }
    throw new CheckFailure('ssh_check_fail', machine, `SSH failed ${sshChecks} times: ${lastError}`, pings, sshChecks);
  }

  /** Sends the restart command to every machine, waits for it to go down and to answer ping + SSH again. */
  private async restartAll(sessions: MachineSession[]): Promise<void> {
    const { restart } = this.config;
    const deadline = Date.now() + restart.waitSecs * 1000;
    await Promise.all(sessions.map(async (s) => {
      void s.remote.run(restart.command, restart.waitSecs * 1000);
      // The session ends when the machine goes down; a machine that never does is waited for no longer than allowed.
      await Promise.race([s.remote.ended, sleep(Math.max(0, deadline - Date.now()))]);
      this.closeConnections([s.machine.name]);
      for (;;) {
        if (Date.now() >= deadline) throw new CheckFailure('restart_fail', s.machine, `not back ${restart.waitSecs} s after "${restart.command}"`, s.pings, s.sshChecks);
        if (await pingMachine(s.machine, this.config.checks.ping, 1, this.pinger)) {
          if (await tcpConnect(s.machine.ip, s.machine.port, 1000)) {
            try {
              s.remote = await Remote.connect(s.machine, this.keys.get(s.machine.name)!, Math.min(10_000, Math.max(1000, deadline - Date.now())));
              this.connections.set(s.machine.name, s.remote);
              return;
            } catch {
              /* still booting */
            }
          }
        }
        await sleep(Math.max(100, this.config.checks.intervalSecs * 1000), this.options.signal);
      }
    }));
  }

  private timeoutMs(qos: Record<string, QosValue>): number {
    const { workload, bufferSecs } = this.config;
    const duration = typeof qos.duration_secs === 'number' ? qos.duration_secs : workload.kind === 'command' ? workload.timeoutSecs : 0;
    const buffer = bufferSecs ?? Math.max(0.05 * duration, 60);
    return (duration + buffer) * 1000;
  }

  /** Each machine's script and the files it must produce. */
  private plan(qos: Record<string, QosValue>, name: string): Array<{ machine: Machine; script: string; dir: string; outputs: string[] }> {
    const { workload, machines } = this.config;
    if (workload.kind === 'perftest') {
      return perftestPlan(qos, machines).map((p) => {
        const dir = remoteDirname(p.machine.execPath);
        const exe = `./${shellQuote(basename(p.machine.execPath))}`;
        return { machine: p.machine, dir, outputs: p.outputs, script: machineScript(dir, p.args.map((a) => `${exe} ${a}`), [cleanCommand(p.outputs)]) };
      });
    }
    return machines.map((machine) => {
      const fill = (text: string) => text.replace(/\{([a-z_][a-z0-9_]*)\}/g, (all, key: string) =>
        key === 'test_name' ? name : key === 'machine_name' ? shellQuote(machine.name) : key in qos ? String(qos[key]) : all);
      const outputs = workload.outputs.map(fill);
      return { machine, dir: workload.workdir, outputs, script: machineScript(workload.workdir, [`(\n${fill(workload.command)}\n)`], [cleanCommand(outputs)]) };
    });
  }

  private async attempt(combination: Combination, name: string, number: number): Promise<EndStatus> {
    const qos = asObject(combination);
    const { signal, onProgress } = this.options;
    const planned = plannedTests(this.config);
    const done = () => new Set(this.attempts.filter((a) => a.status !== null && a.status !== 'interrupted').map((a) => a.testName)).size;
    const a: Attempt = { testName: name, attempt: number, startMs: Date.now(), endMs: null, pings: 0, sshChecks: 0, status: null, qos, comments: '', runUuid: null };
    this.attempts.push(a);
    // The checks change nothing on the machines: they run while the attempt's start is recorded; the
    // workload starts only after it is.
    const checked = this.checkAll().then((sessions) => ({ sessions }), (err: unknown) => ({ err }));
    try {
      await this.record(a, false);
    } catch (err) {
      await checked;
      throw err;
    }
    onProgress?.({ type: 'attempt_start', test: name, attempt: number, done: done(), planned });
    const aborted = new Promise<'interrupted'>((resolve) => {
      if (signal?.aborted) resolve('interrupted');
      signal?.addEventListener('abort', () => resolve('interrupted'), { once: true });
    });
    let sessions: MachineSession[] = [];
    const work = async (): Promise<{ status: EndStatus; comments: string[] }> => {
      const checks = await checked;
      if ('sessions' in checks) sessions = checks.sessions;
      else {
        const err = checks.err;
        if (!(err instanceof CheckFailure)) throw err;
        a.pings = err.pings;
        a.sshChecks = err.sshChecks;
        this.notifier.send({ event: 'machine_check_fail', experiment: this.config.name, message: `${name} attempt ${number}: ${err.message}`, details: { test: name, machine: err.machine.name, status: err.status } });
        return { status: err.status, comments: [err.message] };
      }
      a.pings = Math.max(...sessions.map((s) => s.pings));
      a.sshChecks = Math.max(...sessions.map((s) => s.sshChecks));
      if (this.config.restart.mode === 'before_each_test') {
        try {
          await this.restartAll(sessions);
        } catch (err) {
          if (!(err instanceof CheckFailure)) throw err;
          this.notifier.send({ event: 'machine_check_fail', experiment: this.config.name, message: `${name} attempt ${number}: ${err.message}`, details: { test: name, machine: err.machine.name, status: err.status } });
          return { status: 'restart_fail', comments: [err.message] };
        }
      }
      return this.execute(sessions, qos, name, number, a);
    };
    let outcome: { status: EndStatus; comments: string[] };
    let broken = false;
    try {
      const raced = await Promise.race([work(), aborted]);
      outcome = raced === 'interrupted' ? { status: 'interrupted', comments: ['stopped by the user'] } : raced;
    } catch (err) {
      broken = true;
      outcome = { status: 'script_fail', comments: [`runner error: ${errorMessage(err)}`] };
    }
    // The connections stay open for the next test, unless this one was stopped (its channels with them)
    // or broke in the runner (the next test logs in afresh).
    if (outcome.status === 'interrupted') this.closeConnections();
    else if (broken) this.closeConnections(sessions.map((s) => s.machine.name));
    if (a.status === 'success') outcome = { status: 'success', comments: [] }; // stored before an abort arrived
    if (outcome.status !== 'success') {
      // A success was recorded with its run, in one transaction.
      a.status = outcome.status;
      a.comments = outcome.comments.join('; ');
      a.endMs = Date.now();
      await this.record(a);
    }
    onProgress?.({ type: 'attempt_end', test: name, attempt: number, status: a.status!, seconds: (a.endMs! - a.startMs) / 1000, done: done(), planned, comments: a.comments });
    return outcome.status;
  }

  /** Runs the workload, fetches, checks, stores; the attempt's status. */
  private async execute(sessions: MachineSession[], qos: Record<string, QosValue>, name: string, number: number, a: Attempt): Promise<{ status: EndStatus; comments: string[] }> {
    const plans = this.plan(qos, name);
    const timeout = this.timeoutMs(qos);
    const byName = new Map(sessions.map((s) => [s.machine.name, s]));
    const runs = await Promise.all(plans.map(async (p) => ({ p, r: await byName.get(p.machine.name)!.remote.run(p.script, timeout) })));
    const timedOut = runs.filter(({ r }) => r.timedOut).map(({ p }) => p.machine.name);
    if (timedOut.length) return { status: 'timeout', comments: [`no end within ${timeout / 1000} s on ${timedOut.join(', ')}`] };
    const failed = runs.filter(({ r }) => r.code !== 0);
    if (failed.length) {
      return { status: 'script_fail', comments: failed.map(({ p, r }) => `${p.machine.name}: exit ${r.code ?? 'unknown'}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-2).join(' / ').slice(0, 300)}` : ''}`) };
    }
    // Fetch into <experiment>/<test>/, moving a failed attempt's files aside.
    const local = join(this.dir, name);
    if (await exists(local)) await rename(local, `${local}.attempt${number - 1}-${Date.now()}`);
    await mkdir(local, { recursive: true });
    const perMachineFolder = this.config.workload.kind === 'command' && plans.length > 1;
    // Every machine's and every file's SFTP requests at once; files and problems listed in plan order.
    const fetched = await Promise.all(plans.map(async (p) => {
      const remote = byName.get(p.machine.name)!.remote;
      const dir = p.dir === '' || p.dir === '~' ? '' : p.dir.startsWith('~/') ? p.dir.slice(2) : p.dir; // SFTP paths start at the login folder
      const target = perMachineFolder ? join(local, safeName(p.machine.name)) : local;
      if (perMachineFolder) await mkdir(target, { recursive: true });
      return Promise.all(p.outputs.map(async (out) => {
        const remoteFile = out.startsWith('/') ? out : dir ? `${dir}/${out}` : out;
        const size = await remote.size(remoteFile);
        if (size === null) return { problem: { status: 'missing_output' as const, text: `${p.machine.name}: ${out} is missing` } };
        const file = join(target, basename(out));
        await remote.fetch(remoteFile, file);
        // Fetched files leave the machine (Autoperf did the same); outputs are also removed before each run.
        await remote.remove(remoteFile).catch(() => {});
        return {
          file: { machine: p.machine.name, name: basename(out), local: file },
          problem: size === 0 ? { status: 'empty_output' as const, text: `${p.machine.name}: ${out} is empty` } : undefined,
        };
      }));
    }));
    const files: FetchedFile[] = fetched.flat().flatMap((f) => (f.file ? [f.file] : []));
    const problems: Array<{ status: EndStatus; text: string }> = fetched.flat().flatMap((f) => (f.problem ? [f.problem] : []));
    if (problems.length) return { status: problems.some((x) => x.status === 'missing_output') ? 'missing_output' : 'empty_output', comments: problems.map((x) => x.text) };
    const parser = this.config.workload.kind === 'perftest' ? 'perftest' : this.config.workload.parser;
    const results = parser === 'none' ? null : await resultsOf(this.config, name, qos, number, a.startMs, files);
    if (typeof results === 'string') return { status: 'parse_fail', comments: [results] };
    const comments: string[] = [];
    if (this.config.compress) {
      try {
        await tarGzFolder(local, `${local}.tar.gz`);
        await rm(local, { recursive: true, force: true });
      } catch (err) {
        comments.push(`compression failed: ${errorMessage(err)}`);
        logger().warn(`experiment "${this.config.name}": ${name}: compression failed: ${errorMessage(err)}`);
      }
    }
    a.status = 'success';
    a.endMs = Date.now();
    a.comments = comments.join('; ');
    a.runUuid = results?.run.uuid ?? null;
    // The run and the attempt's success in one transaction: neither is written without the other. The
    // ESS (a view of the store's attempts, rewritten whole on resume) is written meanwhile.
    await Promise.all([
      this.options.store.writeTransaction(async (trx) => {
        if (results) await writeRun(trx, results.run, results.documents);
        await saveAttempt(trx, this.experimentId, toRow(a));
      }),
      writeEss(this.essPath, this.attempts),
    ]);
    return { status: 'success', comments };
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

export function runExperiment(config: ExperimentConfig, options: RunOptions): Promise<CampaignResult> {
  return new Campaign(config, options).run();
}
