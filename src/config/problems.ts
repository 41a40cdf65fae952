/**
 * Turning validation failures into errors that name the place: file, line, test, metric and field.
 * Every problem found is kept (`ConfigError.problems`); the message shows the first, so the CLI prints one
 * clear line.
 */
import { UserError, type Place } from '../util/errors.js';
import { check, type Checker, type Issue } from './validate.js';
import type { PathSegment } from './yaml-source.js';

export interface Problem {
  message: string;
  place: Place;
}

export class ConfigError extends UserError {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    const first = problems[0] ?? { message: 'invalid config', place: {} };
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    super(first.message + more, first.place);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Where a path below the validated value is: the caller knows the file, line and test/metric context. */
export type Locate = (path: readonly PathSegment[]) => Place;

/** Parses `value` or throws a `ConfigError` listing every issue at its place. */
export function parseOrThrow<T>(schema: Checker<T>, value: unknown, locate: Locate): T {
  const result = check(schema, value);
  if (result.success) return result.data;
  throw new ConfigError(result.issues.map((issue) => ({ message: describeIssue(issue), place: locate(issue.path) })));
}

/** An issue as a user reads it (exported for the test comparing it with zod's). */
export function describeIssue(issue: Pick<Issue, 'code' | 'message' | 'input' | 'keys'>): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys ?? [];
    return `unknown key${keys.length > 1 ? 's' : ''} ${keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  // A missing key: the type (or union) mismatch of `undefined`.
  if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && issue.input === undefined) {
    return 'is required';
  }
  const got = issue.input !== undefined ? ` (got ${describeValue(issue.input)})` : '';
  return issue.message + got;
}

/** A short description of a YAML value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value);
  return text.length > 40 ? text.slice(0, 37) + '…' : text;
}
