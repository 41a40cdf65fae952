import type { FastifyRequest } from 'fastify';
import { UserError } from '../util/errors.js';

/**
 * What the route declarations (src/server/contract/) cannot say: NUL characters refused before any route
 * reads a parameter, and the ingest route's options, which depend on the format in its path.
 */

/** A parsed query string: Fastify gives a string per key, or an array when a key is repeated. */
export type Query = Record<string, string | string[] | undefined>;

/** One value of a single-valued query parameter (given twice is a 400, not a silent pick). */
export function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw new UserError(`query parameter ${name} is given ${value.length} times (at most once)`, { field: name });
  return value;
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

/** 400 for parameters a route does not know, so a typo is not silently ignored. */
export function rejectUnknown(query: Query, known: readonly string[]): void {
  for (const key of Object.keys(query)) {
    if (!known.includes(key)) throw new UserError(`unknown query parameter "${key}" (known: ${known.join(', ')})`, { field: key });
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
