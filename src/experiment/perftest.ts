/**
 * RTI Perftest as Autoperf drives it: the command lines of one test, spread over the machines by their
 * participant allocation, the shell script each machine runs, and the summaries of Perftest's output
 * files (publisher latency, subscriber throughput; 4.x and 3.x headers).
 *
 * ```ts
 * const plan = perftestPlan(asObject(combination), machines); // machine → { args[], outputs[] }
 * const latency = parseLatencySummary(readFileSync('pub_0.csv', 'utf8'));
 * ```
 */
import type { Machine, QosValue } from './config.js';

export interface MachinePlan {
  machine: Machine;
  /** One Perftest argument line per participant this machine runs. */
  args: string[];
  /** Output files these participants write (in the executable's folder). */
  outputs: string[];
}

/** Autoperf's scripts (its pytests give the exact strings); a setting absent from `qos` leaves its flag out. */
export function perftestScripts(qos: Record<string, QosValue>): { pubs: string[]; subs: string[] } {
  let base = '';
  if (qos.datalen_bytes !== undefined) base += ` -dataLen ${qos.datalen_bytes}`;
  if (qos.use_reliable === false) base += ' -bestEffort';
  if (qos.use_multicast === true) base += ' -multicast';
  if (qos.durability_level !== undefined) base += ` -durability ${qos.durability_level}`;
  base = base.trim();
  const pubCount = Number(qos.pub_count);
  const subCount = Number(qos.sub_count);
  const pubTail = ` -numSubscribers ${subCount}${qos.duration_secs !== undefined ? ` -executionTime ${qos.duration_secs}` : ''}${qos.latency_count !== undefined ? ` -latencyCount ${qos.latency_count}` : ''} -batchSize 0`;
  const join = (...parts: string[]) => parts.filter(Boolean).join(' ');
  const pubs = Array.from({ length: pubCount }, (_, i) =>
    pubCount === 1
      ? join(base, `-pub -outputFile pub_0.csv${pubTail}`)
      : join(base, `-pub -pidMultiPubTest ${i}${i === 0 ? ' -outputFile pub_0.csv' : ''}${pubTail}`),
  );
  const subs = Array.from({ length: subCount }, (_, i) =>
    subCount === 1 ? join(base, `-sub -outputFile sub_0.csv -numPublishers ${pubCount}`) : join(base, `-sub -sidMultiSubTest ${i} -outputFile sub_${i}.csv -numPublishers ${pubCount}`),
  );
  return { pubs: pubs.map((s) => `${s} -transport UDPv4`), subs: subs.map((s) => `${s} -transport UDPv4`) };
}

/** Pub script i → pub machines[i % n]; sub script i → sub machines[n-1-(i % n)] (Autoperf's balance). */
export function perftestPlan(qos: Record<string, QosValue>, machines: Machine[]): MachinePlan[] {
  const { pubs, subs } = perftestScripts(qos);
  const plans = new Map(machines.map((m) => [m.name, { machine: m, args: [] as string[], outputs: [] as string[] }]));
  const pubMachines = machines.filter((m) => m.allocation !== 'sub');
  const subMachines = machines.filter((m) => m.allocation !== 'pub');
  const outputOf = (script: string) => / -outputFile (\S+)/.exec(script)?.[1];
  pubs.forEach((s, i) => {
    const plan = plans.get(pubMachines[i % pubMachines.length].name)!;
    plan.args.push(s);
    const out = outputOf(s);
    if (out) plan.outputs.push(out);
  });
  subs.forEach((s, i) => {
    const plan = plans.get(subMachines[subMachines.length - 1 - (i % subMachines.length)].name)!;
    plan.args.push(s);
    plan.outputs.push(outputOf(s)!);
  });
  return [...plans.values()].filter((p) => p.args.length > 0);
}

/** A word for a POSIX shell, quoted unless plain. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=:@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A remote path for `cd`: `~/x` keeps `~` outside the quotes so the remote shell expands it. */
export function remotePath(path: string): string {
  if (path === '~' || path === '') return '~';
  return path.startsWith('~/') ? `~/${shellQuote(path.slice(2))}` : shellQuote(path);
}

export function remoteDirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '.' : slash === 0 ? '/' : path.slice(0, slash);
}

/**
 * Removes old output files, starting `rm` only when one is there (the shell's `[` is a builtin; a process
 * per test and machine is what this saves on a busy machine).
 */
export function cleanCommand(outputs: string[]): string {
  if (!outputs.length) return ':';
  const words = outputs.map(shellQuote);
  return `if ${words.map((w) => `[ -e ${w} ] || [ -L ${w} ]`).join(' || ')}; then rm -f ${words.join(' ')}; fi`;
}

/**
 * The script a machine runs: `before` in order, then every `background` command at once, then the exit
 * status of the first that failed. It prints its process group first, so a timed-out test can be killed
 * as a whole (sshd makes each session's shell a group leader). Perftest's environment (NDDSHOME, library
 * paths) comes from the login shell: bash reads ~/.bashrc for commands sshd runs, as Autoperf relied on.
 */
export function machineScript(dir: string, background: string[], before: string[] = []): string {
  const lines = [
    'echo "perfhound-pgid $$"',
    `cd ${remotePath(dir)} || exit 97`,
    ...before,
    'pids=""',
    ...background.map((c) => `${c} & pids="$pids $!"`),
    'rc=0',
    'for p in $pids; do wait "$p" || rc=$?; done',
    'exit $rc',
  ];
  return lines.join('\n');
}

export interface LatencySummary {
  sampleSizeBytes: number;
  ave: number;
  std: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  p99_99: number;
  p99_9999: number;
}

export interface ThroughputSummary {
  sampleSizeBytes: number;
  totalSamples: number;
  samplesPerSec: number;
  mbps: number;
  lostSamples: number;
  lostSamplesPercent: number;
}

/** The column names of a header line, units stripped: `Ave (μs)` → `Ave`; `Lost Samples (%)` keeps its `(%)`. */
function headerNames(line: string): string[] {
  return line.split(',').map((h) => h.trim().replace(/\s*\((?:\u03bcs|us|ns|Bytes)\)$/i, ''));
}

/** The summary row after `title`: its header and values by column name. */
function summaryRow(text: string, title: string): Map<string, string> | string {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((l) => l.trim().replace(/:$/, '').toLowerCase() === title.toLowerCase());
  if (at < 0) return `no "${title}" block`;
  const header = lines[at + 1];
  const values = lines[at + 2];
  if (header === undefined || values === undefined || !header.trim() || !values.trim()) return 'the summary has no header and value line';
  const names = headerNames(header);
  const cells = values.split(',').map((c) => c.trim());
  if (cells.length !== names.length) return `the summary has ${cells.length} values for ${names.length} columns`;
  return new Map(names.map((n, i) => [n, cells[i]]));
}

function numberOf(row: Map<string, string>, names: string[], blankIsZero = false): number | string {
  for (const n of names) {
    const cell = row.get(n);
    if (cell === undefined) continue;
    if (cell === '' && blankIsZero) return 0; // `%14.0llu` prints 0 as blanks
    const v = Number(cell);
    return cell !== '' && Number.isFinite(v) ? v : `column "${n}" is not a number: ${JSON.stringify(cell)}`;
  }
  return `no column ${names.map((n) => `"${n}"`).join(' or ')}`;
}

function readColumns<T>(row: Map<string, string> | string, spec: Array<[keyof T, string[], boolean?]>): T | string {
  if (typeof row === 'string') return row;
  const out: Record<string, number> = {};
  for (const [key, names, blankIsZero] of spec) {
    const v = numberOf(row, names, blankIsZero);
    if (typeof v === 'string') return v;
    out[key as string] = v;
  }
  return out as T;
}

/** The publisher's `One-way Latency Summary` (3.x and 4.x); a string says what is wrong. */
export function parseLatencySummary(text: string): LatencySummary | string {
  return readColumns<LatencySummary>(summaryRow(text, 'One-way Latency Summary'), [
    ['sampleSizeBytes', ['Sample Size', 'Length']], ['ave', ['Ave']], ['std', ['Std']], ['min', ['Min']], ['max', ['Max']],
    ['p50', ['50%']], ['p90', ['90%']], ['p99', ['99%']], ['p99_99', ['99.99%']], ['p99_9999', ['99.9999%']],
  ]);
}

/** A subscriber's `Throughput Summary`; a string says what is wrong. */
export function parseThroughputSummary(text: string): ThroughputSummary | string {
  return readColumns<ThroughputSummary>(summaryRow(text, 'Throughput Summary'), [
    ['sampleSizeBytes', ['Sample Size', 'Length']], ['totalSamples', ['Total Samples']], ['samplesPerSec', ['Avg Samples/s', 'Samples/s'], true],
    ['mbps', ['Avg Mbps', 'Mbps']], ['lostSamples', ['Lost Samples']], ['lostSamplesPercent', ['Lost Samples (%)']],
  ]);
}
