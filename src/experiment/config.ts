/**
 * Experiment configs (seed 003, Autoperf's format): a list of experiments, written as the seed writes them
 * (JSON with single quotes, which a YAML flow parser reads) or as block YAML. Every problem is found
 * before anything runs, each naming the experiment, the key and the bad value.
 *
 * ```ts
 * const experiments = await loadExperimentConfig('campaign.yaml'); // throws one UserError naming the first problem
 * const problems = validateExperimentConfig(text, 'campaign.yaml').problems; // all of them
 * ```
 */
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { UserError } from '../util/errors.js';
import { readUserFile } from '../util/files.js';

export type QosValue = number | boolean | string;
export type Allocation = 'pub' | 'sub' | 'all';
export type RestartMode = 'never' | 'before_campaign' | 'before_each_test';
export type PingMethod = 'icmp' | 'tcp' | 'none';
export type OutputParser = 'perftest' | 'json' | 'none';

export interface Machine {
  name: string;
  allocation: Allocation;
  ip: string;
  port: number;
  /** Absolute path of the private key (`~` expanded, relative paths from the config's folder). */
  keyPath: string;
  username: string;
  /** Perftest's executable on the machine, as written (`~/…` is expanded by the remote shell). */
  execPath: string;
}

export type Workload =
  | { kind: 'perftest' }
  | {
      kind: 'command';
      /** Run on every machine; `{key}` placeholders take the test's QoS values, `{test_name}`, `{machine_name}`. */
      command: string;
      /** Files the command writes, relative to `workdir` (placeholders as in `command`). */
      outputs: string[];
      parser: OutputParser;
      /** Remote working directory (default the login directory). */
      workdir: string;
      /** Time allowed beyond `buffer_duration_secs` when the QoS settings have no `duration_secs`. */
      timeoutSecs: number;
    };

export interface Notify {
  webhook?: { url: string; secret?: string };
  slack?: { url: string };
}

export interface ExperimentConfig {
  name: string;
  generation: 'pcg' | 'rcg';
  resumingTestName: string;
  /** QoS settings in config key order; an empty list leaves the flag out. */
  qos: Array<[string, QosValue[]]>;
  machines: Machine[];
  /** Seconds allowed beyond the test's duration; null: Autoperf's max(5 % of the duration, 60 s). */
  bufferSecs: number | null;
  retries: number;
  stopAfterConsecutiveFailures: number;
  rcgTargetTestCount: number;
  rcgSeed: number;
  restart: { mode: RestartMode; command: string; waitSecs: number };
  checks: { ping: PingMethod; attempts: number; intervalSecs: number; timeoutSecs: number };
  compress: boolean;
  notify: Notify;
  /** Absolute; the experiment's folder is `<outputDir>/<safe name>/`. */
  outputDir: string;
  workload: Workload;
}

/** Autoperf's QoS keys, in the order of its test names. */
export const PERFTEST_QOS_KEYS = ['duration_secs', 'datalen_bytes', 'pub_count', 'sub_count', 'use_reliable', 'use_multicast', 'durability_level', 'latency_count'] as const;
/** Perftest cannot run without these. */
const REQUIRED_PERFTEST_QOS = new Set(['duration_secs', 'pub_count', 'sub_count']);

const EXPERIMENT_KEYS = [
  'experiment_name', 'combination_generation_type', 'resuming_test_name', 'qos_settings', 'slave_machines', 'buffer_duration_secs',
  'retries', 'stop_after_consecutive_failures', 'rcg_target_test_count', 'rcg_seed', 'restart', 'checks', 'compress', 'notify', 'output_dir', 'workload',
];
const MACHINE_KEYS = ['machine_name', 'participant_allocation', 'ip', 'port', 'ssh_key_path', 'username', 'perftest_exec_path'];

export interface Problem {
  message: string;
  line?: number;
}

export interface Validation {
  experiments: ExperimentConfig[];
  problems: Problem[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const show = (v: unknown): string => (v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v));

/** Reads and validates; throws a UserError naming the first problem (and how many more there are). */
export async function loadExperimentConfig(path: string, label = path): Promise<ExperimentConfig[]> {
  const text = await readUserFile(path, 'experiment config');
  const { experiments, problems } = validateExperimentConfig(text, label, dirname(resolve(path)));
  if (problems.length) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more: run perfhound experiment validate)` : '';
    throw new UserError(first.message + more, { file: label, line: first.line });
  }
  return experiments;
}

/** All problems of a config text; `baseDir` resolves relative paths (the config file's folder). */
export function validateExperimentConfig(text: string, _label: string, baseDir = process.cwd()): Validation {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    return { experiments: [], problems: [{ message: `not YAML/JSON: ${e.message.split('\n')[0]}`, line: lines.linePos(e.pos[0]).line }] };
  }
  const root: unknown = doc.toJS();
  const problems: Problem[] = [];
  const lineOf = (path: Array<string | number>): number | undefined => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lines.linePos(node.range[0]).line : undefined;
  };
  const list = Array.isArray(root) ? root : isObj(root) ? [root] : null;
  if (!list || !list.length) return { experiments: [], problems: [{ message: 'expected a list of experiments', line: 1 }] };
  const experiments: ExperimentConfig[] = [];
  const names = new Set<string>();
  list.forEach((raw, i) => {
    const path = Array.isArray(root) ? [i] : [];
    const before = problems.length;
    const exp = readExperiment(raw, i, (message, keys = []) => problems.push({ message, line: lineOf([...path, ...keys]) }), baseDir);
    if (exp && names.has(exp.name)) problems.push({ message: `experiment "${exp.name}": the name is used twice`, line: lineOf([...path, 'experiment_name']) });
    if (exp) names.add(exp.name);
    if (exp && problems.length === before) experiments.push(exp);
  });
  return { experiments, problems };
}

type Report = (message: string, keys?: Array<string | number>) => void;

function readExperiment(raw: unknown, index: number, report: Report, baseDir: string): ExperimentConfig | null {
  if (!isObj(raw)) {
    report(`experiment #${index + 1}: expected a mapping, got ${show(raw)}`);
    return null;
  }
  const name = typeof raw.experiment_name === 'string' && raw.experiment_name.trim() ? raw.experiment_name : null;
  const who = name === null ? `experiment #${index + 1}` : `experiment "${name}"`;
  const bad = (key: string, expected: string, keys: Array<string | number> = [key]) => report(`${who}: ${keys.join('.')}: expected ${expected}, got ${show(getPath(raw, keys))}`, keys);
  if (name === null) bad('experiment_name', 'a non-empty string');
  for (const key of Object.keys(raw)) if (!EXPERIMENT_KEYS.includes(key)) report(`${who}: unknown key "${key}" (known: ${EXPERIMENT_KEYS.join(', ')})`, [key]);

  const generation = raw.combination_generation_type;
  if (generation !== 'pcg' && generation !== 'rcg') bad('combination_generation_type', '"pcg" or "rcg"');
  const resumingTestName = raw.resuming_test_name ?? '';
  if (typeof resumingTestName !== 'string') bad('resuming_test_name', 'a test name or ""');

  const workload = readWorkload(raw.workload, who, report);
  const qos = readQos(raw.qos_settings, workload, who, report);
  const machines = readMachines(raw.slave_machines, workload, who, report, baseDir);

  const num = (key: string, dflt: number, min: number, integer = true): number => {
    const v = raw[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
      bad(key, `${integer ? 'a whole number' : 'a number'} ≥ ${min}`);
      return dflt;
    }
    return v;
  };
  const bufferSecs = raw.buffer_duration_secs === undefined || raw.buffer_duration_secs === null ? null : num('buffer_duration_secs', 0, 0, false);
  const retries = num('retries', 2, 0);
  const stopAfterConsecutiveFailures = num('stop_after_consecutive_failures', 10, 1);
  const rcgTargetTestCount = num('rcg_target_test_count', generation === 'rcg' ? -1 : 0, 1);
  if (generation === 'rcg' && raw.rcg_target_test_count === undefined) bad('rcg_target_test_count', 'a whole number ≥ 1 (rcg needs a target)');
  const rcgSeed = num('rcg_seed', 1, 0);

  const restart = readRestart(raw.restart, who, report);
  const checks = readChecks(raw.checks, who, report);
  const compress = raw.compress ?? true;
  if (typeof compress !== 'boolean') bad('compress', 'true or false');
  const notify = readNotify(raw.notify, who, report);
  const outputDirRaw = raw.output_dir ?? 'experiments';
  if (typeof outputDirRaw !== 'string' || !outputDirRaw) bad('output_dir', 'a folder path');
  if (name === null || (generation !== 'pcg' && generation !== 'rcg') || !qos || !machines || !workload || !restart || !checks || !notify) return null;
  return {
    name,
    generation,
    resumingTestName: typeof resumingTestName === 'string' ? resumingTestName : '',
    qos,
    machines,
    bufferSecs,
    retries,
    stopAfterConsecutiveFailures,
    rcgTargetTestCount,
    rcgSeed,
    restart,
    checks,
    compress: compress === true,
    notify,
    outputDir: localPath(typeof outputDirRaw === 'string' ? outputDirRaw : 'experiments', baseDir),
    workload,
  };
}

function getPath(raw: Obj, keys: Array<string | number>): unknown {
  let v: unknown = raw;
  for (const k of keys) v = isObj(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

/** `~` and relative paths of this machine (key files, output folder). */
export function localPath(path: string, baseDir: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

const QOS_RULES: Record<string, { expected: string; ok: (v: unknown) => boolean }> = {
  duration_secs: { expected: 'whole seconds ≥ 1', ok: (v) => Number.isInteger(v) && (v as number) >= 1 },
  datalen_bytes: { expected: 'whole bytes from 28 to 2147482620', ok: (v) => Number.isInteger(v) && (v as number) >= 28 && (v as number) <= 2147482620 },
  pub_count: { expected: 'a whole number ≥ 1', ok: (v) => Number.isInteger(v) && (v as number) >= 1 },
  sub_count: { expected: 'a whole number ≥ 1', ok: (v) => Number.isInteger(v) && (v as number) >= 1 },
  use_reliable: { expected: 'true or false', ok: (v) => typeof v === 'boolean' },
  use_multicast: { expected: 'true or false', ok: (v) => typeof v === 'boolean' },
  durability_level: { expected: '0, 1, 2 or 3', ok: (v) => v === 0 || v === 1 || v === 2 || v === 3 },
  latency_count: { expected: 'a whole number ≥ 1', ok: (v) => Number.isInteger(v) && (v as number) >= 1 },
};
/** A value of a generic workload's setting: it goes into test names and shell commands, so it is plain. */
const GENERIC_VALUE = /^[A-Za-z0-9.+-]+$/;
const GENERIC_KEY = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

function readQos(raw: unknown, workload: Workload | null, who: string, report: Report): Array<[string, QosValue[]]> | null {
  if (!isObj(raw)) {
    report(`${who}: qos_settings: expected a mapping of setting → list of values, got ${show(raw)}`, ['qos_settings']);
    return null;
  }
  const perftest = workload?.kind !== 'command';
  const out: Array<[string, QosValue[]]> = [];
  let ok = true;
  const fail = (message: string, keys: Array<string | number>) => {
    ok = false;
    report(`${who}: qos_settings.${message}`, ['qos_settings', ...keys]);
  };
  for (const [key, values] of Object.entries(raw)) {
    if (perftest && !(key in QOS_RULES)) {
      fail(`${key}: unknown setting (known: ${PERFTEST_QOS_KEYS.join(', ')})`, [key]);
      continue;
    }
    if (!perftest && !GENERIC_KEY.test(key)) {
      fail(`${key}: a setting name is lower-case letters and digits joined by single "_"`, [key]);
      continue;
    }
    if (!Array.isArray(values)) {
      fail(`${key}: expected a list of values, got ${show(values)}`, [key]);
      continue;
    }
    if (!values.length && (perftest ? REQUIRED_PERFTEST_QOS.has(key) : true)) {
      fail(`${key}: the list is empty, but ${perftest ? 'Perftest needs a value' : 'a generic workload has no flag to leave out'}`, [key]);
      continue;
    }
    const seen = new Set<string>();
    values.forEach((v: unknown, i) => {
      const good = perftest ? QOS_RULES[key].ok(v) : (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') && GENERIC_VALUE.test(String(v));
      if (!good) fail(`${key}[${i}]: expected ${perftest ? QOS_RULES[key].expected : 'a number, true/false or a word of letters, digits, ".", "+", "-"'}, got ${show(v)}`, [key, i]);
      else if (seen.has(String(v))) fail(`${key}[${i}]: ${show(v)} is listed twice`, [key, i]);
      seen.add(String(v));
    });
    out.push([key, values as QosValue[]]);
  }
  if (perftest) for (const key of REQUIRED_PERFTEST_QOS) if (!(key in raw)) fail(`${key}: missing (Perftest needs it)`, []);
  if (!out.length && ok) fail('(none): at least one setting is needed', []);
  return ok ? out : null;
}

function readMachines(raw: unknown, workload: Workload | null, who: string, report: Report, baseDir: string): Machine[] | null {
  if (!Array.isArray(raw) || !raw.length) {
    report(`${who}: slave_machines: expected a non-empty list of machines, got ${show(raw)}`, ['slave_machines']);
    return null;
  }
  const machines: Machine[] = [];
  let ok = true;
  const names = new Set<string>();
  raw.forEach((m: unknown, i) => {
    const at = (key: string) => `${who}: slave_machines[${i}]${isObj(m) && typeof m.machine_name === 'string' ? ` (${m.machine_name})` : ''}.${key}`;
    const fail = (key: string, expected: string) => {
      ok = false;
      report(`${at(key)}: expected ${expected}, got ${show(isObj(m) ? m[key] : undefined)}`, ['slave_machines', i, key]);
    };
    if (!isObj(m)) {
      ok = false;
      report(`${who}: slave_machines[${i}]: expected a mapping, got ${show(m)}`, ['slave_machines', i]);
      return;
    }
    for (const key of Object.keys(m)) {
      if (!MACHINE_KEYS.includes(key)) {
        ok = false;
        report(`${at(key)}: unknown key (known: ${MACHINE_KEYS.join(', ')})`, ['slave_machines', i, key]);
      }
    }
    const str = (key: string, required = true): string => {
      const v = m[key];
      if (typeof v === 'string' && v.trim()) return v;
      if (required || v !== undefined) fail(key, 'a non-empty string');
      return '';
    };
    const name = str('machine_name');
    if (name && names.has(name)) fail('machine_name', 'a name no other machine has');
    names.add(name);
    const allocation = m.participant_allocation ?? (workload?.kind === 'command' ? 'all' : undefined);
    if (allocation !== 'pub' && allocation !== 'sub' && allocation !== 'all') fail('participant_allocation', '"pub", "sub" or "all"');
    const ip = str('ip');
    // Hostnames are allowed too, but not shell or URL syntax.
    if (ip && !/^[A-Za-z0-9.:-]+$/.test(ip)) fail('ip', 'an address or host name');
    const port = m.port ?? 22;
    if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) fail('port', 'a port from 1 to 65535');
    const keyPath = str('ssh_key_path');
    const username = str('username');
    if (username && !/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(username)) fail('username', 'a user name');
    const execPath = str('perftest_exec_path', workload?.kind !== 'command');
    if (execPath && !/^[^'\n]+$/.test(execPath)) fail('perftest_exec_path', 'a path without quotes or new lines');
    machines.push({ name, allocation: allocation as Allocation, ip, port: port as number, keyPath: keyPath ? localPath(keyPath, baseDir) : '', username, execPath });
  });
  if (ok && workload?.kind !== 'command') {
    if (!machines.some((m) => m.allocation !== 'sub')) { ok = false; report(`${who}: slave_machines: no machine takes publishers (participant_allocation pub or all)`, ['slave_machines']); }
    if (!machines.some((m) => m.allocation !== 'pub')) { ok = false; report(`${who}: slave_machines: no machine takes subscribers (participant_allocation sub or all)`, ['slave_machines']); }
  }
  return ok ? machines : null;
}

function readWorkload(raw: unknown, who: string, report: Report): Workload | null {
  if (raw === undefined || raw === null || raw === 'perftest') return { kind: 'perftest' };
  const fail = (key: string, expected: string, value: unknown) => {
    report(`${who}: workload.${key}: expected ${expected}, got ${show(value)}`, ['workload', key]);
    return null;
  };
  if (!isObj(raw)) return fail('(value)', '"perftest" or a mapping {command, outputs, parser}', raw);
  for (const key of Object.keys(raw)) if (!['command', 'outputs', 'parser', 'workdir', 'timeout_secs'].includes(key)) return fail(key, 'one of command, outputs, parser, workdir, timeout_secs', raw[key]);
  if (typeof raw.command !== 'string' || !raw.command.trim()) return fail('command', 'a shell command', raw.command);
  const outputs = raw.outputs ?? [];
  if (!Array.isArray(outputs) || !outputs.every((o) => typeof o === 'string' && o && !o.includes('\n'))) return fail('outputs', 'a list of file names', outputs);
  const parser = raw.parser ?? 'none';
  if (parser !== 'perftest' && parser !== 'json' && parser !== 'none') return fail('parser', '"perftest", "json" or "none"', parser);
  const workdir = raw.workdir ?? '';
  if (typeof workdir !== 'string' || /['\n]/.test(workdir)) return fail('workdir', 'a folder path without quotes', workdir);
  const timeoutSecs = raw.timeout_secs ?? 60;
  if (typeof timeoutSecs !== 'number' || !(timeoutSecs > 0)) return fail('timeout_secs', 'seconds > 0', timeoutSecs);
  return { kind: 'command', command: raw.command, outputs: outputs as string[], parser, workdir, timeoutSecs };
}

function readRestart(raw: unknown, who: string, report: Report): ExperimentConfig['restart'] | null {
  const dflt = { mode: 'never' as RestartMode, command: 'sudo reboot', waitSecs: 300 };
  if (raw === undefined || raw === null) return dflt;
  if (typeof raw === 'string') raw = { mode: raw };
  const fail = (key: string, expected: string, value: unknown) => {
    report(`${who}: restart.${key}: expected ${expected}, got ${show(value)}`, ['restart', key]);
    return null;
  };
  if (!isObj(raw)) return fail('(value)', 'a mode or a mapping {mode, command, wait_secs}', raw);
  for (const key of Object.keys(raw)) if (!['mode', 'command', 'wait_secs'].includes(key)) return fail(key, 'one of mode, command, wait_secs', raw[key]);
  const mode = raw.mode ?? 'never';
  if (mode !== 'never' && mode !== 'before_campaign' && mode !== 'before_each_test') return fail('mode', '"never", "before_campaign" or "before_each_test"', mode);
  const command = raw.command ?? dflt.command;
  if (typeof command !== 'string' || !command.trim()) return fail('command', 'a shell command', command);
  const waitSecs = raw.wait_secs ?? dflt.waitSecs;
  if (typeof waitSecs !== 'number' || !(waitSecs > 0)) return fail('wait_secs', 'seconds > 0', waitSecs);
  return { mode, command, waitSecs };
}

function readChecks(raw: unknown, who: string, report: Report): ExperimentConfig['checks'] | null {
  const out = { ping: 'icmp' as PingMethod, attempts: 3, intervalSecs: 1, timeoutSecs: 5 };
  if (raw === undefined || raw === null) return out;
  const fail = (key: string, expected: string, value: unknown) => {
    report(`${who}: checks.${key}: expected ${expected}, got ${show(value)}`, ['checks', key]);
    return null;
  };
  if (!isObj(raw)) return fail('(value)', 'a mapping {ping, attempts, interval_secs, timeout_secs}', raw);
  for (const [key, v] of Object.entries(raw)) {
    if (key === 'ping') {
      if (v !== 'icmp' && v !== 'tcp' && v !== 'none') return fail(key, '"icmp", "tcp" or "none"', v);
      out.ping = v;
    } else if (key === 'attempts') {
      if (!Number.isInteger(v) || (v as number) < 1) return fail(key, 'a whole number ≥ 1', v);
      out.attempts = v as number;
    } else if (key === 'interval_secs' || key === 'timeout_secs') {
      if (typeof v !== 'number' || !(v >= 0) || (key === 'timeout_secs' && v === 0)) return fail(key, key === 'timeout_secs' ? 'seconds > 0' : 'seconds ≥ 0', v);
      out[key === 'interval_secs' ? 'intervalSecs' : 'timeoutSecs'] = v;
    } else return fail(key, 'one of ping, attempts, interval_secs, timeout_secs', v);
  }
  return out;
}

function readNotify(raw: unknown, who: string, report: Report): Notify | null {
  if (raw === undefined || raw === null) return {};
  const fail = (key: string, expected: string, value: unknown) => {
    report(`${who}: notify.${key}: expected ${expected}, got ${show(value)}`, ['notify', ...key.split('.')]);
    return null;
  };
  if (!isObj(raw)) return fail('(value)', 'a mapping {webhook, slack}', raw);
  const out: Notify = {};
  const url = (key: string, v: unknown): string | null => {
    if (typeof v !== 'string') return fail(`${key}.url`, 'an http(s) URL', v);
    try {
      const u = new URL(v);
      if (u.protocol === 'http:' || u.protocol === 'https:') return v;
    } catch { /* reported below */ }
    return fail(`${key}.url`, 'an http(s) URL', v);
  };
  for (const [key, v] of Object.entries(raw)) {
    const spec = typeof v === 'string' ? { url: v } : v;
    if (!isObj(spec)) return fail(key, 'a URL or a mapping {url}', v);
    if (key === 'webhook') {
      for (const k of Object.keys(spec)) if (k !== 'url' && k !== 'secret') return fail(`webhook.${k}`, 'url or secret', spec[k]);
      const u = url('webhook', spec.url);
      if (u === null) return null;
      if (spec.secret !== undefined && (typeof spec.secret !== 'string' || !spec.secret)) return fail('webhook.secret', 'a non-empty string', '(hidden)');
      out.webhook = { url: u, ...(typeof spec.secret === 'string' ? { secret: spec.secret } : {}) };
    } else if (key === 'slack') {
      for (const k of Object.keys(spec)) if (k !== 'url') return fail(`slack.${k}`, 'url', spec[k]);
      const u = url('slack', spec.url);
      if (u === null) return null;
      out.slack = { url: u };
    } else return fail(key, 'webhook or slack', v);
  }
  return out;
}

/** A folder name for an experiment: Autoperf's rule (`<>:"/\|?*` and whitespace runs become `_`). */
export function safeName(name: string): string {
  return name.replace(/[<>:"/\\|?*]/g, '_').replace(/\s+/g, '_').replace(/^\.+/, '_');
}
