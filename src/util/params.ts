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
  const ms = dateMs(value);
  if (ms === undefined) throw new UserError(dateProblem(value), { field });
  return new Date(ms);
}

/** Epoch ms of a `YYYY-MM-DD` (UTC midnight) or ISO time, or undefined when it is not a date. */
export function dateMs(value: string): number | undefined {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** What {@link parseDate} says of a value that is not a date (without the field). */
export function dateProblem(value: string): string {
  return `"${value}" is not a date (use YYYY-MM-DD or an ISO time)`;
}

/** What a number option accepts: `integer` (default true) and inclusive bounds (`min` default 0). */
export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
}

// Plain decimal notation only: no hex/octal/binary prefixes, no `Infinity`, no surrounding space, not empty.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * A number given as text (a CLI option, a query parameter, an environment variable), refused unless it is
 * plainly one: `""`, `" "`, `"abc"`, `"0x10"`, `"1e400"` (not finite), `"1.5"` where an integer is wanted
 * and values outside the bounds are errors naming `field` — never a silent 0, NaN or Infinity.
 *
 * @example
 * parseNumber('30', '--days')                        // → 30
 * parseNumber('0.01', '-P', { integer: false, max: 1 }) // → 0.01
 * parseNumber('', '--days')                          // throws "field --days: expected a whole number ≥ 0, got """
 */
export function parseNumber(value: string, field: string, rule: NumberRule = {}): number {
  const read = readNumber(value, rule);
  if (typeof read === 'string') throw new UserError(read, { field });
  return read;
}

/** {@link parseNumber} without the throw: the number, or what is wrong with the text (without the field). */
export function readNumber(value: string, rule: NumberRule = {}): number | string {
  const integer = rule.integer ?? true;
  const min = rule.min ?? 0;
  const max = rule.max ?? (integer ? Number.MAX_SAFE_INTEGER : Number.MAX_VALUE);
  const text = String(value);
  const n = Number(text);
  const ok = (integer ? INTEGER : DECIMAL).test(text) && Number.isFinite(n) && (!integer || Number.isSafeInteger(n)) && n >= min && n <= max;
  if (!ok) return `expected ${describeRule(integer, min, max)}, got ${quoteValue(text)}`;
  return n === 0 ? 0 : n; // -0 → 0
}

/** An integer ≥ `min` (default 0) and ≤ `max`: {@link parseNumber} for whole numbers. */
export function parseInteger(value: string, field: string, bounds: { min?: number; max?: number } = {}): number {
  return parseNumber(value, field, { ...bounds, integer: true });
}

/** A non-negative integer (0 allowed): counts, offsets, limits, days. */
export function parsePositiveInt(value: string, field: string): number {
  return parseInteger(value, field, { min: 0 });
}

function describeRule(integer: boolean, min: number, max: number): string {
  const kind = integer ? 'a whole number' : 'a number';
  const unbounded = max === (integer ? Number.MAX_SAFE_INTEGER : Number.MAX_VALUE);
  return unbounded ? `${kind} ≥ ${min}` : `${kind} from ${min} to ${max}`;
}

/** The refused value as the user typed it, quoted, control characters escaped, at most 40 characters. */
function quoteValue(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
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
