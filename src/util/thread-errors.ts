/**
 * Errors as they cross a worker thread's boundary: postMessage clones an Error's message and stack but
 * not its class or own fields, so a UserError would arrive as a plain Error without its place and status.
 *
 * @example
 * port.postMessage({ error: serializeError(err) });      // in the worker
 * throw reviveError(reply.error);                         // in the main thread: a UserError again
 */
import { NotFoundError, UserError, formatPlace, type Place } from './errors.js';

/** An error as it crosses the thread boundary (UserErrors keep their place and status). */
export interface ThreadError {
  name: string;
  message: string;
  place?: Place;
  status?: number;
  stack?: string;
}

/** Flattens an error for postMessage (class and place survive {@link reviveError}). */
export function serializeError(error: unknown): ThreadError {
  if (error instanceof UserError) {
    return { name: error.name, message: error.message.slice(formatPlace(error.place).length), place: error.place, status: error.status };
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, message: e.message, stack: e.stack };
}

export function reviveError(error: ThreadError): Error {
  if (error.place) return error.name === 'NotFoundError' ? new NotFoundError(error.message, error.place) : new UserError(error.message, error.place, error.status);
  const revived = new Error(error.message);
  revived.name = error.name;
  if (error.stack) revived.stack = error.stack;
  return revived;
}
