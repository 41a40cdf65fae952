/**
 * One hostile input through both front ends — `perfhound ingest` in-process and
 * `POST /api/v1/ingest/{format}` on an in-process daemon — asserting after each the invariants every
 * ingest keeps: no crash or internal error, no 5xx, nothing leaked, the victims untouched, the store
 * unchanged when nothing was written, and the store still readable by `runs list` and `GET /api/v1/runs`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pino, type Logger } from 'pino';
import { runCli, type CliResult } from '../../support/cli.js';
import type { Daemon } from '../../server/support.js';
import type { Store } from '../../../src/store/connect.js';
import { cliFlags, describeInput, queryString, VICTIMS, type HostileInput } from './hostile.js';
import { excerpt, Sweep } from './leaks.js';
import { assertUnchanged, storeState, type StoreState } from './store-state.js';

/** A pino logger whose lines the test reads (the daemon's request and error logs). */
export function capturedLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

/** A folder for generated inputs, named relative to the working directory (as a user types it). */
export function workFolder(prefix: string): { abs: string; rel: (name: string) => string } {
  const abs = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(abs, { recursive: true });
  return { abs, rel: (name) => relative(process.cwd(), join(abs, name)) };
}

/** The runs an ingest report (or a list of them) says were written. */
export function writtenRuns(json: unknown): string[] {
  const reports = Array.isArray(json) ? json : [json];
  const out: string[] = [];
  for (const r of reports as Array<{ runs?: Array<{ uuid: string; outcome: string }> } | undefined>) {
    for (const run of r?.runs ?? []) if (run.outcome !== 'failed') out.push(run.uuid);
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export interface Channels {
  daemon: Daemon;
  sweep: Sweep;
  logLines: string[];
  work: ReturnType<typeof workFolder>;
  /** The store URL as the CLI is given it (relative SQLite path: no absolute path to sweep out). */
  cliDb(): string;
}

let counter = 0;

/**
 * The in-process runner's artifact: commander exits the process itself on a usage error of a subcommand
 * (an invalid choice), which vitest turns into an error — the real CLI prints the usage error and exits 1.
 */
const VITEST_EXIT = /perfhound: process\.exit unexpectedly called with "1"\n\(run with --debug for details\)\n?/;

export function cliAnswer(result: CliResult): CliResult {
  if (!VITEST_EXIT.test(result.stderr)) return result;
  return { ...result, code: 1, stderr: result.stderr.replace(VITEST_EXIT, '') };
}

/** Asserts the CLI's answer is an answer: exit 0 or 1, one clean message, no internal error. */
export function assertCleanCli(result: CliResult, where: string, sweep: Sweep, allowed: string[]): void {
  if (result.code !== 0 && result.code !== 1) throw new Error(`${where}: exit ${result.code}: ${excerpt(result.stderr)}`);
  if (/run with --debug/.test(result.stderr)) throw new Error(`${where}: an internal error reached the user: ${excerpt(result.stderr)}`);
  sweep.assertClean(result.stdout + '\n' + result.stderr, `${where} (CLI output)`, allowed);
}

function assertVictims(before: StoreState, after: StoreState, where: string, except: readonly string[] = []): void {
  for (const victim of Object.values(VICTIMS)) {
    if (except.includes(victim)) continue;
    if (before.runs[victim] !== after.runs[victim]) throw new Error(`${where} changed the existing run ${victim}`);
  }
}

/**
 * Puts the store back to its victims only (every other run and its rows deleted), so each generated input
 * meets the same store: one input that breaks the store does not fail every later one, and shrinking
 * replays a counterexample on the store it failed on.
 */
export async function resetToVictims(store: Store): Promise<void> {
  const keep = Object.values(VICTIMS);
  await store.transaction(async (trx) => {
    const others = trx.selectFrom('runs').select('id').where('uuid', 'not in', keep);
    const otherTestRuns = trx.selectFrom('test_runs').select('id').where('run_id', 'in', others);
    await trx.deleteFrom('attachments').where('test_run_id', 'in', otherTestRuns).execute();
    await trx.deleteFrom('test_run_metadata').where('test_run_id', 'in', otherTestRuns).execute();
    await trx.deleteFrom('test_runs').where('run_id', 'in', others).execute();
    await trx.deleteFrom('documents').where('run_id', 'in', others).execute();
    await trx.deleteFrom('run_metadata').where('run_id', 'in', others).execute();
    await trx.deleteFrom('runs').where('uuid', 'not in', keep).execute();
    const used = trx.selectFrom('test_runs').select('test_id');
    await trx.deleteFrom('test_metadata').where('test_id', 'not in', used).execute();
    await trx.deleteFrom('tests').where('id', 'not in', used).execute();
  });
}

/** Both front ends on one input; throws naming the first broken invariant. */
export async function ingestBothWays(ch: Channels, input: HostileInput, options: { victimsMayChange?: readonly string[] } = {}): Promise<{ cli: CliResult; status: number }> {
  const { daemon, sweep } = ch;
  await resetToVictims(daemon.store);
  const name = `in-${++counter}.${input.format === 'junit' ? 'xml' : input.format === 'subunit' ? 'subunit' : input.format === 'csv' ? 'csv' : 'json'}`;
  writeFileSync(join(ch.work.abs, name), input.bytes);
  const file = ch.work.rel(name);
  const what = describeInput(input);

  // --- the CLI ---
  let before = await storeState(daemon.store);
  const cli = cliAnswer(await runCli(['ingest', input.format, file, '--db', ch.cliDb(), '--output', 'json', ...cliFlags(input.options)]));
  assertCleanCli(cli, `perfhound ingest ${what}`, sweep, [file, ch.cliDb()]);
  let after = await storeState(daemon.store);
  assertVictims(before, after, `perfhound ingest ${what}`, options.victimsMayChange);
  if (cli.code !== 0 && writtenRuns(parseJson(cli.stdout)).length === 0) assertUnchanged(before, after, `the refused perfhound ingest ${what}`);
  await assertReadable(ch, `after perfhound ingest ${what}`);

  // --- the daemon ---
  before = after;
  const logFrom = ch.logLines.length;
  const res = await daemon.app.inject({
    method: 'POST',
    url: `/api/v1/ingest/${input.format}${queryString(input.options)}`,
    headers: { ...daemon.auth('ingest'), 'content-type': 'application/octet-stream' },
    payload: input.bytes,
  });
  const where = `POST /api/v1/ingest/${input.format} ${what}`;
  if (res.statusCode >= 500) throw new Error(`${where} → ${res.statusCode} ${excerpt(res.body)}`);
  sweep.assertClean(res.body, `${where} (answer)`);
  sweep.assertClean(ch.logLines.slice(logFrom).join(''), `${where} (daemon log)`);
  after = await storeState(daemon.store);
  assertVictims(before, after, where, options.victimsMayChange);
  if (res.statusCode >= 400 && writtenRuns((parseJson(res.body) as { report?: unknown } | undefined)?.report).length === 0) assertUnchanged(before, after, `the refused ${where}`);
  await assertReadable(ch, `after ${where}`);
  return { cli, status: res.statusCode };
}

/** Whatever was stored, everyone can still list the runs (CLI and daemon). */
export async function assertReadable(ch: Channels, where: string): Promise<void> {
  const list = await runCli(['runs', 'list', '--db', ch.cliDb(), '--output', 'json']);
  if (list.code !== 0) throw new Error(`${where}: perfhound runs list fails: ${excerpt(list.stderr)}`);
  const res = await ch.daemon.app.inject({ method: 'GET', url: '/api/v1/runs?limit=1000', headers: ch.daemon.auth('ack') });
  if (res.statusCode !== 200) throw new Error(`${where}: GET /api/v1/runs → ${res.statusCode} ${excerpt(res.body)}`);
}
