/**
 * The Experiment Status Spreadsheet: one CSV row per attempt with the seed's columns (plus QoS settings and
 * comments). It is rewritten whole after every change through a temporary file and a rename, so a reader —
 * or a campaign killed mid-write — never sees a torn file.
 *
 * ```ts
 * await writeEss('out/PCG_1/ess.csv', attempts);
 * const back = await readEss('out/PCG_1/ess.csv'); // the same attempts
 * ```
 */
import { open, readFile, rename } from 'node:fs/promises';
import type { AttemptRow } from '../store/experiments.js';
import { splitCsvLine } from '../util/csv.js';
import { UserError } from '../util/errors.js';
import type { QosValue } from './config.js';

export const END_STATUSES = [
  'success', 'ping_check_fail', 'ssh_check_fail', 'restart_fail', 'timeout', 'script_fail', 'missing_output', 'empty_output', 'parse_fail',
  // The attempt's runner was killed (Ctrl-C, kill -9) before it ended: found and closed on resume.
  'interrupted',
] as const;
export type EndStatus = (typeof END_STATUSES)[number];

/** An ESS row: the store's attempt row with its status named and its QoS settings parsed. */
export interface Attempt extends Omit<AttemptRow, 'endStatus' | 'combination'> {
  /** null while it runs. */
  status: EndStatus | null;
  qos: Record<string, QosValue>;
}

export const ESS_COLUMNS = ['start_timestamp', 'end_timestamp', 'test_name', 'pings_count', 'ssh_check_count', 'end_status', 'attempt_number', 'qos_settings', 'comments'];

const cell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const iso = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString());

export function essText(attempts: Attempt[]): string {
  const rows = attempts.map((a) =>
    [iso(a.startMs), iso(a.endMs), a.testName, String(a.pings), String(a.sshChecks), a.status ?? 'running', String(a.attempt), JSON.stringify(a.qos), a.comments.replace(/\r?\n/g, ' | ')]
      .map(cell)
      .join(','),
  );
  return [ESS_COLUMNS.join(','), ...rows].join('\n') + '\n';
}

let tempCounter = 0;

/**
 * Writes the whole ESS to a temporary file beside it, flushes it to disk (unless `sync: false`), then
 * renames it over the old one: readers and a killed runner see the old file or the new one, never a torn
 * one. Without the flush only a crash of the machine itself could leave the rename without its content.
 */
export async function writeEss(path: string, attempts: Attempt[], options: { sync?: boolean } = {}): Promise<void> {
  const temp = `${path}.${process.pid}.${++tempCounter}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(essText(attempts));
    if (options.sync !== false) await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

/** An ESS written by {@link writeEss} (or Autoperf's, without `attempt_number`); null when there is none. */
export async function readEss(path: string): Promise<Attempt[] | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (!lines.length) return [];
  const header = splitCsvLine(lines[0]);
  if ('error' in header) throw new UserError(header.error, { file: path, line: 1 });
  const col = (name: string) => header.fields.indexOf(name);
  for (const required of ['start_timestamp', 'test_name', 'end_status']) {
    if (col(required) < 0) throw new UserError(`not an ESS: no column ${required}`, { file: path, line: 1 });
  }
  const seen = new Map<string, number>();
  return lines.slice(1).map((line, i) => {
    const split = splitCsvLine(line);
    if ('error' in split) throw new UserError(split.error, { file: path, line: i + 2 });
    const f = (name: string) => (col(name) < 0 ? '' : (split.fields[col(name)] ?? ''));
    const time = (name: string): number | null => {
      const t = f(name) ? Date.parse(f(name).includes('T') ? f(name) : `${f(name).replace(' ', 'T')}Z`) : NaN;
      return Number.isFinite(t) ? t : null;
    };
    const status = f('end_status');
    const testName = f('test_name');
    const attempt = Number(f('attempt_number')) || (seen.get(testName) ?? 0) + 1;
    seen.set(testName, attempt);
    let qos: Record<string, QosValue> = {};
    try {
      const parsed: unknown = JSON.parse(f('qos_settings') || '{}');
      if (parsed && typeof parsed === 'object') qos = parsed as Record<string, QosValue>;
    } catch {
      /* Autoperf wrote Python dict text: the test name carries the same settings */
    }
    return {
      testName,
      attempt,
      startMs: time('start_timestamp') ?? 0,
      endMs: time('end_timestamp'),
      pings: Number(f('pings_count')) || 0,
      sshChecks: Number(f('ssh_check_count')) || 0,
      status: (END_STATUSES as readonly string[]).includes(status) ? (status as EndStatus) : status === 'running' || status === '' ? null : 'script_fail',
      qos,
      comments: f('comments'),
      runUuid: null,
    };
  });
}
