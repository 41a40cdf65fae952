import type { FastifyInstance, FastifySchema } from 'fastify';
import { z } from 'zod';
import { toJson } from '../util/json.js';
import { UserError } from '../util/errors.js';

/** Which part of the request a schema checks (Fastify's names). */
type Part = 'querystring' | 'params' | 'body' | 'headers';

/**
 * The zod schemas of the route declarations (src/server/contract/) check each request part: a value that
 * passes is replaced by what the schema gives (`limit: 20`, `since: <epoch ms>`); the first problem
 * becomes a {@link UserError} — a 400 in the shape of every other error answer, naming the parameter or
 * body field in `place.field` and in the message (`field limit: expected a whole number …`). Unknown
 * parameters and body fields come first, as a typo is the likeliest cause of anything else.
 *
 * Answers are written by the daemon's reply serializer (`toJson`: non-finite numbers as strings) for every
 * route; the response schemas give the handlers' types and the OpenAPI document, and the contract test
 * (test/server/contract.integration.test.ts) checks real answers against that document.
 */
export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const zod = asZod(schema);
    const part = (httpPart ?? 'body') as Part;
    return (data: unknown) => {
      const result = zod.safeParse(data);
      return result.success ? { value: result.data } : { error: requestError(result.error.issues, part, data, zod) };
    };
  });
  // Only reply.serializeInput() with a status reaches a compiled serializer: the reply serializer writes answers.
  app.setSerializerCompiler(() => (data: unknown) => toJson(data));
}

function asZod(schema: FastifySchema | z.ZodType): z.ZodType {
  if (schema instanceof z.ZodType) return schema;
  throw new Error('a route declares a schema that is not a zod schema (see src/server/contract/)');
}

/** The first problem of a request part, as the 400 the daemon answers. */
export function requestError(issues: readonly z.core.$ZodIssue[], part: Part, data: unknown, schema: z.ZodType): UserError {
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  const what = part === 'body' ? 'body field' : part === 'params' ? 'path parameter' : 'query parameter';
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    const known = knownKeys(schema, issue.path);
    return new UserError(`unknown ${what} "${key}" (known: ${known.length ? known.join(', ') : 'none'})`, { field: fieldOf(part, [...issue.path, key]) });
  }
  const field = fieldOf(part, issue.path);
  const value = valueAt(data, issue.path);
  if (issue.path.length === 0 && part === 'body') return new UserError(`the body must be a JSON object (fields: ${knownKeys(schema, []).join(', ')})`, { field: 'body' });
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return new UserError(`${part === 'body' ? field : `${what} ${field}`} is required`, { field });
      if (part === 'querystring' && Array.isArray(value)) return new UserError(`${what} ${field} is given ${value.length} times (at most once)`, { field });
      return new UserError(`expected ${issue.expected}, got ${describe(value)}`, { field });
    case 'invalid_value':
      return new UserError(`must be one of ${issue.values.map(String).join(', ')} (got ${describe(value)})`, { field });
    case 'too_small':
      return new UserError(value === undefined || value === '' || (typeof value === 'string' && !value.trim()) ? `${what} ${field} is required (not empty)` : issue.message, { field });
    case 'invalid_union':
      return new UserError(`has the wrong type (got ${describe(value)})`, { field });
    default:
      return new UserError(issue.message, { field });
  }
}

/** `limit`, `options.inputVars`; the body itself is `body`. */
function fieldOf(part: Part, path: readonly PropertyKey[]): string {
  const keys = path.filter((k) => typeof k === 'string');
  if (!keys.length) return part === 'body' ? 'body' : String(path[0] ?? part);
  return part === 'body' ? keys.join('.') : keys[0];
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v = data;
  for (const key of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** The keys an object schema declares (at a path of nested objects), for the message of an unknown one. */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: unknown = schema;
  for (const key of [undefined, ...path]) {
    s = unwrap(s);
    if (key !== undefined) s = s instanceof z.ZodObject ? s.shape[key as string] : undefined;
  }
  s = unwrap(s);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** Through `.optional()`, refinements and pipes to the object schema. */
function unwrap(s: unknown): unknown {
  for (let i = 0; i < 8; i++) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodPipe) s = s.in;
    else return s;
  }
  return s;
}

/** A value as a message shows it: JSON, cut at 40 characters. */
function describe(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
