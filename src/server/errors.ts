import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ConfigError } from '../config/problems.js';
import { UserError } from '../util/errors.js';
import type { CallerTerms } from './caller-terms.js';

/** The JSON body of every error answer. Never a stack trace. */
export interface ErrorBody {
  error: string;
  /** Where the problem is: file/line, config field path, query parameter… */
  place?: UserError['place'];
  /** Every problem of a config, when there are several. */
  problems?: ConfigError['problems'];
  /** 5xx only: the id the server's log line carries. */
  requestId?: string;
}

/**
 * Turns any error into an answer: a `UserError` → its status (400/404/413) with message and place;
 * Fastify's own client errors (bad JSON, body too large, unsupported media type, timeouts) → their 4xx
 * with a message. 4xx messages are put in the caller's terms ({@link CallerTerms}: no path of this
 * machine, nothing the database said); when that changed them, the original goes to the log. Anything
 * else → 500 "internal error" with the request id, logged with its stack on the server side only.
 */
export function errorHandler(terms: CallerTerms) {
  return (err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void => {
    const status = err instanceof UserError ? err.status : 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (status >= 400 && status < 500) {
      const body: ErrorBody = { error: terms.text(err.message) };
      if (err instanceof UserError) body.place = terms.place(err.place);
      if (err instanceof ConfigError && err.problems.length > 1) {
        body.problems = err.problems.map((p) => ({ message: terms.text(p.message), place: terms.place(p.place) }));
      }
      if (body.error !== err.message) request.log.warn({ err: err.message }, 'client error (answered in other words)');
      void reply.code(status).send(body);
      return;
    }
    request.log.error({ err }, 'request failed');
    void reply.code(500).send(internalError(request));
  };
}

/** The body of a 500: nothing of the error, the request id to find it in the log. */
export function internalError(request: FastifyRequest): ErrorBody {
  return { error: `internal error (request id ${request.id}; the server logged the details)`, requestId: request.id };
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` } satisfies ErrorBody);
}
