/**
 * Run metadata as stored in `run_metadata`: nested objects flattened to dotted keys, every value as a
 * string (the first 512 characters; the whole value stays in `runs.metadata`).
 *
 * @example
 * flattenMetadata({ platform: 'GCP', jobConfig: { qps: 20 } }) // → { platform: 'GCP', 'jobConfig.qps': '20' }
 */
import type { Kysely } from 'kysely';
import { toEpochMs } from '../sources/opensearch/fields.js';
import { analyzeText } from '../sources/store/text-analysis.js';
import { loadRows } from './insert-rows.js';
import type { Database } from './schema.js';
import { deleteTermKeys, fieldSeed, seededKey, writeTermKeys, type FieldSeed, type RunTermKeys } from './term-index.js';

export const METADATA_VALUE_LIMIT = 512;

export function flattenMetadata(metadata: Record<string, unknown>): Record<string, string> {
  // No prototype: a key named __proto__ is indexed like any other.
  const out = Object.create(null) as Record<string, string>;
  const walk = (prefix: string, value: unknown): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(prefix ? `${prefix}.${k}` : k, v);
      return;
    }
    out[prefix] = metadataString(value);
  };
  walk('', metadata);
  return out;
}

/** The string form a metadata value is indexed and compared by. */
export function metadataString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function indexedValue(value: string): string {
  return value.length > METADATA_VALUE_LIMIT ? value.slice(0, METADATA_VALUE_LIMIT) : value;
}

/** Reads a dotted path through nested objects (`labels.namespace`). */
export function getPath(obj: unknown, path: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const record = obj as Record<string, unknown>;
  if (path in record) return record[path];
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/**
 * The search terms of a run's metadata (their keys in table `run_terms`, src/store/term-index.ts): per leaf path (arrays are
 * transparent, objects add a dotted segment — the paths `fieldValues` of src/sources/store/ reads), the
 * exact string of each scalar (`k:`, what a `.keyword` match compares), the analysed tokens of each string
 * (`t:`, what a text `match` compares), numbers (`n:`) and booleans (`b:`) by their typed value. The store
 * source asks for the runs holding a term a selector's `match` needs, so an analysis reads only the runs it
 * may select; every candidate is then tested by the full matcher, so a term only has to be there whenever
 * the match holds. Long paths and terms are cut to {@link TERM_LIMIT} code points on both sides (a
 * cut term finds more candidates, never fewer).
 *
 * @example
 * metadataTerms({ platform: 'AWS-ocp', nodes: [3] }) // platform k:AWS-ocp, platform t:aws, platform t:ocp, nodes k:3, nodes n:3
 */
export const TERM_LIMIT = 200;

export interface MetadataTerm {
  field: string;
  term: string;
}

export function metadataTerms(metadata: Record<string, unknown>): MetadataTerm[] {
  const seen = new Set<string>();
  const out: MetadataTerm[] = [];
  walkTerms(metadata, (path, prefix, text) => {
    const field = termText(path);
    const cut = termText(prefix + text);
    const key = `${field}\u0000${cut}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ field, term: cut });
  });
  return out;
}

/**
 * The keys (`termKey`) of a run's terms, each once: what `run_terms` holds of the run. Hashed from the
 * parts, without making each term's string (the ingest of a small run made ~45 of them).
 */
export function metadataTermKeys(metadata: Record<string, unknown>): number[] {
  const keys = new Set<number>();
  let lastPath: string | undefined;
  let seed: FieldSeed | undefined;
  walkTerms(metadata, (path, prefix, text) => {
    if (seed === undefined || path !== lastPath) {
      seed = fieldSeed(termText(path));
      lastPath = path;
    }
    const whole = prefix.length + text.length <= TERM_LIMIT && !text.includes('\u0000');
    keys.add(whole ? seededKey(seed, prefix, text) : seededKey(seed, '', termText(prefix + text)));
  });
  return [...keys];
}

/** Calls `emit` with each term of the metadata: its leaf path, prefix (`k:`, `t:`, `n:`, `b:`) and text, uncut. */
function walkTerms(metadata: Record<string, unknown>, emit: (path: string, prefix: string, text: string) => void): void {
  const walk = (path: string, value: unknown): void => {
    if (Array.isArray(value)) {
      for (const element of value) walk(path, element);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(path ? `${path}.${k}` : k, v);
    } else if (typeof value === 'string') {
      emit(path, 'k:', value);
      for (const token of tokensOf.get(value)) emit(path, 't:', token);
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      const text = String(value);
      emit(path, 'k:', text);
      emit(path, typeof value === 'number' ? 'n:' : 'b:', text);
    }
  };
  walk('', metadata);
}

/**
 * A pure function of a string with its answers for the last few thousand distinct strings kept: run
 * metadata repeats most values from run to run (platform, versions, node types), and tokenising and date
 * parsing them again was most of an ingest's time for the terms of a small run.
 */
class StringMemo<T> {
  private readonly answers = new Map<string, T>();

  constructor(
    private readonly compute: (text: string) => T,
    private readonly limit = 4096,
  ) {}

  get(text: string): T {
    let answer = this.answers.get(text);
    if (answer === undefined && !this.answers.has(text)) {
      answer = this.compute(text);
      // Cleared when full: values unique to each run (ids, times) pass through without growing it.
      if (this.answers.size >= this.limit) this.answers.clear();
      this.answers.set(text, answer);
    }
    return answer as T;
  }
}

/** Shared answers: callers only read them. */
const tokensOf = new StringMemo<readonly string[]>(analyzeText);
const epochMsOf = new StringMemo<number>(toEpochMs);

/** A path or term as stored and looked up: NUL (refused by PostgreSQL text) replaced, cut to TERM_LIMIT code points. */
export function termText(text: string): string {
  const clean = text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
  if (clean.length <= TERM_LIMIT) return clean;
  return Array.from(clean).slice(0, TERM_LIMIT).join('');
}

/** A stored `runs.metadata`: its object, `{}` when it is not one. */
export function parseMetadata(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Writes a run's term keys and times (after removing the ones it had, when the run is replaced). */
export async function writeRunTerms(trx: Kysely<Database>, runId: number, metadataJson: string, replaced: boolean): Promise<void> {
  if (replaced) {
    await deleteTermKeys(trx, [runId]);
    await trx.deleteFrom('run_times').where('run_id', '=', runId).execute();
  }
  const { terms, times } = termRowsOf(metadataJson);
  const rows: TermRows = { terms: [{ runId, keys: terms }], times: [] };
  withRunId(rows.times, runId, times);
  await insertTermRows(trx, rows);
}

/** Runs' term keys (`run_terms`) and their `run_times` rows (run_id, field, time_ms), flat. */
export interface TermRows {
  terms: RunTermKeys[];
  times: unknown[];
}

/** Appends `pairs` (two values a row, flat) as rows (id, a, b): a run's rows made before its id was known. */
export function withRunId(out: unknown[], id: number, pairs: readonly unknown[]): void {
  for (let i = 0; i < pairs.length; i += 2) out.push(id, pairs[i], pairs[i + 1]);
}

/** A run's term keys and its time rows (field, time_ms), flat, without its id (several runs' rows go in shared INSERTs). */
export function termRowsOf(metadataJson: string): { terms: number[]; times: unknown[] } {
  // From the stored JSON, as the reader parses it (a Date or undefined in the parsed input is not indexed).
  const metadata = parseMetadata(metadataJson);
  const terms = metadataTermKeys(metadata);
  const times: unknown[] = [];
  for (const t of metadataTimes(metadata)) times.push(t.field, t.timeMs);
  return { terms, times };
}

export async function insertTermRows(trx: Kysely<Database>, rows: TermRows): Promise<void> {
  await writeTermKeys(trx, rows.terms);
  await loadRows(trx, 'run_times', ['run_id', 'field', 'time_ms'], rows.times);
}

/**
 * The times of a run's metadata (table `run_times`, migration 0014): per leaf path reached through objects
 * only (the paths `getNested` reads a run's timestamp field by, arrays not entered), the epoch ms the source
 * reads a time field's value as (`toEpochMs`: ISO dates, epoch seconds or ms, numeric strings), floored
 * and clamped to ±2^53 so it fits every dialect's BIGINT. The store source finds the runs of a time window
 * (`--lookback`, `--since`) by range over `(field, time_ms)`; a floored, clamped time is compared with
 * floored, clamped bounds, so a run in the window is always found (metadata-select.ts `windowBounds`).
 *
 * @example
 * metadataTimes({ timestamp: '2026-01-10T00:00:00Z', nodes: 3, platform: 'AWS' }) // timestamp 1768003200000, nodes 3000
 */
export function metadataTimes(metadata: Record<string, unknown>): { field: string; timeMs: number }[] {
  const out: { field: string; timeMs: number }[] = [];
  const seen = new Set<string>();
  const walk = (path: string, value: unknown): void => {
    if (value !== null && typeof value === 'object') {
      if (Array.isArray(value)) return;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walk(path ? `${path}.${k}` : k, v);
      return;
    }
    if (typeof value !== 'string' && typeof value !== 'number') return;
    const ms = typeof value === 'string' ? epochMsOf.get(value) : toEpochMs(value);
    if (Number.isNaN(ms)) return;
    const field = termText(path);
    const timeMs = storedTime(ms);
    const key = `${field}\u0000${timeMs}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ field, timeMs });
  };
  walk('', metadata);
  return out;
}

/** A time as `run_times` stores it: whole ms (floored), within ±(2^53 − 1) (infinities included). */
export function storedTime(ms: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(-Number.MAX_SAFE_INTEGER, Math.floor(ms)));
}
