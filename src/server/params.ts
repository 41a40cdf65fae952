import { parseDate, parsePairs, parsePositiveInt } from '../util/params.js';
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

export function intParam(query: Query, name: string, bounds: { max?: number } = {}): number | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return undefined;
  const n = parsePositiveInt(raw, name);
  if (bounds.max !== undefined && n > bounds.max) throw new UserError(`${name} is at most ${bounds.max} (got ${n})`, { field: name });
  return n;
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
