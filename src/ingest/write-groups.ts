import type { Store } from '../store/connect.js';
import { writeDocuments, writeRun, type DocumentOrder, type NewDocument, type NewRun } from '../store/runs.js';
import { UserError, errorMessage, type Place } from '../util/errors.js';
import { RangeReader } from './line-scanner.js';
import { TOO_DEEP, nestedTooDeep } from './nesting.js';
import { placeMessage, type IngestReport, type RunOutcome } from './report.js';
import type { RunGroup, RunGroups } from './run-groups.js';

export interface WriteGroupsOptions {
  /** Builds the run row of a group (from its metadata document, `--run-meta`, its documents). */
  toRun(group: RunGroup): NewRun;
  /** Rewrite runs the other kind of ingest wrote (`--replace`). */
  replace?: boolean;
  onProgress?(done: number, total: number): void;
}

/**
 * The second pass: each run of the first pass is written in its own transaction — all of it or,
 * when any of its lines was bad or the database refuses it, none of it.
 */
export async function writeGroups(store: Store, groups: RunGroups, report: IngestReport, options: WriteGroupsOptions): Promise<void> {
  for (const e of groups.orphanErrors) report.errors.push(placeMessage(e.message, e.place));
  const total = groups.groups.size;
  let done = 0;
  const pending = groups.groups.values();
  const reader = new RangeReader();
  // The next run's documents are read while the database writes the current one (a server works
  // in its own process: reading no longer waits for it, nor it for reading).
  let next = readNext(pending, groups.paths, reader);
  // Runs overlap on two connections: while the database inserts one run's documents and commits, the
  // next run's first statements (its row, metadata) go out — a server works on one while the other
  // waits for round trips or the disk. A run's documents wait for the previous run's, so ids still
  // follow the file. SQLite has one connection: there runs stay one after another.
  let previous: Promise<void> = Promise.resolve();
  let previousInserted: Promise<void> = Promise.resolve();
  // Settles once every transaction started has ended: whatever ends the loop early (a caller's
  // onProgress throwing) returns only then, so nothing is committed after this function has.
  let writing: Promise<unknown> = Promise.resolve();
  try {
    for (;;) {
      const current = await next;
      if (!current) break;
      next = readNext(pending, groups.paths, reader);
      const ready = signal();
      const inserted = signal();
      const order: DocumentOrder = { after: previousInserted, ready: ready.fire, inserted: inserted.fire };
      const outcome = writeGroup(store, current, runFile(report.file, groups.paths, current.group), options, order);
      writing = Promise.allSettled([writing, outcome]);
      // Reported in run order, whichever transaction ends first.
      const reported = Promise.all([previous, outcome]).then(([, run]) => {
        report.runs.push(run);
        options.onProgress?.(++done, total);
      });
      // Its failure surfaces where the loop awaits it; not as an unhandled rejection if the loop has ended.
      reported.catch(() => undefined);
      // At most two transactions at a time: the next starts once the one before this one has ended.
      await Promise.all([previous, ready.fired]);
      previous = reported;
      previousInserted = inserted.fired;
    }
    await previous;
  } finally {
    await writing;
    await next.catch(() => undefined);
    await reader.close();
  }
}

/**
 * The file a run's first line is in, for its messages: the input's label when it is one file (`<stdin>`
 * for a spooled one), else the file of the run's first document (a kube-burner directory's file).
 */
function runFile(label: string, paths: string[], group: RunGroup): string {
  return paths.length > 1 && group.documents.count ? paths[group.documents.file(0)] : label;
}

/** A promise and the function that resolves it (calling it again does nothing). */
function signal(): { fired: Promise<void>; fire: () => void } {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return { fired, fire };
}

/** A group with its documents read back (none when it is not written: it had an error, or they could not be read). */
interface ReadGroup {
  group: RunGroup;
  documents: NewDocument[];
  /** Why the documents could not be read back (the input changed or vanished since the first pass). */
  readError?: unknown;
}

function readNext(pending: Iterator<RunGroup>, paths: string[], reader: RangeReader): Promise<ReadGroup | undefined> {
  const read = (async () => {
    const { value: group, done } = pending.next();
    if (done) return undefined;
    if (group.error) return { group, documents: [] };
    let texts: string[];
    try {
      texts = await readGroupTexts(reader, paths, group);
    } catch (err) {
      // Only this run is refused: giving up here would leave the run being written unreported.
      return { group, documents: [], readError: err };
    }
    const refs = group.documents;
    const documents: NewDocument[] = texts.map((body, i) => ({
      collection: refs.collection(i),
      timestampMs: refs.timestampMs(i),
      metricName: refs.metricName(i),
      body: body.trim(),
    }));
    return { group, documents };
  })();
  // A read error surfaces when the loop awaits this read, not as an unhandled rejection before.
  read.catch(() => undefined);
  return read;
}

/**
 * Writes one run in its own transaction, or says why it is not written. The order's signals fire
 * whatever happens, so the next run never waits for a run that failed.
 */
async function writeGroup(store: Store, { group, documents, readError }: ReadGroup, file: string, options: WriteGroupsOptions, order: DocumentOrder): Promise<RunOutcome> {
  try {
    if (group.error) return { uuid: group.uuid, outcome: 'failed', documents: 0, error: placeMessage(group.error.message, group.error.place) };
    if (readError !== undefined) {
      const error = placeMessage(`cannot read the run's documents back: ${errorMessage(readError)}`, { file, line: group.firstLine });
      return { uuid: group.uuid, outcome: 'failed', documents: 0, error };
    }
    const run = { ...options.toRun(group), replace: options.replace };
    if (nestedTooDeep(run.metadata)) throw new UserError(`the run's metadata ${TOO_DEEP}`, { field: 'metadata' });
    const { outcome } = await store.writeTransaction(async (trx) => {
      const written = await (group.metadata ? writeRun(trx, run, documents, order) : writeDocuments(trx, run, documents, order));
      // A run without documents never reached them.
      order.ready();
      return written;
    });
    return { uuid: group.uuid, outcome, documents: documents.length };
  } catch (err) {
    return {
      uuid: group.uuid,
      outcome: 'failed',
      documents: 0,
      error: placeMessage(refusal(err), { file, line: group.firstLine }),
    };
  } finally {
    order.ready();
    order.inserted();
  }
}

/** A UserError says what is wrong with the run itself; anything else is the database's refusal. */
function refusal(err: unknown): string {
  return err instanceof UserError ? err.message : `database refused the run: ${errorMessage(err)}`;
}

/**
 * Writes one run of a format whose records are whole runs (json, csv) in its own transaction, or says
 * why it is not written, at `place`.
 */
export async function writeOneRun(store: Store, run: NewRun, documents: NewDocument[], place: Place): Promise<RunOutcome> {
  try {
    const { outcome } = await store.writeTransaction((trx) => writeRun(trx, run, documents));
    return { uuid: run.uuid, outcome, documents: documents.length };
  } catch (err) {
    return { uuid: run.uuid, outcome: 'failed', documents: 0, error: placeMessage(refusal(err), place) };
  }
}

/** The documents of a group, read back from their files in order. */
async function readGroupTexts(reader: RangeReader, paths: string[], group: RunGroup): Promise<string[]> {
  const refs = group.documents;
  const texts: string[] = new Array(refs.count);
  const byFile = new Map<number, number[]>();
  for (let i = 0; i < refs.count; i++) {
    let list = byFile.get(refs.file(i));
    if (!list) byFile.set(refs.file(i), (list = []));
    list.push(i);
  }
  for (const [file, indexes] of byFile) {
    const read = await reader.read(paths[file], indexes.map((i) => ({ offset: refs.offset(i), length: refs.length(i) })));
    indexes.forEach((docIndex, k) => (texts[docIndex] = read[k]));
  }
  return texts;
}
