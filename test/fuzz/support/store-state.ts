/**
 * What a refused request must leave alone: the row count of every table and the content of every stored
 * run (its row, metadata, documents and test results), as comparable digests.
 *
 * @example
 * const before = await storeState(store);
 * … a request the daemon refused …
 * expectSameState(before, await storeState(store), 'POST /api/v1/ingest/json → 400');
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from '../../../src/store/connect.js';

export const TABLES = [
  'runs', 'run_metadata', 'documents', 'document_collections', 'tests', 'test_runs', 'test_run_metadata', 'test_metadata',
  'attachments', 'regressions', 'acks', 'api_tokens', 'reports', 'experiments', 'experiment_tests',
] as const;

export interface StoreState {
  counts: Record<string, number>;
  /** uuid → digest of the run's row, metadata rows, documents and test results. */
  runs: Record<string, string>;
}

function digest(value: unknown): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('base64') : v));
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

async function rows(store: Store, query: ReturnType<typeof sql>): Promise<Record<string, unknown>[]> {
  return (await query.execute(store.db)).rows as Record<string, unknown>[];
}

export async function storeState(store: Store, options: { uuids?: readonly string[] } = {}): Promise<StoreState> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await rows(store, sql`select count(*) as n from ${sql.table(table)}`);
    counts[table] = Number(row.n);
  }
  const runs: Record<string, string> = {};
  const all = await rows(store, sql`select * from runs order by uuid`);
  for (const run of all) {
    const uuid = String(run.uuid);
    if (options.uuids && !options.uuids.includes(uuid)) continue;
    const meta = await rows(store, sql`select ${sql.ref('key')}, value from run_metadata where run_id = ${run.id} order by ${sql.ref('key')}`);
    const docs = await rows(store, sql`select collection, timestamp_ms, metric_name, body from documents where run_id = ${run.id} order by id`);
    const tests = await rows(
      store,
      sql`select t.test_id, tr.status, tr.start_us, tr.stop_us from test_runs tr join tests t on t.id = tr.test_id where tr.run_id = ${run.id} order by tr.id`,
    );
    const { id: _id, ...row } = run;
    runs[uuid] = digest([row, meta, docs, tests]);
  }
  return { counts, runs };
}

/** The differences between two states, as lines ("runs: 3 → 4", "run x changed"); empty when equal. */
export function stateChanges(before: StoreState, after: StoreState, options: { ignoreTables?: readonly string[] } = {}): string[] {
  const out: string[] = [];
  for (const table of TABLES) {
    if (options.ignoreTables?.includes(table)) continue;
    if (before.counts[table] !== after.counts[table]) out.push(`${table}: ${before.counts[table]} → ${after.counts[table]} rows`);
  }
  for (const [uuid, d] of Object.entries(before.runs)) {
    if (!(uuid in after.runs)) out.push(`run ${uuid} deleted`);
    else if (after.runs[uuid] !== d) out.push(`run ${uuid} changed`);
  }
  return out;
}

export function assertUnchanged(before: StoreState, after: StoreState, where: string, options: { ignoreTables?: readonly string[] } = {}): void {
  const changes = stateChanges(before, after, options);
  if (changes.length) throw new Error(`${where} changed the store: ${changes.join('; ')}`);
}
