import type { Store } from '../store/connect.js';
import { checkRun, newRunRows, writeRun, type NewDocument, type NewRun } from '../store/runs.js';
import { AnalyzePacer } from '../store/planner-statistics.js';
import { UserError, errorMessage, type Place } from '../util/errors.js';
import { RangeReader } from './line-scanner.js';
import { TOO_DEEP, nestedTooDeep } from './nesting.js';
import { addRun, placeMessage, type IngestReport, type RunOutcome } from './report.js';
import type { DocumentRef, RunGroup, RunGroups } from './run-groups.js';
import { inThreadSetWriter, refusal, refused, writeAlone, type SetEntry, type SetWriter, type WriteSet } from './set-writer.js';
import { setWriterThread } from './set-writer-thread.js';

export interface WriteGroupsOptions {
  /** Builds the run row of a group (from its metadata document, `--run-meta`, its documents). */
  toRun(group: RunGroup, metadata: Record<string, unknown> | undefined, documents: readonly NewDocument[]): NewRun;
  /** Rewrite runs the other kind of ingest wrote (`--replace`). */
  replace?: boolean;
  onProgress?(done: number, total: number): void;
  /** Runs per transaction at most (default {@link BATCH_RUNS}). */
  batchRuns?: number;
  /**
   * Where the sets are written: the writer this gives for the store and the number of runs, else this
   * thread (default: {@link setWriterThread}, a thread of its own for a large ingest into a SQLite file).
   */
  setWriter?: (store: Store, runs: number) => Promise<SetWriter | undefined>;
}

/** A batch's transaction ends after this many runs… */
const BATCH_RUNS = 1000;
/** …or documents (what a batch that falls back re-reads, and the documents behind one commit)… */
const BATCH_DOCUMENTS = 20_000;
/** …or this long: a SQLite writer holds the file's lock for the whole transaction, others wait. */
const BATCH_MS = 500;
/** New runs written by shared INSERTs at most (set-writer.ts `writeSet`)… */
const SET_RUNS = 100;
/** …and documents (what memory holds at once). */
const SET_DOCUMENTS = 5000;

interface Entry {
  read: ReadGroup;
  /** What the writer is handed, once prepared ({@link prepareEntry}); none when it is refused (`outcome` says why). */
  write?: SetEntry;
  outcome?: RunOutcome;
}

/**
 * The second pass: runs are written many to a transaction — all of a run or, when any of its lines was
 * bad or the database refuses it, none of it (the batch's other runs kept). One commit per batch instead
 * of per run: 20-document runs were bound by the commit (issue 17); and runs not stored yet share their
 * INSERTs, a set at a time (set-writer.ts). On a SQLite file, a large ingest's sets are written on a
 * thread of their own (set-writer-thread.ts) while this one reads and prepares the next. A batch is first
 * written without savepoints: what the database could refuse is checked before (`prepare`), and SQLite
 * copied every page a savepoint touched (a twentieth of a small run's time). Should the database refuse
 * anything, the batch is rolled back and written again with a savepoint per set and per run
 * ({@link writeBatchGuarded}), so only the bad run is refused; a transaction that fails as a whole even
 * then (its commit refused, its connection lost) is written again run by run, each in its own
 * transaction. Re-running an interrupted ingest rewrites the same runs (writes are idempotent by uuid).
 */
export async function writeGroups(store: Store, groups: RunGroups, report: IngestReport, options: WriteGroupsOptions): Promise<void> {
  groups.endFirstPass();
  for (const e of groups.orphanErrors) report.errors.push(placeMessage(e.message, e.place));
  const total = groups.size;
  const batchRuns = options.batchRuns ?? BATCH_RUNS;
  const fileOf = (group: RunGroup) => runFile(report.file, groups.paths, group);
  let done = 0;
  const pending = groups.runs();
  const reader = new RangeReader();
  // A batch's commit may make tables due for ANALYZE (PostgreSQL): analysed at a pace, and at the end.
  const analyze = new AnalyzePacer(store.db);
  const writer = (await (options.setWriter ?? setWriterThread)(store, total)) ?? inThreadSetWriter(store, analyze);
  // The next run's documents are read while the database writes the current ones.
  let next = readNext(pending, groups, reader);
  let current: ReadGroup | undefined;
  /**
   * Reads and prepares the next set: up to `limit` runs. Once a transaction is under way (`writing`), the
   * event loop gets a turn after each run, so the statements in flight go on.
   */
  const nextSet = async (limit: number, writing = true): Promise<Entry[]> => {
    const set: Entry[] = [];
    let setDocuments = 0;
    while (current && set.length < limit && setDocuments < SET_DOCUMENTS) {
      const entry: Entry = { read: current };
      set.push(entry);
      setDocuments += current.documents.length;
      next = readNext(pending, groups, reader);
      prepareEntry(entry, fileOf, options);
      if (writing) await new Promise(setImmediate);
      current = await next;
    }
    return set;
  };
  try {
    current = await next;
    let set = await nextSet(Math.min(SET_RUNS, batchRuns), false);
    while (set.length) {
      const batch: Entry[] = [];
      const started = Date.now();
      let documents = 0;
      let handedAll!: () => void;
      const bodyEnded = new Promise<void>((resolve) => (handedAll = resolve));
      const written = writer.transaction(async (writeSet) => {
        try {
          // At most two sets handed over and not written yet: the next one is read and prepared while the
          // database writes (PostgreSQL's server, or SQLite on the writer's thread). A set the database
          // refuses fails the transaction (the writer rolls back): here its promise only must not count as
          // unhandled, and it stops the handing.
          let previous: Promise<void> | undefined;
          for (;;) {
            const handing = set;
            set = [];
            batch.push(...handing);
            for (const entry of handing) documents += entry.read.documents.length;
            const handed = writeEntries(writeSet, handing, false);
            handed.catch(() => undefined);
            if (batch.length >= batchRuns || documents >= BATCH_DOCUMENTS || Date.now() - started >= BATCH_MS) return;
            set = await nextSet(Math.min(SET_RUNS, batchRuns - batch.length));
            await previous;
            previous = handed;
            if (!set.length) return;
          }
        } finally {
          handedAll();
        }
      });
      written.catch(() => undefined);
      // The next batch's first set (unless a refusal left one read) is read and prepared while this batch
      // is written and committed. A transaction that fails before its body runs ends the wait too.
      await Promise.race([bodyEnded, written.catch(() => undefined)]);
      const following = set.length ? set : await nextSet(Math.min(SET_RUNS, batchRuns));
      try {
        await written;
      } catch {
        try {
          await writer.transaction((writeSet) => writeBatchGuarded(writeSet, batch, groups, reader, fileOf, options));
        } catch {
          for (const entry of batch) entry.outcome = await writeAloneRead(store, await readGroup(entry.read, groups, reader), fileOf(entry.read.group), options, analyze);
        }
      }
      set = following;
      for (const entry of batch) {
        addRun(report, entry.outcome as RunOutcome);
        options.onProgress?.(++done, total);
      }
    }
  } finally {
    await next.catch(() => undefined);
    await writer.close();
    await reader.close();
    groups.close();
    await analyze.finish();
  }
}

/**
 * A batch the database refused something of, written again in one transaction with savepoints: its runs
 * read back a set at a time (as many as the first attempt held at once).
 */
async function writeBatchGuarded(writeSet: WriteSet, batch: Entry[], groups: RunGroups, reader: RangeReader, fileOf: (group: RunGroup) => string, options: WriteGroupsOptions): Promise<void> {
  for (let i = 0; i < batch.length; ) {
    const set: Entry[] = [];
    let setDocuments = 0;
    while (i < batch.length && set.length < SET_RUNS && setDocuments < SET_DOCUMENTS) {
      const entry = batch[i++];
      entry.read = await readGroup(entry.read, groups, reader);
      prepareEntry(entry, fileOf, options);
      set.push(entry);
      setDocuments += entry.read.documents.length;
    }
    await writeEntries(writeSet, set, true);
  }
}

/** The entry's run and, for a run with its metadata document, its rows ({@link newRunRows}); or why it is refused. */
function prepareEntry(entry: Entry, fileOf: (group: RunGroup) => string, options: WriteGroupsOptions): void {
  entry.outcome = undefined;
  entry.write = undefined;
  const { group, documents, metadata } = entry.read;
  const file = fileOf(group);
  const run = prepare(entry.read, file, options);
  if ('outcome' in run) {
    entry.outcome = run;
    return;
  }
  const write = setEntry(entry.read, file, run);
  try {
    if (metadata !== undefined) write.rows = newRunRows(run, documents);
    entry.write = write;
  } catch (err) {
    entry.outcome = refused(write, err);
  }
}

/**
 * Hands the set's prepared runs to the writer; their outcomes are the entries' once written. The set's
 * documents are let go once handed over (a batch written again reads them again).
 */
async function writeEntries(writeSet: WriteSet, set: Entry[], guarded: boolean): Promise<void> {
  const writing = set.filter((entry) => entry.write !== undefined);
  const written = writing.length ? writeSet(writing.map((entry) => entry.write!), guarded) : Promise.resolve([]);
  // Let go as soon as handed over: a writer thread has its copy, and held until the answer they outlived
  // the young generation, which made most of this thread's garbage collection.
  for (const entry of set) {
    entry.read = { group: entry.read.group, documents: [] };
    entry.write = undefined;
  }
  const outcomes = await written;
  writing.forEach((entry, i) => (entry.outcome = outcomes[i]));
}

/**
 * The file a run's first line is in, for its messages: the input's label when it is one file (`<stdin>`
 * for a spooled one), else the file of the run's first document (a kube-burner directory's file).
 */
function runFile(label: string, paths: string[], group: RunGroup): string {
  return paths.length > 1 && group.firstFile !== undefined ? paths[group.firstFile] : label;
}

/** A group with its documents read back (none when it is not written: it had an error, or they could not be read). */
interface ReadGroup {
  group: RunGroup;
  documents: NewDocument[];
  /** The metadata document read back from `group.metadataRef`. */
  metadata?: Record<string, unknown>;
  /** Why the documents could not be read back (the input changed or vanished since the first pass). */
  readError?: unknown;
}

function readNext(pending: Iterator<RunGroup>, groups: RunGroups, reader: RangeReader): Promise<ReadGroup | undefined> {
  const { value: group, done } = pending.next();
  const read = done ? Promise.resolve(undefined) : readGroup({ group, documents: [] }, groups, reader);
  // A read error surfaces when the loop awaits this read, not as an unhandled rejection before.
  read.catch(() => undefined);
  return read;
}

/** The group's documents and metadata document, read (again) from their files. */
function readGroup({ group }: ReadGroup, groups: RunGroups, reader: RangeReader): Promise<ReadGroup> {
  const paths = groups.paths;
  return (async () => {
    if (group.error) return { group, documents: [] };
    let texts: string[];
    let refs: DocumentRef[] = [];
    let metadata: Record<string, unknown> | undefined;
    try {
      if (group.documentCount) refs = groups.documents(group);
      texts = await readGroupTexts(reader, paths, refs);
      if (group.metadataRef) {
        const [text] = await reader.read(paths[group.metadataRef.file], [group.metadataRef]);
        // The first pass parsed this very text as an object (unless the file changed since: refused then).
        const parsed: unknown = JSON.parse(text);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the metadata document changed since the first pass');
        metadata = parsed as Record<string, unknown>;
      }
    } catch (err) {
      // Only this run is refused: giving up here would leave the run being written unreported.
      return { group, documents: [], readError: err };
    }
    const documents: NewDocument[] = texts.map((body, i) => ({
      collection: refs[i].collection,
      timestampMs: refs[i].timestampMs,
      metricName: refs[i].metricName,
      body: body.trim(),
    }));
    return { group, documents, metadata };
  })();
}

/** The run a group makes, or why it is not written (its lines were bad, its documents unreadable). */
function prepare({ group, metadata, documents, readError }: ReadGroup, file: string, options: WriteGroupsOptions): NewRun | RunOutcome {
  if (group.error) return { uuid: group.uuid, outcome: 'failed', documents: 0, error: placeMessage(group.error.message, group.error.place) };
  if (readError !== undefined) {
    const error = placeMessage(`cannot read the run's documents back: ${errorMessage(readError)}`, { file, line: group.firstLine });
    return { uuid: group.uuid, outcome: 'failed', documents: 0, error };
  }
  try {
    const run = { ...options.toRun(group, metadata, documents), replace: options.replace };
    if (nestedTooDeep(run.metadata)) throw new UserError(`the run's metadata ${TOO_DEEP}`, { field: 'metadata' });
    // Refused here, before any statement, rather than in the middle of a shared INSERT (a run without a
    // metadata document may need no time: its documents may go to a stored run).
    if (metadata) checkRun(run);
    return run;
  } catch (err) {
    return failed(group, file, err);
  }
}

function failed(group: RunGroup, file: string, err: unknown): RunOutcome {
  return refused({ uuid: group.uuid, file, line: group.firstLine }, err);
}

/** Writes one run read back in its own transaction (set-writer.ts `writeAlone`), or says why it is not written. */
async function writeAloneRead(store: Store, read: ReadGroup, file: string, options: WriteGroupsOptions, analyze: AnalyzePacer): Promise<RunOutcome> {
  const run = prepare(read, file, options);
  if ('outcome' in run) return run;
  return writeAlone(store, setEntry(read, file, run), analyze);
}

/** What the writer is handed of a prepared run (its rows, when it has any, added by the caller). */
function setEntry({ group, documents, metadata }: ReadGroup, file: string, run: NewRun): SetEntry {
  return { uuid: group.uuid, file, line: group.firstLine, run, withMetadata: metadata !== undefined, documents };
}

/**
 * Writes one run of a format whose records are whole runs (json, csv) in its own transaction, or says
 * why it is not written, at `place`.
 */
export async function writeOneRun(store: Store, run: NewRun, documents: NewDocument[], place: Place): Promise<RunOutcome> {
  try {
    const { outcome } = await store.writeTransaction((trx) => writeRun(trx, run, documents), { runsOnly: true });
    return { uuid: run.uuid, outcome, documents: documents.length };
  } catch (err) {
    return { uuid: run.uuid, outcome: 'failed', documents: 0, error: placeMessage(refusal(err), place) };
  }
}

/** The documents of a group, read back from their files in order. */
async function readGroupTexts(reader: RangeReader, paths: string[], refs: readonly DocumentRef[]): Promise<string[]> {
  const texts: string[] = new Array(refs.length);
  const byFile = new Map<number, number[]>();
  for (let i = 0; i < refs.length; i++) {
    let list = byFile.get(refs[i].file);
    if (!list) byFile.set(refs[i].file, (list = []));
    list.push(i);
  }
  for (const [file, indexes] of byFile) {
    const read = await reader.read(paths[file], indexes.map((i) => refs[i]));
    indexes.forEach((docIndex, k) => (texts[docIndex] = read[k]));
  }
  return texts;
}
