/**
 * Errors a user can act on. They carry the place of the problem (file and line, byte offset, config field,
 * HTTP field) so the CLI can print one clear line and the daemon can answer a 4xx — never a stack trace,
 * unless `--debug` asks for it.
 *
 * @example
 * throw new UserError('expected a number', { file: 'runs.csv', line: 12, field: 'cpu' });
 * // → "runs.csv:12: field cpu: expected a number"
 */
export interface Place {
  file?: string;
  line?: number;
  /** Byte offset in a binary stream (subunit v2). */
  offset?: number;
  /** A config or document field path, e.g. `tests[0].metrics[2].agg`. */
  field?: string;
  /** The analysis test or metric the problem belongs to. */
  test?: string;
  metric?: string;
}

export class UserError extends Error {
  readonly place: Place;
  /** HTTP status for the daemon (400 for bad input by default). */
  readonly status: number;

  constructor(message: string, place: Place = {}, status = 400) {
    super(formatPlace(place) + message);
    this.name = 'UserError';
    this.place = place;
    this.status = status;
  }
}

/** A referenced thing (run, regression, config) does not exist. */
export class NotFoundError extends UserError {
  constructor(message: string, place: Place = {}) {
    super(message, place, 404);
    this.name = 'NotFoundError';
  }
}

export function formatPlace(place: Place): string {
  const parts: string[] = [];
  if (place.file !== undefined) {
    let p = place.file;
    if (place.line !== undefined) p += `:${place.line}`;
    if (place.offset !== undefined) p += ` (byte offset ${place.offset})`;
    parts.push(p);
  } else if (place.line !== undefined) {
    parts.push(`line ${place.line}`);
  } else if (place.offset !== undefined) {
    parts.push(`byte offset ${place.offset}`);
  }
  if (place.test !== undefined) parts.push(`test ${place.test}`);
  if (place.metric !== undefined) parts.push(`metric ${place.metric}`);
  if (place.field !== undefined) parts.push(`field ${place.field}`);
  return parts.length ? parts.join(': ') + ': ' : '';
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
