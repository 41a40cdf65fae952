/**
 * Which runs a test's metadata selector may select, found through `run_terms` (src/store/term-index.ts) instead of
 * parsing every run of the metadata collection: each `match` field gives the terms of which a matching run
 * holds at least one (match.ts semantics: `.keyword` compares the whole string, a text field any analysed
 * token, numbers and booleans their typed value), and the runs holding them are the candidates. The
 * candidates are a superset — `not`, `wildcard` and the exact match are still tested on each in
 * TypeScript — so the answer is the one the whole collection gives.
 *
 * Each field is probed with a bound (`PROBE`, then the size of the smallest complete answer so far); the
 * rarest field's runs are the candidates when it holds fewer than the bound, else the runs holding a term
 * of every field (an intersection in SQL).
 *
 * @example
 * const ids = await selectedRunIds(db, { 'benchmark.keyword': 'node-density', platform: 'AWS' }); // number[] | undefined
 */
import type { ExpressionBuilder, Kysely } from 'kysely';
import { storedTime, TERM_LIMIT, termText } from '../../store/metadata.js';
import type { Database } from '../../store/schema.js';
import { termKey, termLookup as termIndexLookup, type TermIdQuery } from '../../store/term-index.js';
import { pythonStr } from '../../util/python-str.js';
import type { FieldValue } from '../types.js';
import { KEYWORD_IGNORE_ABOVE, stripKeyword } from './match.js';
import { analyzeText } from './text-analysis.js';

/** Rows read from one field's terms before it counts as not selective. */
export const PROBE = 10_000;

/** One `match` field's lookup: its stored path and the terms any of which a matching run holds. */
export interface FieldTerms {
  field: string;
  terms: string[];
}

/** The terms a run must hold one of for `match` of `field` against `wanted` to hold (matchesField). */
export function matchTerms(field: string, wanted: FieldValue): FieldTerms {
  const query = typeof wanted === 'string' ? wanted : pythonStr(wanted);
  const path = termText(stripKeyword(field));
  if (field.endsWith('.keyword')) return { field: path, terms: query.length <= KEYWORD_IGNORE_ABOVE ? [termText(`k:${query}`)] : [] };
  const terms = new Set(analyzeText(query).map((t) => termText(`t:${t}`)));
  const number = Number(query);
  if (query.trim() !== '' && !Number.isNaN(number)) terms.add(termText(`n:${String(number)}`));
  const lower = query.toLowerCase();
  if (lower === 'true' || lower === 'false') terms.add(`b:${lower}`);
  return { field: path, terms: [...terms].sort() };
}

/** The selector's lookups, or undefined when it has no `match` to narrow by. */
export function selectorTerms(match: Record<string, FieldValue>): FieldTerms[] | undefined {
  const fields = Object.entries(match).map(([field, wanted]) => matchTerms(field, wanted));
  return fields.length === 0 ? undefined : fields;
}

/**
 * A time window over a run's timestamp field (`--lookback` → after, `--since` → before, both exclusive),
 * as `run_times` (migration 0014) finds it. A run's time is its metadata's timestamp field, else (the field
 * absent) its stored `runs.timestamp_ms` (source.ts `metadataTime`): the window's runs are those with a
 * time of the field in the window, and those without any time of the field whose stored time is in it —
 * a superset, since the source still tests each run's own time.
 */
export interface TimeWindow {
  field: string;
  /** Epoch ms, exclusive. */
  after?: number;
  /** Epoch ms, exclusive. */
  before?: number;
}

/**
 * The window of a run query, or undefined when there is none or its field cannot be looked up in
 * `run_times`: a field `getNested` may read through arrays (a numeric segment, `length`) or prototypes,
 * or one longer than the stored paths (cut, so another field's times would answer for it).
 */
export function timeWindowOf(field: string, after: Date | undefined, before: Date | undefined): TimeWindow | undefined {
  if (after === undefined && before === undefined) return undefined;
  if (field === '' || field.length > TERM_LIMIT || field.includes('\u0000')) return undefined;
  const plain = field.split('.').every((part) => part !== '' && !/^\d+$/.test(part) && !(part in {}) && !(part in []));
  return plain ? { field, after: after?.getTime(), before: before?.getTime() } : undefined;
}

type RunsBuilder = ExpressionBuilder<Database, 'runs'>;

/**
 * The window as a condition on a `runs` row (correlated: one index probe of `ix_run_times_run` per run),
 * for reading the runs another lookup found.
 */
export function inWindow(w: TimeWindow) {
  return (eb: RunsBuilder) => {
    const times = () => eb.selectFrom('run_times').select('run_times.run_id').whereRef('run_times.run_id', '=', 'runs.id').where('run_times.field', '=', w.field);
    let timed = times();
    if (w.after !== undefined) timed = timed.where('run_times.time_ms', '>=', storedTime(w.after));
    if (w.before !== undefined) timed = timed.where('run_times.time_ms', '<=', storedTime(w.before));
    const stored = [eb.not(eb.exists(times()))];
    if (w.after !== undefined) stored.push(eb('runs.timestamp_ms', '>', w.after));
    if (w.before !== undefined) stored.push(eb('runs.timestamp_ms', '<', w.before));
    return eb.or([eb.exists(timed), eb.and(stored)]);
  };
}

/** Ids (ascending) of the runs that hold a term of every lookup and fall in the window, or a superset of them. */
export async function selectedRunIds(
  db: Kysely<Database>,
  fields: FieldTerms[],
  window: TimeWindow | undefined,
  collections: string[],
  count: () => void,
  probe = PROBE,
): Promise<number[]> {
  if (fields.some((f) => f.terms.length === 0)) return [];
  const termLookup = (f: FieldTerms) => (): IdQuery => termIndexLookup(db, f.terms.map((term) => termKey(f.field, term)));
  const lookups = fields.map(termLookup);
  // The window is probed last: a selective `match` usually finds fewer runs, read without it.
  if (window) lookups.push(() => windowLookup(db, window, collections));
  let best: number[] | undefined;
  // Once a lookup's runs are known, the others are read only as far as they could be fewer.
  let cap = probe;
  for (const lookup of lookups) {
    count();
    const rows = await lookup().limit(cap + 1).execute();
    if (rows.length > cap) continue;
    best = rows.map((r) => Number(r.run_id));
    if (best.length === 0) break;
    cap = best.length - 1;
  }
  if (best === undefined) {
    count();
    let q = lookups[0]();
    for (const lookup of lookups.slice(1)) q = q.intersect(lookup());
    best = (await q.execute()).map((r) => Number(r.run_id));
  }
  return [...new Set(best)].sort((a, b) => a - b);
}

/** A query of run ids (`run_id`), as every lookup is: they are intersected with each other. */
type IdQuery = TermIdQuery;

/** The runs of the window (uncorrelated: ranges of `pk_run_times` and `ix_runs_collection`). */
function windowLookup(db: Kysely<Database>, w: TimeWindow, collections: string[]): IdQuery {
  let timed = db.selectFrom('run_times').select('run_id').where('field', '=', w.field);
  if (w.after !== undefined) timed = timed.where('time_ms', '>=', storedTime(w.after));
  if (w.before !== undefined) timed = timed.where('time_ms', '<=', storedTime(w.before));
  let stored = db
    .selectFrom('runs')
    .select('runs.id as run_id')
    .where('runs.collection', 'in', collections)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('run_times').select('run_times.run_id').whereRef('run_times.run_id', '=', 'runs.id').where('run_times.field', '=', w.field))));
  if (w.after !== undefined) stored = stored.where('runs.timestamp_ms', '>', w.after);
  if (w.before !== undefined) stored = stored.where('runs.timestamp_ms', '<', w.before);
  // Wrapped, so an INTERSECT with other lookups never binds tighter than this UNION ALL.
  // (The type is the term lookups' only for intersecting: the columns are the same.)
  return db.selectFrom(timed.unionAll(stored).as('w')).select('w.run_id') as unknown as IdQuery;
}
