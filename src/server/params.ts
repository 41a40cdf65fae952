import type { FastifyRequest } from 'fastify';
import { parseDate, parsePairs } from '../util/params.js';
import { UserError } from '../util/errors.js';

/** A parsed query string: Fastify gives a string per key, or an array when a key is repeated. */
export type Query = Record<string, string | string[] | undefined>;

/** One value of a single-valued query parameter (given twice is a 400, not a silent pick). */
export function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new UserError(`query parameter ${name} is given ${value.length} times (at most once)`, { field: name });
  return value;
}

/** Every value of a repeatable query parameter. */
export function many(query: Query, name: string): string[] {
  const value = query[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The largest offset a page may start at: far beyond any store, and exact in every dialect. */
export const MAX_OFFSET = 1_000_000_000;

/**
 * A whole-number parameter in `[min, max]` (default 0 … {@link MAX_OFFSET}), written as plain digits:
 * `1e300`, `1.5`, `0x10`, an empty or blank value are 400s naming the parameter, never a number the
 * database then refuses.
 */
export function intParam(query: Query, name: string, bounds: { min?: number; max?: number } = {}): number | undefined {
  const raw = single(query, name);
  if (raw === undefined) return undefined;
  const { min = 0, max = MAX_OFFSET } = bounds;
  const n = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw new UserError(`${name} must be a whole number from ${min} to ${max} (got "${raw}")`, { field: name });
  return n;
}

/** `limit`: at least 1, so a page always advances `nextOffset` and a client following it ends. */
export function limitParam(query: Query, max: number): number | undefined {
  return intParam(query, 'limit', { min: 1, max });
}

/**
 * 400 for a NUL character in a query parameter or path parameter (PostgreSQL cannot store or compare
 * one: it was a 500). Runs before every handler.
 */
export function refuseNul(request: FastifyRequest): void {
  for (const [where, values] of [['query parameter', request.query], ['path parameter', request.params]] as const) {
    if (values === null || typeof values !== 'object') continue;
    for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
      const texts = Array.isArray(value) ? value : [value];
      if (key.includes('\0') || texts.some((v) => typeof v === 'string' && v.includes('\0'))) {
        throw new UserError(`${where} ${JSON.stringify(key)} holds a NUL character (%00)`, { field: key });
      }
    }
  }
}

export function dateParam(query: Query, name: string): Date | undefined {
  const raw = single(query, name);
  return raw === undefined || raw === '' ? undefined : parseDate(raw, name);
}

export function boolParam(query: Query, name: string): boolean | undefined {
  const raw = single(query, name);
  if (raw === undefined) return undefined;
  if (['', 'true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new UserError(`${name} must be true or false (got "${raw}")`, { field: name });
}

/**
 * Metadata filters from `where=k=v` (repeatable) and `meta.k=v` parameters, as `runs list --where` takes
 * them. `meta.` keys keep their dots after the prefix (`meta.jobConfig.qps=20`).
 */
export function metadataFilter(query: Query): Record<string, string> {
  const where = parsePairs(many(query, 'where'), 'where');
  for (const key of Object.keys(query)) {
    if (!key.startsWith('meta.') || key.length === 5) continue;
    const value = single(query, key);
    if (value !== undefined) where[key.slice(5)] = value;
  }
  return where;
}

/** 400 for parameters a route does not know, so a typo is not silently ignored. */
export function rejectUnknown(query: Query, known: readonly string[], options: { metaPrefix?: boolean } = {}): void {
  for (const key of Object.keys(query)) {
    if (known.includes(key)) continue;
    if (options.metaPrefix && key.startsWith('meta.')) continue;
    throw new UserError(`unknown query parameter "${key}" (known: ${known.join(', ')}${options.metaPrefix ? ', meta.KEY' : ''})`, { field: key });
  }
}

/** `run-meta` → `runMeta`: query parameters may be spelled like the CLI's flags or in camelCase. */
export function camelKeys(query: Query): Query {
  const out: Query = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const camel = key.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    const before = out[camel];
    // Both spellings given: their values add up, as repeated parameters do.
    out[camel] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), ...(Array.isArray(value) ? value : [value])];
  }
  return out;
}
