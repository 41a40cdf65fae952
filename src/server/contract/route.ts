import { z } from 'zod';
import type { Access } from '../auth.js';
import { ErrorBody } from './fields.js';

/** One documented answer: its description and its body per content type. */
export interface Answer<T extends z.ZodType = z.ZodType> {
  description: string;
  content: Record<string, { schema: T }>;
}

/**
 * What a route declares: Fastify reads `querystring`, `params` and `body` (validation) and `response`
 * (the handler's types); @fastify/swagger reads all of it (the OpenAPI document).
 */
export interface RouteSchema {
  summary: string;
  description?: string;
  tags: string[];
  querystring?: z.ZodType;
  params?: z.ZodType;
  body?: z.ZodType;
  response: Record<number, Answer>;
  security?: Array<Record<string, string[]>>;
  /** The route is left out of the document (CORS preflight). */
  hide?: boolean;
}

/** A JSON answer. */
export const json = <T extends z.ZodType>(schema: T, description: string): Answer<T> => ({ description, content: { 'application/json': { schema } } });

/** An answer that is not JSON (text, HTML, a subunit stream), by its content type. */
export const raw = (contentType: string, description: string): Answer<z.ZodString> => ({ description, content: { [contentType]: { schema: z.string() } } });

/** Bytes (a subunit v2 stream): sent as a Buffer or a stream. */
export const Bytes = z.custom<Uint8Array<ArrayBufferLike> | NodeJS.ReadableStream>().meta({ type: 'string', format: 'binary' });

/** A byte stream answer of a content type. */
export const binary = (contentType: string, description: string): Answer<typeof Bytes> => ({ description, content: { [contentType]: { schema: Bytes } } });

/** An error answer: {@link ErrorBody}. */
export const error = (description: string): Answer<typeof ErrorBody> => json(ErrorBody, description);

type Method = 'GET' | 'POST' | 'DELETE';

type AccessAnswers = Record<400 | 401 | 403, Answer<typeof ErrorBody>>;

/** The errors every route of an access level may answer. */
type AccessErrors = { 401?: Answer<typeof ErrorBody>; 403?: Answer<typeof ErrorBody> };

/**
 * Declares a route once. Its access adds the answers the token check gives (401 for reads — unless the
 * daemon runs with --read-public — and 401/403 for routes of a scope) and the OpenAPI `security`; routes
 * that read parameters or a body answer 400 for bad ones; every route but the public ones refuses unknown
 * query parameters. Each answer the route gives otherwise is in `schema.response`.
 */
export function route<const M extends Method, const U extends string, const S extends RouteSchema>(method: M, url: U, access: Access, schema: S) {
  // Routes of the API refuse query parameters they do not read, even when they read none.
  const querystring = schema.querystring ?? (access === 'public' ? undefined : z.strictObject({}));
  const reads = querystring !== undefined || schema.params !== undefined || schema.body !== undefined;
  const byAccess: AccessErrors =
    access === 'public' ? {} : access === 'read' ? { 401: error('no valid token (and the daemon is not --read-public)') } : { 401: error('missing, unknown or revoked token'), 403: error(`the token has another scope than ${access} (admin may do everything)`) };
  return {
    method,
    url,
    config: { access },
    schema: {
      ...schema,
      ...(querystring ? { querystring: querystring as S['querystring'] & z.ZodType } : {}),
      security: access === 'public' ? [] : [{ bearer: access === 'read' ? [] : [access] }],
      // Typed as if every route could give the three (a handler never returns them; they are thrown).
      response: { ...(reads ? { 400: error('a bad parameter or body (named in `place.field`)') } : {}), ...byAccess, ...schema.response } as Omit<AccessAnswers, keyof S['response']> & S['response'],
    },
  };
}

/** A declared route (what {@link route} gives). */
export type Route = ReturnType<typeof route>;

/** The JSON body a route answers with `status` (200 by default): what the dashboard's client receives. */
export type Reply<R extends { schema: { response: object } }, Status extends number = 200> = Status extends keyof R['schema']['response']
  ? R['schema']['response'][Status] extends Answer<infer T>
    ? z.output<T>
    : never
  : never;

/** The query parameters a route reads, as the client writes them (text). */
export type QueryOf<R extends { schema: { querystring?: z.ZodType } }> = R['schema']['querystring'] extends z.ZodType ? z.input<R['schema']['querystring']> : never;
