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
  pushAggregateRow,
  recomputeTestAggregates,
  storedResultsByName,
  storedRunTotals,
  BATCH,
  TEST_RUN_COLUMNS,
  type Db,
  type NewAttachment,
} from '../../store/tests.js';
import { isEpochUs, MAX_EPOCH_MS } from '../timestamps.js';
import { UserError } from '../../util/errors.js';
import { NameFilter } from './name-filter.js';
import { compileAttrRegex, DEFAULT_ATTR_REGEX, prefixedAttrs, splitTestName } from './names.js';
import type { TestRecord } from './types.js';

/**
 * Stores one stream of per-test records as one run, with subunit2sql's model and aggregates but none of its
 * losses: everything happens in one transaction; the run is keyed by its public id (re-ingesting replaces
 * it, and the aggregates of its tests are recomputed); tests without timestamps and tests left
 * `inprogress` are stored; attachments are really stored (whole name as label). Memory holds one batch of
 * results (at most BATCH, and attachment bytes bounded) and a fixed-size filter of the names written:
 * nothing grows with the run; its totals are computed by the store at the end.
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
  /** Rewrite a run a benchmark ingest wrote (its documents go); refused otherwise. */
  replace?: boolean;
  /** Refuse a run without test results (the front ends' default: an empty input must not empty a stored run). */
  refuseEmpty?: boolean;
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

interface Pending {
  name: string;
  attrs: string | null;
  record: TestRecord;
  /** An earlier result of the same name, already written, that this one replaces. */
  replaces: boolean;
}

/** Results subunit2sql does not store: enumeration, and testr/stestr's return-code pseudo test. */
function isStored(record: TestRecord, name: string): boolean {
  return record.status !== 'exists' && name !== 'process-returncode';
}

/** A batch is written when it holds BATCH results or this many attachment bytes, whichever comes first. */
const BATCH_ATTACHMENT_BYTES = 16 << 20;

/** Accepts records one by one or in arrays (the readers' `…Batches` forms: one await per input chunk). */
export async function ingestTestRecords(store: Store, records: AsyncIterable<TestRecord | readonly TestRecord[]>, options: TestIngestOptions): Promise<TestIngestSummary> {
  const attrRegex = compileAttrRegex(options.attrRegex ?? DEFAULT_ATTR_REGEX);
  const runId = options.runId ?? randomUUID();
  return store.writeTransaction(async (trx) => {
    const { id, outcome } = await writeRun(trx, {
      uuid: runId,
      timestampMs: options.runAtMs ?? Date.now(),
      source: options.source,
      collection: options.collection ?? 'tests',
      metadata: options.runMeta ?? {},
      artifacts: options.artifacts ?? null,
      replace: options.replace,
    });
    if (outcome === 'replaced') await recomputeTestAggregates(trx, await deleteRunTestResults(trx, id));

    // Every name batched so far (a "maybe" is either in the batch or already written, or a rare false one).
    const seen = new NameFilter();
    const recompute = new Set<number>();
    let batch: Pending[] = [];
    /**
     * Names in `batch` → their position (a later result of the same name takes the place), built only when
     * the filter first says "maybe" in this batch: most batches have no duplicates and never need it.
     */
    let positions: Map<string, number> | null = null;
    let maybeWritten: string[] = [];
    let batchBytes = 0;
    let duplicates = 0;
    const flush = async () => {
      if (maybeWritten.length) duplicates += await markReplacements(trx, id, batch, positionsOf(batch, positions), maybeWritten, recompute);
      if (batch.length) await storeBatch(trx, store.dialect, id, batch, options);
      batch = [];
      positions = null;
      maybeWritten = [];
      batchBytes = 0;
    };
    for await (const item of records) {
      for (const record of Array.isArray(item) ? (item as readonly TestRecord[]) : [item as TestRecord]) {
        const { name, attrs } = splitTestName(record.testId, attrRegex);
        if (!isStored(record, name)) continue;
        refuseUnholdableTimes(record, name);
        const pending: Pending = { name, attrs, record, replaces: false };
        if (seen.mightHave(name)) {
          positions = positionsOf(batch, positions);
          const position = positions.get(name);
          if (position !== undefined) {
            // The earlier result is in the batch still: the later one takes its place.
            batch[position] = pending;
            duplicates++;
          } else {
            maybeWritten.push(name);
            positions.set(name, batch.length);
            batch.push(pending);
          }
        } else {
          seen.add(name);
          positions?.set(name, batch.length);
          batch.push(pending);
        }
        if (options.storeAttachments && record.details.size) for (const detail of record.details.values()) batchBytes += detail.bytes?.length ?? 0;
        if (batch.length >= BATCH || batchBytes >= BATCH_ATTACHMENT_BYTES) await flush();
      }
    }
    await flush();
    if (recompute.size) await recomputeTestAggregates(trx, [...recompute]);

    const totals = await storedRunTotals(trx, id);
    // Thrown inside the transaction: a stored run of this id is left as it was.
    if (totals.tests === 0 && options.refuseEmpty) throw new UserError('the input holds no test results (--allow-empty if that is meant)');
    const wall = totals.firstStartUs !== null && totals.lastStopUs !== null ? (totals.lastStopUs - totals.firstStartUs) / 1e6 : 0;
    const runTime = options.useRunWallTime ? wall : totals.durationSum;
    await trx
      .updateTable('runs')
      .set({
        passes: totals.passes,
        fails: totals.fails,
        skips: totals.skips,
        run_time: runTime,
        start_ms: totals.firstStartUs === null ? null : Math.floor(totals.firstStartUs / 1000),
        end_ms: totals.lastStopUs === null ? null : Math.floor(totals.lastStopUs / 1000),
        ...(options.runAtMs === undefined && totals.firstStartUs !== null ? { timestamp_ms: Math.floor(totals.firstStartUs / 1000) } : {}),
      })
      .where('id', '=', id)
      .execute();
    return { runId, outcome, tests: totals.tests, passes: totals.passes, fails: totals.fails, skips: totals.skips, runTime, duplicates };
  });
}

/**
 * Results of the batch whose name an earlier batch already wrote (the filter said "maybe"; the store
 * says which): the earlier row goes, with its metadata and attachments, and the test's aggregates are
 * recomputed at the end instead of incremented. Returns how many there were.
 */
async function markReplacements(trx: Db, runId: number, batch: Pending[], positions: Map<string, number>, names: string[], recompute: Set<number>): Promise<number> {
  const stored = await storedResultsByName(trx, runId, names);
  for (const [name, { testRunId, testId }] of stored) {
    await deleteTestRun(trx, testRunId);
    batch[positions.get(name) as number].replaces = true;
    recompute.add(testId);
  }
  return stored.size;
}

/** Name → position in `batch`, built on first need and kept up to date by the caller from then on. */
function positionsOf(batch: readonly Pending[], positions: Map<string, number> | null): Map<string, number> {
  if (positions !== null) return positions;
  const built = new Map<string, number>();
  for (let i = 0; i < batch.length; i++) built.set(batch[i].name, i);
  return built;
}

/** A test result's times must be ones the store's readers can show (see MAX_EPOCH_MS in timestamps.ts). */
function refuseUnholdableTimes(record: TestRecord, name: string): void {
  const { startUs, stopUs, durationUs } = record;
  const bad = (field: string, us: number) => {
    const shown = Number.isFinite(us) && Math.abs(us) <= MAX_EPOCH_MS * 1000 ? new Date(us / 1000).toISOString() : `${us} µs`;
    return new UserError(`${shown} is outside the times test results can hold (years 1685 to 2255)`, { test: name, field });
  };
  if (startUs !== null && !isEpochUs(startUs)) throw bad('start', startUs);
  if (stopUs !== null && !isEpochUs(stopUs)) throw bad('stop', stopUs);
  if (durationUs != null && !isEpochUs(durationUs)) throw bad('duration', durationUs);
  if (stopUs === null && startUs !== null && durationUs != null && !isEpochUs(startUs + durationUs)) throw bad('stop', startUs + durationUs);
}

function durationSeconds(startUs: number | null, stopUs: number | null): number | null {
  return startUs === null || stopUs === null ? null : (stopUs - startUs) / 1e6;
}

/**
 * Writes one batch: the tests' aggregates, the results, then metadata and attachments only where there are
 * any. Parameters go straight into the statements' flat arrays (no per-row objects).
 */
async function storeBatch(trx: Db, dialect: DialectName, runId: number, batch: Pending[], options: TestIngestOptions): Promise<void> {
  const aggregates: unknown[] = [];
  for (const { name, record, replaces } of batch) {
    // A replacing result only makes sure its test row exists; the test's aggregates are recomputed afterwards.
    if (replaces) pushAggregateRow(aggregates, name, 0, 0, null);
    else {
      const runTime = durationSeconds(record.startUs, record.stopUs) ?? (record.durationUs == null ? null : record.durationUs / 1e6);
      pushAggregateRow(aggregates, name, isPass(record.status) ? 1 : 0, isFailure(record.status) ? 1 : 0, runTime);
    }
  }
  const testIds = await addTestAggregates(trx, dialect, aggregates);
  const results: unknown[] = [];
  for (const { name, record } of batch) {
    const stopUs = record.stopUs ?? (record.startUs !== null && record.durationUs != null ? record.startUs + record.durationUs : null);
    results.push(testIds.get(name), runId, record.status, record.startUs, stopUs);
  }
  const testRunIds = await insertTestRuns(trx, dialect, results);
  const metadata: unknown[] = [];
  const attachments: NewAttachment[] = [];
  const testMetadata: { test_id: number; key: string; value: string }[] = [];
  for (let i = 0; i < batch.length; i++) {
    const { attrs, record } = batch[i];
    const testRunId = testRunIds[i];
    if (attrs !== null) metadata.push(testRunId, 'attrs', attrs);
    const tags = record.tags;
    if (tags.length) metadata.push(testRunId, 'tags', tags.length === 1 ? tags[0] : tags.join(','));
    if (options.testAttrPrefix) {
      const testId = results[i * TEST_RUN_COLUMNS] as number;
      for (const attr of prefixedAttrs(attrs, options.testAttrPrefix, options.removeTestAttrPrefix ?? false)) {
        testMetadata.push({ test_id: testId, key: 'attr', value: attr });
      }
    }
    if (options.storeAttachments && record.details.size) {
      for (const [label, detail] of record.details) {
        if (detail.bytes !== null) attachments.push({ test_run_id: testRunId, label, content_type: detail.mimeType, body: detail.bytes });
      }
    }
  }
  if (metadata.length) await insertTestRunMetadata(trx, dialect, metadata);
  if (testMetadata.length) await addTestMetadata(trx, dialect, testMetadata);
  if (attachments.length) await insertAttachments(trx, attachments);
}

function isPass(status: string): boolean {
  return status === PASS_STATUSES[0] || status === PASS_STATUSES[1];
}

function isFailure(status: string): boolean {
  return status === FAIL_STATUSES[0] || status === FAIL_STATUSES[1];
}
