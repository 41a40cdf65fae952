import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/connect.js';
import type { DialectName } from '../../store/url.js';
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

/** What the ingest keeps per test of the run: enough for the totals, duplicates and the ids of its rows. */
interface Seen {
  status: string;
  startUs: number | null;
  stopUs: number | null;
  /** tests.id and test_runs.id, once the result is written. */
  testId: number | null;
  testRunId: number | null;
  /** Position in the batch being collected, until it is written. */
  batchIndex: number;
}

interface Pending {
  name: string;
  attrs: string | null;
  record: TestRecord;
  seen: Seen;
}

/** Results subunit2sql does not store: enumeration, and testr/stestr's return-code pseudo test. */
function isStored(record: TestRecord, name: string): boolean {
  return record.status !== 'exists' && name !== 'process-returncode';
}

/** A batch is written when it holds BATCH results or this many attachment bytes, whichever comes first. */
const BATCH_ATTACHMENT_BYTES = 16 << 20;

/**
 * Accepts records one by one or in arrays (the readers' `…Batches` forms: one await per input chunk).
 * Holds one batch of results plus one small `Seen` entry per distinct test of the run.
 */
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
    const recompute = new Set<number>();
    let batch: Pending[] = [];
    let batchBytes = 0;
    let duplicates = 0;
    const flush = async (aggregate: boolean) => {
      if (batch.length) await storeBatch(trx, store.dialect, id, batch, options, aggregate);
      batch = [];
      batchBytes = 0;
    };
    for await (const item of records) {
      for (const record of Array.isArray(item) ? (item as readonly TestRecord[]) : [item as TestRecord]) {
        const { name, attrs } = splitTestName(record.testId, attrRegex);
        if (!isStored(record, name)) continue;
        const entry: Seen = { status: record.status, startUs: record.startUs, stopUs: record.stopUs ?? null, testId: null, testRunId: null, batchIndex: -1 };
        const pending: Pending = { name, attrs, record, seen: entry };
        const previous = seen.get(name);
        seen.set(name, entry);
        if (previous !== undefined) duplicates++;
        if (previous !== undefined && previous.testRunId !== null) {
          // The earlier result is already written: replace its row and recompute the test's aggregates.
          await flush(true);
          await deleteTestRun(trx, previous.testRunId);
          batch.push(pending);
          await flush(false);
          recompute.add(previous.testId as number);
          continue;
        }
        if (previous !== undefined) {
          // The earlier result is in the batch still: the later one takes its place.
          entry.batchIndex = previous.batchIndex;
          batch[entry.batchIndex] = pending;
        } else {
          entry.batchIndex = batch.length;
          batch.push(pending);
        }
        if (options.storeAttachments) for (const detail of record.details.values()) batchBytes += detail.bytes?.length ?? 0;
        if (batch.length >= BATCH || batchBytes >= BATCH_ATTACHMENT_BYTES) await flush(true);
      }
    }
    await flush(true);
    if (recompute.size) await recomputeTestAggregates(trx, [...recompute]);

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

function durationSeconds(startUs: number | null, stopUs: number | null): number | null {
  return startUs === null || stopUs === null ? null : (stopUs - startUs) / 1e6;
}

/** subunit2sql's `get_run_totals` and `run_time()`; results without timestamps add no time (it crashed). */
export function runTotals(results: Iterable<Pick<Seen, 'status' | 'startUs' | 'stopUs'>>, wallTime: boolean) {
  let passes = 0;
  let fails = 0;
  let skips = 0;
  let sum = 0;
  let firstStartUs: number | null = null;
  let lastStopUs: number | null = null;
  for (const r of results) {
    if (isPass(r.status)) passes++;
    else if (isFailure(r.status)) fails++;
    else if (r.status === 'skip') skips++;
    const d = durationSeconds(r.startUs, r.stopUs);
    if (d !== null) sum += d;
    if (r.startUs !== null && (firstStartUs === null || r.startUs < firstStartUs)) firstStartUs = r.startUs;
    if (r.stopUs !== null && (lastStopUs === null || r.stopUs > lastStopUs)) lastStopUs = r.stopUs;
  }
  const wall = firstStartUs !== null && lastStopUs !== null ? (lastStopUs - firstStartUs) / 1e6 : 0;
  return { passes, fails, skips, runTime: wallTime ? wall : sum, firstStartUs, lastStopUs };
}

async function storeBatch(trx: Db, dialect: DialectName, runId: number, batch: Pending[], options: TestIngestOptions, aggregate: boolean): Promise<void> {
  // Without `aggregate` only make sure the test rows exist; their aggregates are recomputed afterwards.
  const testIds = await addTestAggregates(
    trx,
    dialect,
    batch.map(({ name, record }) => ({
      name,
      success: aggregate && isPass(record.status) ? 1 : 0,
      failure: aggregate && isFailure(record.status) ? 1 : 0,
      runTime: aggregate ? (durationSeconds(record.startUs, record.stopUs) ?? (record.durationUs == null ? null : record.durationUs / 1e6)) : null,
    })),
  );
  for (const p of batch) p.seen.testId = testIds.get(p.name) as number;
  const testRunIds = await insertTestRuns(
    trx,
    dialect,
    runId,
    batch.map(({ record, seen }) => ({
      testId: seen.testId as number,
      status: record.status,
      startUs: record.startUs,
      stopUs: record.stopUs ?? (record.startUs !== null && record.durationUs != null ? record.startUs + record.durationUs : null),
    })),
  );
  const metadata: { test_run_id: number; key: string; value: string }[] = [];
  const attachments: NewAttachment[] = [];
  const testMetadata: { test_id: number; key: string; value: string }[] = [];
  for (const { attrs, record, seen } of batch) {
    const testId = seen.testId as number;
    const testRunId = testRunIds.get(testId) as number;
    seen.testRunId = testRunId;
    seen.batchIndex = -1;
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
  await addTestMetadata(trx, dialect, testMetadata);
  await insertAttachments(trx, attachments);
}

function isPass(status: string): boolean {
  return (PASS_STATUSES as readonly string[]).includes(status);
}

function isFailure(status: string): boolean {
  return (FAIL_STATUSES as readonly string[]).includes(status);
}
