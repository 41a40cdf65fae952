/**
 * Which runs a test's metadata selector may select, found through `run_terms` (migration 0012) instead of
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
import type { Kysely } from 'kysely';
import { termText } from '../../store/metadata.js';
import type { Database } from '../../store/schema.js';
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

/** Ids (ascending) of the runs that hold a term of every lookup, or a superset of them. */
export async function selectedRunIds(db: Kysely<Database>, fields: FieldTerms[], count: () => void, probe = PROBE): Promise<number[]> {
  if (fields.some((f) => f.terms.length === 0)) return [];
  const lookup = (f: FieldTerms) => db.selectFrom('run_terms').select('run_id').where('field', '=', f.field).where('term', 'in', f.terms);
  let best: number[] | undefined;
  // Once a field's runs are known, the others are read only as far as they could be fewer.
  let cap = probe;
  for (const f of fields) {
    count();
    const rows = await lookup(f).limit(cap + 1).execute();
    if (rows.length > cap) continue;
    best = rows.map((r) => Number(r.run_id));
    if (best.length === 0) break;
    cap = best.length - 1;
  }
  if (best === undefined) {
    count();
    let q = lookup(fields[0]);
    for (const f of fields.slice(1)) q = q.intersect(lookup(f));
    best = (await q.execute()).map((r) => Number(r.run_id));
  }
  return [...new Set(best)].sort((a, b) => a - b);
}
