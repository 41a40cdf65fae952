import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/connect.js';
import { writeRun, type WriteOutcome } from '../../store/runs.js';
import {
  addTestAggregates,
  addTestMetadata,
  deleteRunTestResults,
  deleteTestRun,
  FAIL_STATUSES,
  insertAttachments,
  insertTestRunMetadata,
  insertTestRuns,
  PASS_STATUSES,
  recomputeTestAggregates,
  testIdsByName,
  BATCH,
  type Db,
  type NewAttachment,
} from '../../store/tests.js';
import { DEFAULT_ATTR_REGEX, prefixedAttrs, splitTestName } from './names.js';
import type { TestRecord } from './types.js';

/**
 * Stores one stream of per-test records as one run, with subunit2sql's model and aggregates but none of its
 * losses: everything happens in one transaction; the run is keyed by its public id (re-ingesting replaces
 * it, and the aggregates of its tests are recomputed); tests without timestamps and tests left
 * `inprogress` are stored; attachments are really stored (whole name as label). Memory holds one batch of
 * results plus one small entry per distinct test of the run (for totals and duplicate detection).
 */
export interface TestIngestOptions {
  source: 'subunit' | 'junit';
  /** Public run id (runs.uuid); a random UUID by default. */
  runId?: string;
  /** Run time (epoch ms); default: the earliest test start in the stream, else now. */
  runAtMs?: number;
  runMeta?: Record<string, string>;
  artifacts?: string;
  /** runs.run_time = last stop − first start instead of the sum of test durations. */
  useRunWallTime?: boolean;
  attrRegex?: string;
  testAttrPrefix?: string;
  removeTestAttrPrefix?: boolean;
  storeAttachments?: boolean;
  collection?: string;
}

export interface TestIngestSummary {
  runId: string;
  outcome: WriteOutcome;
  tests: number;
  passes: number;
  fails: number;
  skips: number;
  runTime: number;
  /** Results of a test id already seen in the same stream (the later one is kept, as in subunit2sql). */
  duplicates: number;
}

interface Seen {
  status: string;
  startUs: number | null;
  stopUs: number | null;
}

interface Pending {
  name: string;
  attrs: string | null;
  record: TestRecord;
}

/** Results subunit2sql does not store: enumeration, and testr/stestr's return-code pseudo test. */
function isStored(record: TestRecord, name: string): boolean {
  return record.status !== 'exists' && name !== 'process-returncode';
}

export async function ingestTestRecords(store: Store, records: AsyncIterable<TestRecord | readonly TestRecord[]>, options: TestIngestOptions): Promise<TestIngestSummary> {
  const attrRegex = new RegExp(options.attrRegex ?? DEFAULT_ATTR_REGEX);
  const runId = options.runId ?? randomUUID();
  return store.transaction(async (trx) => {
    const { id, outcome } = await writeRun(trx, {
      uuid: runId,
      timestampMs: options.runAtMs ?? Date.now(),
      source: options.source,
      collection: options.collection ?? 'tests',
      metadata: options.runMeta ?? {},
      artifacts: options.artifacts ?? null,
    });
    if (outcome === 'replaced') await recomputeTestAggregates(trx, await deleteRunTestResults(trx, id));

    const seen = new Map<string, Seen>();
    const recompute = new Set<string>();
    let batch = new Map<string, Pending>();
    let duplicates = 0;
    const flush = async (aggregate: boolean) => {
      if (batch.size) await storeBatch(trx, store, id, [...batch.values()], options, aggregate);
      batch = new Map();
    };
    for await (const item of records) for (const record of Array.isArray(item) ? item : [item]) {
      const { name, attrs } = splitTestName(record.testId, attrRegex);
      if (!isStored(record, name)) continue;
      const pending: Pending = { name, attrs, record };
      const previous = seen.get(name);
      seen.set(name, { status: record.status, startUs: record.startUs, stopUs: record.stopUs ?? null });
      if (previous !== undefined) duplicates++;
      if (previous !== undefined && !batch.has(name)) {
        // The earlier result is already written: replace its row and recompute the test's aggregates.
        await flush(true);
        await replaceStoredResult(trx, id, name);
        batch.set(name, pending);
        await flush(false);
        recompute.add(name);
        continue;
      }
      batch.set(name, pending);
      if (batch.size >= BATCH) await flush(true);
    }
    await flush(true);
    if (recompute.size) await recomputeTestAggregates(trx, [...(await testIdsByName(trx, [...recompute])).values()]);

    const totals = runTotals(seen.values(), options.useRunWallTime ?? false);
    await trx
      .updateTable('runs')
      .set({
        passes: totals.passes,
        fails: totals.fails,
        skips: totals.skips,
        run_time: totals.runTime,
        start_ms: totals.firstStartUs === null ? null : Math.floor(totals.firstStartUs / 1000),
        end_ms: totals.lastStopUs === null ? null : Math.floor(totals.lastStopUs / 1000),
        ...(options.runAtMs === undefined && totals.firstStartUs !== null ? { timestamp_ms: Math.floor(totals.firstStartUs / 1000) } : {}),
      })
      .where('id', '=', id)
      .execute();
    return { runId, outcome, tests: seen.size, passes: totals.passes, fails: totals.fails, skips: totals.skips, runTime: totals.runTime, duplicates };
  });
}

async function replaceStoredResult(trx: Db, runId: number, name: string): Promise<void> {
  const row = await trx
    .selectFrom('test_runs')
    .innerJoin('tests', 'tests.id', 'test_runs.test_id')
    .select('test_runs.id as id')
    .where('test_runs.run_id', '=', runId)
    .where('tests.test_id', '=', name)
    .executeTakeFirst();
  if (row) await deleteTestRun(trx, Number(row.id));
}

function durationSeconds(startUs: number | null, stopUs: number | null): number | null {
  return startUs === null || stopUs === null ? null : (stopUs - startUs) / 1e6;
}

/** subunit2sql's `get_run_totals` and `run_time()`; results without timestamps add no time (it crashed). */
export function runTotals(results: Iterable<Seen>, wallTime: boolean) {
  let passes = 0;
  let fails = 0;
  let skips = 0;
  let sum = 0;
  let firstStartUs: number | null = null;
  let lastStopUs: number | null = null;
  for (const r of results) {
    if ((PASS_STATUSES as readonly string[]).includes(r.status)) passes++;
    else if ((FAIL_STATUSES as readonly string[]).includes(r.status)) fails++;
    else if (r.status === 'skip') skips++;
    const d = durationSeconds(r.startUs, r.stopUs);
    if (d !== null) sum += d;
    if (r.startUs !== null && (firstStartUs === null || r.startUs < firstStartUs)) firstStartUs = r.startUs;
    if (r.stopUs !== null && (lastStopUs === null || r.stopUs > lastStopUs)) lastStopUs = r.stopUs;
  }
  const wall = firstStartUs !== null && lastStopUs !== null ? (lastStopUs - firstStartUs) / 1e6 : 0;
  return { passes, fails, skips, runTime: wallTime ? wall : sum, firstStartUs, lastStopUs };
}

async function storeBatch(trx: Db, store: Store, runId: number, batch: Pending[], options: TestIngestOptions, aggregate: boolean): Promise<void> {
  if (aggregate) {
    await addTestAggregates(
      trx,
      store.dialect,
      batch.map(({ name, record }) => ({
        name,
        success: (PASS_STATUSES as readonly string[]).includes(record.status) ? 1 : 0,
        failure: (FAIL_STATUSES as readonly string[]).includes(record.status) ? 1 : 0,
        runTime: durationSeconds(record.startUs, record.stopUs) ?? (record.durationUs == null ? null : record.durationUs / 1e6),
      })),
    );
  } else {
    // Only make sure the test rows exist; their aggregates are recomputed afterwards.
    await addTestAggregates(trx, store.dialect, batch.map(({ name }) => ({ name, success: 0, failure: 0, runTime: null })));
  }
  const testIds = await testIdsByName(trx, batch.map((p) => p.name));
  const testRunIds = await insertTestRuns(
    trx,
    runId,
    batch.map(({ name, record }) => ({
      testId: testIds.get(name) as number,
      status: record.status,
      startUs: record.startUs,
      stopUs: record.stopUs ?? (record.startUs !== null && record.durationUs != null ? record.startUs + record.durationUs : null),
    })),
  );
  const metadata: { test_run_id: number; key: string; value: string }[] = [];
  const attachments: NewAttachment[] = [];
  const testMetadata: { test_id: number; key: string; value: string }[] = [];
  for (const { name, attrs, record } of batch) {
    const testId = testIds.get(name) as number;
    const testRunId = testRunIds.get(testId) as number;
    if (attrs !== null) metadata.push({ test_run_id: testRunId, key: 'attrs', value: attrs });
    if (record.tags.length) metadata.push({ test_run_id: testRunId, key: 'tags', value: record.tags.join(',') });
    if (options.testAttrPrefix) {
      for (const attr of prefixedAttrs(attrs, options.testAttrPrefix, options.removeTestAttrPrefix ?? false)) {
        testMetadata.push({ test_id: testId, key: 'attr', value: attr });
      }
    }
    if (options.storeAttachments) {
      for (const [label, detail] of record.details) {
        if (detail.bytes !== null) attachments.push({ test_run_id: testRunId, label, content_type: detail.mimeType, body: detail.bytes });
      }
    }
  }
  await insertTestRunMetadata(trx, metadata);
  await addTestMetadata(trx, testMetadata);
  await insertAttachments(trx, attachments);
}
