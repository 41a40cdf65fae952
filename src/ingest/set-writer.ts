/**
 * The database side of an ingest's second pass (write-groups.ts): sets of prepared runs written in a
 * transaction, each run whole or not at all. The second pass reads and prepares runs; a {@link SetWriter}
 * writes them — here, in this thread ({@link inThreadSetWriter}), or on a worker thread with a connection
 * of its own (set-writer-thread.ts), so that SQLite's statements and the JavaScript that prepares the next
 * runs use both cores.
 *
 * @example
 * const writer = inThreadSetWriter(store, new AnalyzePacer(store.db));
 * await writer.transaction(async (writeSet) => {
 *   const outcomes = await writeSet([{ uuid: 'r1', file: 'x.ndjson', line: 1, run, rows: newRunRows(run, documents), withMetadata: true, documents }], false);
 * });
 */
import { sql, type Transaction } from 'kysely';
import type { Store } from '../store/connect.js';
import { forgetRecordedCollections } from '../store/document-collections.js';
import type { AnalyzePacer } from '../store/planner-statistics.js';
import { findRuns, writeDocuments, writeNewRuns, writeRun, type NewDocument, type NewRun, type NewRunRows } from '../store/runs.js';
import type { Database } from '../store/schema.js';
import { UserError, errorMessage } from '../util/errors.js';
import { placeMessage, type RunOutcome } from './report.js';

/** A run ready to be written, with what its outcome and messages name. */
export interface SetEntry {
  uuid: string;
  /** The file and line a refusal names. */
  file: string;
  line: number;
  run: NewRun;
  /** Its rows when it has its metadata document (newRunRows): it may be written with others as a run not stored yet. */
  rows?: NewRunRows;
  /** Its metadata document was read: the run's row is written; without it only its documents are. */
  withMetadata: boolean;
  documents: NewDocument[];
}

/** Writes a set in the transaction; answers the outcome of each of its entries, in order. */
export type WriteSet = (set: SetEntry[], guarded: boolean) => Promise<RunOutcome[]>;

export interface SetWriter {
  /**
   * One write transaction of runs (`store.writeTransaction`, runs only): `write` hands it sets through
   * `writeSet`, which writes them in the order it is called — a set may be handed over before the one
   * before it is written, and `write` may return before they are: all are written before the commit. All
   * of it is committed, or none when `write` or a set throws (the transaction then rejects).
   */
  transaction(write: (writeSet: WriteSet) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** A {@link SetWriter} on the store's own connection. */
export function inThreadSetWriter(store: Store, analyze: AnalyzePacer): SetWriter {
  return {
    transaction: (write) =>
      store.writeTransaction(async (trx) => {
        // The sets run one after another; after a refusal the later ones are not written, and the
        // refusal is the transaction's (rolled back) once every set handed over has settled.
        let chain: Promise<unknown> = Promise.resolve();
        let failure: { error: unknown } | undefined;
        await write((set, guarded) => {
          const written = chain.then(() => {
            if (failure) throw new Error('an earlier set of this transaction was refused');
            return writeSet(trx, set, guarded);
          });
          chain = written.catch((error: unknown) => {
            failure ??= { error };
          });
          return written;
        });
        await chain;
        if (failure) throw failure.error;
      }, { runsOnly: true, analyze }),
    close: async () => undefined,
  };
}

/**
 * Writes a set of consecutive runs in the transaction. Runs not stored yet, with their metadata document,
 * are written together by {@link writeNewRuns}: a few statements for the set instead of a few per run
 * (PostgreSQL's small runs were bound by the round trips, issue 17). `guarded`: in a savepoint, and should
 * the database refuse that, the set is rolled back to the savepoint and written again a savepoint per run,
 * so only the bad run is refused; the others (stored runs, runs without metadata) get a savepoint each.
 * Unguarded, a refusal throws (the caller writes the batch again guarded). Runs are written in their
 * order, so ids follow the input.
 */
export async function writeSet(trx: Transaction<Database>, set: readonly SetEntry[], guarded: boolean): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = new Array(set.length);
  const sharable = set.filter((entry) => entry.rows !== undefined);
  const stored = sharable.length > 1 ? await findRuns(trx, sharable.map((entry) => entry.run.uuid)) : new Map<string, unknown>();
  let stretch: number[] = [];
  const flush = async () => {
    if (stretch.length && guarded) await writeNewInSavepoint(trx, set, stretch, outcomes);
    else if (stretch.length) await writeNew(trx, set, stretch, outcomes);
    stretch = [];
  };
  for (let i = 0; i < set.length; i++) {
    const entry = set[i];
    if (entry.rows && sharable.length > 1 && !stored.has(entry.run.uuid)) {
      stretch.push(i);
      continue;
    }
    await flush();
    outcomes[i] = guarded ? await writeInSavepoint(trx, entry) : await writeEntryRun(trx, entry);
  }
  await flush();
  return outcomes;
}

/** Runs not stored yet (the set's entries at `indexes`), written together (see {@link writeNewRuns}). */
async function writeNew(trx: Transaction<Database>, set: readonly SetEntry[], indexes: number[], outcomes: RunOutcome[]): Promise<void> {
  await writeNewRuns(trx, indexes.map((i) => set[i].rows!));
  for (const i of indexes) outcomes[i] = { uuid: set[i].uuid, outcome: 'created', documents: set[i].documents.length };
}

/** Runs not stored yet, written together in a savepoint; one by one when the database refuses that. */
async function writeNewInSavepoint(trx: Transaction<Database>, set: readonly SetEntry[], indexes: number[], outcomes: RunOutcome[]): Promise<void> {
  if (indexes.length > 1) {
    await sql`savepoint runs`.execute(trx);
    try {
      await writeNew(trx, set, indexes, outcomes);
      await sql`release savepoint runs`.execute(trx);
      return;
    } catch {
      await sql`rollback to savepoint runs`.execute(trx);
      await sql`release savepoint runs`.execute(trx);
      forgetRecordedCollections(trx);
    }
  }
  for (const i of indexes) outcomes[i] = await writeInSavepoint(trx, set[i]);
}

/** Writes the entry's run: its row (from its metadata document) and documents, or only its documents. */
async function writeEntryRun(trx: Transaction<Database>, entry: SetEntry): Promise<RunOutcome> {
  const { outcome } = await (entry.withMetadata ? writeRun(trx, entry.run, entry.documents) : writeDocuments(trx, entry.run, entry.documents));
  return { uuid: entry.uuid, outcome, documents: entry.documents.length };
}

/**
 * Writes one run in a savepoint of the transaction, or says why it is not written (rolled back to the
 * savepoint). Throws only when the transaction itself is lost (the savepoint cannot be rolled back to).
 */
async function writeInSavepoint(trx: Transaction<Database>, entry: SetEntry): Promise<RunOutcome> {
  await sql`savepoint run`.execute(trx);
  try {
    const outcome = await writeEntryRun(trx, entry);
    await sql`release savepoint run`.execute(trx);
    return outcome;
  } catch (err) {
    await sql`rollback to savepoint run`.execute(trx);
    await sql`release savepoint run`.execute(trx);
    forgetRecordedCollections(trx);
    return refused(entry, err);
  }
}

/** Writes one run in its own transaction on the store's connection, or says why it is not written. */
export async function writeAlone(store: Store, entry: SetEntry, analyze: AnalyzePacer): Promise<RunOutcome> {
  try {
    return await store.writeTransaction((trx) => writeEntryRun(trx, entry), { runsOnly: true, analyze });
  } catch (err) {
    return refused(entry, err);
  }
}

/** The outcome of a run not written because of `err`, at the run's first line. */
export function refused(entry: Pick<SetEntry, 'uuid' | 'file' | 'line'>, err: unknown): RunOutcome {
  return { uuid: entry.uuid, outcome: 'failed', documents: 0, error: placeMessage(refusal(err), { file: entry.file, line: entry.line }) };
}

/** A UserError says what is wrong with the run itself; anything else is the database's refusal. */
export function refusal(err: unknown): string {
  return err instanceof UserError ? err.message : `database refused the run: ${errorMessage(err)}`;
}
