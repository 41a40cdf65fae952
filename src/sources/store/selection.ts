/**
 * A selection of runs as the store source reads it — the runs of the collections a pattern names, narrowed
 * by a selector's `match` terms (run_terms) and a time window (run_times) — and its fingerprint: the count
 * of the selected runs and the largest `runs.changed_version` among them (src/store/run-changes.ts). The
 * fingerprint changes whenever a run enters, leaves or changes in the selection, so a daemon keeps an
 * analysis while the fingerprints of every selection it read are the same — whatever else was ingested.
 *
 * @example
 * const log = new SelectionLog();
 * const source = new StoreSource(store, { reads: log });        // the analysis notes what it reads
 * await analyzeTest(test, options, { source, store }, () => undefined);
 * const same = await log.unchanged(store.db);                    // later: still the answer?
 */
import type { Kysely } from 'kysely';
import { runCollections } from '../../store/run-collections.js';
import type { Database } from '../../store/schema.js';
import { inWindow, selectedRunIds, type FieldTerms, type TimeWindow } from './metadata-select.js';
import { wildcardToRegExp } from './text-analysis.js';

/** What one metadata read selects: a collection pattern, `match` lookups, a time window. */
export interface SelectionRead {
  pattern: string | undefined;
  fields?: FieldTerms[];
  window?: TimeWindow;
}

/** Keeps SQL `IN` lists well under every dialect's parameter limit. */
const IN_CHUNK = 1000;

/** Collections named by a comma-separated list of `*` patterns (all of them when absent). */
export function selectCollections(collections: string[], pattern: string | undefined): string[] {
  if (pattern === undefined || pattern === '') return collections;
  const patterns = pattern.split(',').map((p) => p.trim()).filter(Boolean).map(wildcardToRegExp);
  return collections.filter((c) => patterns.some((p) => p.test(c)));
}

/**
 * The run collections the pattern names and the candidate run ids (ascending; a superset of the selected
 * runs), or no ids when nothing narrows the read (every run of the collections).
 */
export async function selectionIds(db: Kysely<Database>, read: SelectionRead, count: () => void, probe?: number): Promise<{ chosen: string[]; ids?: number[] }> {
  count();
  const chosen = selectCollections(await runCollections(db), read.pattern);
  if (chosen.length === 0) return { chosen, ids: [] };
  if (!read.fields && !read.window) return { chosen };
  return { chosen, ids: await selectedRunIds(db, read.fields ?? [], read.window, chosen, count, probe) };
}

/** `count:max(changed_version)` of the runs of the collections (of `ids`, when given) in the window. */
export async function fingerprintOf(db: Kysely<Database>, chosen: string[], ids: number[] | undefined, window: TimeWindow | undefined, count: () => void): Promise<string> {
  if (chosen.length === 0) return '0:0';
  const aggregate = (narrow?: number[]) => {
    // Candidates are found by their ids (the primary key) and their collection counted by a CASE: a
    // collection condition in WHERE let SQLite walk ix_runs_collection over every run of the collection
    // instead (metadataDocs in source.ts reads them the same way).
    let q = narrow
      ? db
          .selectFrom('runs')
          .select((eb) => {
            const inChosen = () => eb.case().when('collection', 'in', chosen);
            return [eb.fn.count<number>(inChosen().then(1).end()).as('n'), eb.fn.max(inChosen().then(eb.ref('changed_version')).end()).as('v')];
          })
          .where('id', 'in', narrow)
      : db
          .selectFrom('runs')
          .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('changed_version').as('v')])
          .where('collection', 'in', chosen);
    if (window) q = q.where(inWindow(window));
    return q.executeTakeFirstOrThrow();
  };
  let n = 0;
  let v = 0;
  const chunks = ids ? Array.from({ length: Math.ceil(ids.length / IN_CHUNK) }, (_, i) => ids.slice(i * IN_CHUNK, (i + 1) * IN_CHUNK)) : [undefined];
  for (const chunk of chunks) {
    count();
    const row = await aggregate(chunk);
    n += Number(row.n);
    v = Math.max(v, Number(row.v ?? 0));
  }
  return `${n}:${v}`;
}

/** The selections one analysis read, each with its fingerprint taken before its runs were read. */
export class SelectionLog {
  private readonly reads: { read: SelectionRead; fingerprint: string }[] = [];
  /** Something was read that no fingerprint covers (documents as metadata, every run's metadata). */
  untracked = false;

  record(read: SelectionRead, fingerprint: string): void {
    this.reads.push({ read, fingerprint });
  }

  /** Whether every selection read still has its fingerprint (false when anything was untracked). */
  async unchanged(db: Kysely<Database>): Promise<boolean> {
    if (this.untracked) return false;
    const count = () => undefined;
    for (const { read, fingerprint } of this.reads) {
      const { chosen, ids } = await selectionIds(db, read, count);
      if ((await fingerprintOf(db, chosen, ids, read.window, count)) !== fingerprint) return false;
    }
    return true;
  }
}
