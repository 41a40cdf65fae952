import { UserError } from './errors.js';

/**
 * Readers of user-given option values shared by the CLI's flags and the daemon's query parameters; each
 * error names the flag or parameter.
 *
 * @example
 * parseDate('2026-01-20', '--since')       // → 2026-01-20T00:00:00.000Z
 * parsePairs(['platform=GCP'], '--where')  // → { platform: 'GCP' }
 */
export function parseDate(value: string, field: string): Date {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw new UserError(`"${value}" is not a date (use YYYY-MM-DD or an ISO time)`, { field });
  return new Date(ms);
}

export function parsePositiveInt(value: string, field: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`"${value}" is not a non-negative integer`, { field });
  return n;
}

/** `key=value` pairs of repeatable options such as `--where`. */
export function parsePairs(pairs: string[] | undefined, field: string): Record<string, string> {
  // No prototype: a key named __proto__ is a key like any other.
  const out = Object.create(null) as Record<string, string>;
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UserError(`"${pair}" is not key=value`, { field });
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** Options as both front ends give them: camelCase names → a string, repeated strings, or a flag. */
export type OptionValues = Record<string, unknown>;

/** A single-valued option (the last one wins when the CLI repeats it). */
export function optionText(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  if (Array.isArray(value)) return value.length ? String(value[value.length - 1]) : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a repeatable option. */
export function optionList(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (value === undefined || value === null || value === false) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** A boolean option: the CLI gives `true`; a query string gives `true`/`1`/`yes`/empty or `false`/`0`/`no`. */
export function optionFlag(values: OptionValues, name: string): boolean {
  const value = values[name];
  if (value === undefined || typeof value === 'boolean') return value ?? false;
  const text = optionText(values, name)?.toLowerCase() ?? '';
  if (['', 'true', '1', 'yes'].includes(text)) return true;
  if (['false', '0', 'no'].includes(text)) return false;
  throw new UserError(`${name} must be true or false (got "${text}")`, { field: name });
}
