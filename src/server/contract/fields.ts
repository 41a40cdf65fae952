/**
 * The zod building blocks of the route declarations: query and path parameters arrive as text, so each
 * reader takes the text and gives the value (`limit=20` → 20), with the CLI's rules (src/util/params.ts:
 * `""`, `1e3x`, `0x10` are refused, never read as 0 or NaN). Their messages leave out the parameter's
 * name: the validator (src/server/validation.ts) puts it in front (`field limit: expected …`).
 *
 * @example
 * z.strictObject({ limit: intText({ min: 1, max: 100 }).optional() }).parse({ limit: '20' }) // → { limit: 20 }
 */
import { z } from 'zod';
import { dateMs, dateProblem, readNumber } from '../../util/params.js';

/** The largest offset a page may start at: far beyond any store, and exact in every dialect. */
export const MAX_OFFSET = 1_000_000_000;

/** A whole number written as text, in `[min, max]` (default 0 … {@link MAX_OFFSET}). */
export function intText(bounds: { min?: number; max?: number } = {}, description?: string) {
  const min = bounds.min ?? 0;
  const max = bounds.max ?? MAX_OFFSET;
  return z
    .string()
    .transform((text, ctx) => {
      const read = readNumber(text, { min, max });
      if (typeof read === 'number') return read;
      ctx.issues.push({ code: 'custom', message: read, input: text });
      return z.NEVER;
    })
    .meta({ type: 'integer', minimum: min, maximum: max, ...(description ? { description } : {}) });
}

/** `limit`: at least 1, so a page always advances `nextOffset` and a client following it ends. */
export const limitText = (max: number, dflt: number) => intText({ min: 1, max }, `at most this many, at least 1 (default ${dflt})`).optional();

/** `offset`: runs counted from the newest. */
export const offsetText = () => intText({}, `skip this many (from the newest); plain digits, at most ${MAX_OFFSET}`).optional();

/** A time as `YYYY-MM-DD` (UTC midnight) or an ISO time → epoch ms; empty means not given. */
export function dateText(description: string) {
  return z
    .string()
    .transform((text, ctx) => {
      if (text === '') return undefined;
      const ms = dateMs(text);
      if (ms !== undefined) return ms;
      ctx.issues.push({ code: 'custom', message: dateProblem(text), input: text });
      return z.NEVER;
    })
    .meta({ type: 'string', format: 'date-time', description })
    .optional();
}

export const sinceText = () => dateText('from this time on (YYYY-MM-DD or ISO time)');
export const untilText = () => dateText('up to this time (YYYY-MM-DD or ISO time)');

/** `true`/`1`/`yes`/empty or `false`/`0`/`no`, any case. */
export function boolText(description: string) {
  return z
    .string()
    .transform((text, ctx) => {
      const t = text.toLowerCase();
      if (['', 'true', '1', 'yes'].includes(t)) return true;
      if (['false', '0', 'no'].includes(t)) return false;
      ctx.issues.push({ code: 'custom', message: `must be true or false (got "${text}")`, input: text });
      return z.NEVER;
    })
    .meta({ type: 'boolean', description })
    .optional();
}

/** A text parameter that must be given and not empty. */
export const requiredText = (description: string) => z.string().min(1).meta({ description });

/** An optional text parameter. */
export const optionalText = (description: string) => z.string().meta({ description }).optional();

/** A repeatable text parameter: one value or several → a list (documented as a list: `?test=a&test=b`). */
export function manyText(description: string) {
  return z
    .preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(z.string()))
    .meta({ type: 'array', items: { type: 'string' }, description })
    .optional();
}

/** One `key=value` pair → `[key, value]`. */
export function pairText(description: string) {
  return z
    .string()
    .transform((text, ctx): [string, string] => {
      const eq = text.indexOf('=');
      if (eq > 0) return [text.slice(0, eq), text.slice(eq + 1)];
      ctx.issues.push({ code: 'custom', message: `"${text}" is not key=value`, input: text });
      return z.NEVER;
    })
    .meta({ type: 'string', pattern: '^[^=]+=', description })
    .optional();
}

/** A path parameter that is a positive whole number (ids). */
export const idText = (description: string) =>
  z
    .string()
    .transform((text, ctx) => {
      const read = readNumber(text, { min: 1 });
      if (typeof read === 'number') return read;
      ctx.issues.push({ code: 'custom', message: `must be a positive whole number (got "${text}")`, input: text });
      return z.NEVER;
    })
    .meta({ type: 'integer', minimum: 1, description });

/**
 * The query of a route: unknown parameters are refused (a typo is not silently ignored). With
 * `metaPrefix`, any `meta.KEY` parameter is accepted too (documented as the property `meta.KEY`).
 */
export function query<S extends z.ZodRawShape>(shape: S, options: { metaPrefix?: boolean } = {}) {
  if (!options.metaPrefix) return z.strictObject(shape);
  const known = new Set(Object.keys(shape));
  return z.looseObject(shape).superRefine((value, ctx) => {
    const unknown = Object.keys(value).filter((k) => !known.has(k) && !(k.startsWith('meta.') && k.length > 5));
    if (unknown.length) ctx.addIssue({ code: 'unrecognized_keys', keys: unknown, input: value });
  });
}

/** `meta.KEY=value` parameters of a query read with {@link query}`(…, { metaPrefix: true })`: KEY → value. */
export function metaParams(values: Record<string, unknown>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(values)) {
    if (!key.startsWith('meta.') || key.length === 5) continue;
    if (typeof value === 'string') out[key.slice(5)] = value;
  }
  return out;
}

/** The body of every error answer (4xx and 5xx alike). Never a stack trace. */
export const ErrorBody = z
  .object({
    error: z.string(),
    place: z
      .object({ file: z.string(), line: z.number(), offset: z.number(), field: z.string(), test: z.string(), metric: z.string() })
      .partial()
      .optional()
      .meta({ description: 'where the problem is: file/line, config field path, query parameter…' }),
    problems: z.array(z.object({ message: z.string(), place: z.record(z.string(), z.unknown()) })).optional().meta({ description: 'every problem of a config, when there are several' }),
    requestId: z.string().optional().meta({ description: '5xx only: the id the server log line carries' }),
  })
  .meta({ id: 'Error' });

/** A JSON object of any fields (metadata, documents). */
export const anyObject = () => z.record(z.string(), z.unknown());

/** A number, or the string `toJson` writes for a non-finite one. */
export const jsonNumber = () => z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);

/** Paging fields of list answers. */
export const page = { limit: z.number().int(), offset: z.number().int(), nextOffset: z.number().int().nullable() };
