/**
 * Experiments (seed 003) and their attempts — the ESS rows — in the store, for resume, `experiment status`
 * and the daemon's `/api/v1/experiments`.
 *
 * ```ts
 * const id = await saveExperiment(store.db, { name: 'PCG #1', config: '{…}', status: 'running', plannedTests: 12 });
 * await saveAttempt(store.db, id, { testName: '30SEC_1PUB_1SUB', attempt: 1, startMs: Date.now(), … });
 * const summary = await getExperiment(store.db, 'PCG #1'); // with its attempts, oldest first
 * ```
 */
import type { Kysely, Transaction } from 'kysely';
import { NotFoundError } from '../util/errors.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export type ExperimentStatus = 'running' | 'stopped' | 'completed' | 'interrupted' | 'failed';

export interface AttemptRow {
  testName: string;
  attempt: number;
  startMs: number;
  endMs: number | null;
  pings: number;
  sshChecks: number;
  /** null while the attempt runs. */
  endStatus: string | null;
  /** The QoS settings as JSON text. */
  combination: string;
  comments: string;
  runUuid: string | null;
}

export interface ExperimentSummary {
  name: string;
  status: string;
  createdMs: number;
  updatedMs: number;
  plannedTests: number | null;
  /** Distinct tests with at least one ended attempt. */
  testsDone: number;
  testsPassed: number;
  testsFailed: number;
  remaining: number | null;
  attempts: number;
  /** The test whose attempt has not ended (while running). */
  currentTest: string | null;
  lastFailures: Array<{ testName: string; attempt: number; endStatus: string; endMs: number | null; comments: string }>;
}

/** Creates the experiment or updates its config, status and plan; its id. */
export async function saveExperiment(db: Db, e: { name: string; config: string; status: ExperimentStatus; plannedTests: number | null }): Promise<number> {
  const now = Date.now();
  const existing = await db.selectFrom('experiments').select('id').where('name', '=', e.name).executeTakeFirst();
  if (existing) {
    await db.updateTable('experiments').set({ config: e.config, status: e.status, planned_tests: e.plannedTests, updated_ms: now }).where('id', '=', existing.id).execute();
    return Number(existing.id);
  }
  await db.insertInto('experiments').values({ name: e.name, config: e.config, status: e.status, planned_tests: e.plannedTests, created_ms: now, updated_ms: now }).execute();
  const row = await db.selectFrom('experiments').select('id').where('name', '=', e.name).executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function setExperimentStatus(db: Db, id: number, status: ExperimentStatus): Promise<void> {
  await db.updateTable('experiments').set({ status, updated_ms: Date.now() }).where('id', '=', id).execute();
}

/** Inserts or updates the attempt (by experiment, test name and attempt number). */
export async function saveAttempt(db: Db, experimentId: number, a: AttemptRow): Promise<void> {
  const values = {
    combination: a.combination,
    pings: a.pings,
    ssh_checks: a.sshChecks,
    start_ms: a.startMs,
    end_ms: a.endMs,
    end_status: a.endStatus,
    comments: a.comments,
    run_uuid: a.runUuid,
  };
  const updated = await db
    .updateTable('experiment_tests')
    .set(values)
    .where('experiment_id', '=', experimentId)
    .where('name', '=', a.testName)
    .where('attempt', '=', a.attempt)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await db.insertInto('experiment_tests').values({ experiment_id: experimentId, name: a.testName, attempt: a.attempt, ...values }).execute();
  await db.updateTable('experiments').set({ updated_ms: Date.now() }).where('id', '=', experimentId).execute();
}

/** The experiment's attempts in the order they started. */
export async function listAttempts(db: Db, experimentId: number): Promise<AttemptRow[]> {
  const rows = await db.selectFrom('experiment_tests').selectAll().where('experiment_id', '=', experimentId).orderBy('start_ms').orderBy('id').execute();
  return rows.map((r) => ({
    testName: r.name,
    attempt: Number(r.attempt),
    startMs: Number(r.start_ms ?? 0),
    endMs: r.end_ms === null ? null : Number(r.end_ms),
    pings: Number(r.pings),
    sshChecks: Number(r.ssh_checks),
    endStatus: r.end_status,
    combination: r.combination,
    comments: r.comments ?? '',
    runUuid: r.run_uuid,
  }));
}

export async function findExperimentId(db: Db, name: string): Promise<number | null> {
  const row = await db.selectFrom('experiments').select('id').where('name', '=', name).executeTakeFirst();
  return row ? Number(row.id) : null;
}

function summarize(e: { name: string; status: string; created_ms: number; updated_ms: number; planned_tests: number | null }, attempts: AttemptRow[]): ExperimentSummary {
  const byTest = new Map<string, AttemptRow[]>();
  for (const a of attempts) byTest.set(a.testName, [...(byTest.get(a.testName) ?? []), a]);
  let passed = 0;
  let failed = 0;
  for (const list of byTest.values()) {
    const ended = list.filter((a) => a.endStatus !== null && a.endStatus !== 'interrupted');
    if (ended.some((a) => a.endStatus === 'success')) passed++;
    else if (ended.length) failed++;
  }
  const planned = e.planned_tests === null ? null : Number(e.planned_tests);
  const done = passed + failed;
  const current = e.status === 'running' ? (attempts.findLast((a) => a.endStatus === null)?.testName ?? null) : null;
  return {
    name: e.name,
    status: e.status,
    createdMs: Number(e.created_ms),
    updatedMs: Number(e.updated_ms),
    plannedTests: planned,
    testsDone: done,
    testsPassed: passed,
    testsFailed: failed,
    remaining: planned === null ? null : Math.max(0, planned - done),
    attempts: attempts.length,
    currentTest: current,
    lastFailures: attempts
      .filter((a) => a.endStatus !== null && a.endStatus !== 'success')
      .slice(-5)
      .map((a) => ({ testName: a.testName, attempt: a.attempt, endStatus: a.endStatus!, endMs: a.endMs, comments: a.comments })),
  };
}

/** Every experiment with its counts, by name. */
export async function listExperiments(db: Db): Promise<ExperimentSummary[]> {
  const experiments = await db.selectFrom('experiments').selectAll().orderBy('name').execute();
  const out: ExperimentSummary[] = [];
  for (const e of experiments) out.push(summarize(e, await listAttempts(db, Number(e.id))));
  return out;
}

/** One experiment with its counts and all its attempts; NotFoundError when there is none. */
export async function getExperiment(db: Db, name: string): Promise<ExperimentSummary & { attemptRows: AttemptRow[] }> {
  const e = await db.selectFrom('experiments').selectAll().where('name', '=', name).executeTakeFirst();
  if (!e) throw new NotFoundError(`no experiment named "${name}"`, { field: 'name' });
  const attempts = await listAttempts(db, Number(e.id));
  return { ...summarize(e, attempts), attemptRows: attempts };
}
