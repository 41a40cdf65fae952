import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ConfigError } from '../config/problems.js';
import { UserError } from '../util/errors.js';

/** The JSON body of every error answer. Never a stack trace. */
export interface ErrorBody {
  error: string;
  /** Where the problem is: file/line, config field path, query parameter… */
  place?: UserError['place'];
  /** Every problem of a config, when there are several. */
  problems?: ConfigError['problems'];
}

/**
 * Turns any error into an answer: a `UserError` → its status (400/404) with message and place; Fastify's
 * own client errors (bad JSON, body too large, unsupported media type, timeouts) → their 4xx with a
 * message; anything else → 500 "internal error", logged with its stack on the server side only.
 */
export function errorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof UserError) {
    const body: ErrorBody = { error: err.message, place: err.place };
    if (err instanceof ConfigError && err.problems.length > 1) body.problems = err.problems;
    void reply.code(err.status).send(body);
    return;
  }
  const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500) {
    void reply.code(status).send({ error: err.message } satisfies ErrorBody);
    return;
  }
  request.log.error({ err }, 'request failed');
  void reply.code(500).send({ error: 'internal error (the server logged the details)' } satisfies ErrorBody);
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` } satisfies ErrorBody);
}
