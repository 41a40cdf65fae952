/**
 * The validation core of the config schemas (schema.ts): the few kinds of check they are made of —
 * string, number, boolean, literal, enum, list, mapping (strict, loose, or with a check for unknown keys),
 * record, union, pipe, transform, refinements — with zod 4's semantics, so that every config reports
 * exactly the problems, in the order and with the messages, that zod gave (test/config/schema-oracle.test.ts
 * compares the two on generated configs).
 *
 * Why not zod itself: building zod's schemas and its first parses took ~20 ms of every `analyze`, a short
 * process run many times a day (issue 14). These are plain closures, built in microseconds. The daemon's
 * HTTP contract keeps zod (src/server/contract/), where the OpenAPI document is made from the schemas.
 *
 * zod's rules mirrored here, for whoever changes a schema:
 * - An issue either lets later checks of the same value run (`continue`: a failed check such as a minimum,
 *   a refinement, an unknown key) or stops them (a wrong type, a failed pipe or transform). A value with a
 *   stopping issue is "aborted": its checks are skipped, except length minimums, which run on anything
 *   with a length unless an issue stopped them explicitly (`int` does).
 * - A union takes its first option without issues; else, when exactly one option's issues did not abort,
 *   that option's issues; else one issue with the union's message.
 * - A pipe stops at the first schema's issues (an unknown key excepted).
 * - A check's message is its own, else that of the schema it checks, else zod's English default.
 */

export type PathKey = string | number;

export interface Issue {
  code: 'invalid_type' | 'invalid_union' | 'invalid_value' | 'invalid_format' | 'too_small' | 'too_big' | 'unrecognized_keys' | 'custom';
  path: PathKey[];
  message: string;
  /** The value the issue is about (undefined: a missing key). */
  input: unknown;
  /** unrecognized_keys: the keys. */
  keys?: string[];
  /** Whether later checks of the same value still run (see above); undefined stops them. */
  continue?: boolean;
}

interface Payload {
  value: unknown;
  issues: Issue[];
  /** Set by a failed pipe: nothing more runs on this value. */
  aborted?: boolean;
}

export interface Checker<T = unknown> {
  run(payload: Payload): Payload;
  /** Absence is accepted (`.optional()`): a mapping leaves a missing key out. */
  readonly optional?: boolean;
  /** The type `parse` returns (never set: for inference only). */
  readonly __output?: T;
}

export type Output<C> = C extends Checker<infer T> ? T : never;

export type Result<T> = { success: true; data: T } | { success: false; issues: Issue[] };

/** Validates `value`: the transformed value, or every issue in zod's order. */
export function check<T>(checker: Checker<T>, value: unknown): Result<T> {
  const payload = checker.run({ value, issues: [] });
  return payload.issues.length ? { success: false, issues: payload.issues } : { success: true, data: payload.value as T };
}

function aborted(payload: Payload, from = 0): boolean {
  if (payload.aborted) return true;
  for (let i = from; i < payload.issues.length; i++) if (payload.issues[i]!.continue !== true) return true;
  return false;
}

function explicitlyAborted(payload: Payload): boolean {
  return payload.aborted === true || payload.issues.some((issue) => issue.continue === false);
}

/** A check run after the type matched: adds issues (with `continue`) or none. */
interface Refinement {
  test(payload: Payload, schemaMessage: string | undefined): void;
  /** Length minimums run on an aborted value that has a length (zod's `when`). */
  onLength?: boolean;
}

/** A type test plus its refinements, run as zod runs a schema's checks. */
function typed<T>(accepts: (value: unknown) => boolean, message: string | undefined, fallback: (value: unknown) => string, refinements: Refinement[] = []): Checker<T> {
  return {
    run(payload) {
      if (!accepts(payload.value)) payload.issues.push({ code: 'invalid_type', path: [], message: message ?? fallback(payload.value), input: payload.value });
      let stop = aborted(payload);
      for (const refinement of refinements) {
        if (refinement.onLength) {
          if (explicitlyAborted(payload)) continue;
          const value = payload.value as { length?: unknown } | null | undefined;
          if (value === null || value === undefined || value.length === undefined) continue;
        } else if (stop) {
          continue;
        }
        const before = payload.issues.length;
        refinement.test(payload, message);
        if (!stop && payload.issues.length !== before) stop = aborted(payload, before);
      }
      return payload;
    },
  };
}

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A length minimum (strings, lists); `message` else the schema's. */
export function minLength(minimum: number, message?: string): Refinement {
  return {
    onLength: true,
    test(payload, schemaMessage) {
      const value = payload.value as { length: number };
      if (value.length >= minimum) return;
      const what = typeof value === 'string' ? 'string to have' : 'array to have';
      payload.issues.push({ code: 'too_small', path: [], message: message ?? schemaMessage ?? `Too small: expected ${what} >=${minimum} ${typeof value === 'string' ? 'characters' : 'items'}`, input: value, continue: true });
    },
  };
}

/** A number minimum (inclusive). */
export function atLeast(minimum: number, message?: string): Refinement {
  return {
    test(payload, schemaMessage) {
      if ((payload.value as number) >= minimum) return;
      payload.issues.push({ code: 'too_small', path: [], message: message ?? schemaMessage ?? `Too small: expected number to be >=${minimum}`, input: payload.value, continue: true });
    },
  };
}

/** A number maximum (inclusive). */
export function atMost(maximum: number, message?: string): Refinement {
  return {
    test(payload, schemaMessage) {
      if ((payload.value as number) <= maximum) return;
      payload.issues.push({ code: 'too_big', path: [], message: message ?? schemaMessage ?? `Too big: expected number to be <=${maximum}`, input: payload.value, continue: true });
    },
  };
}

/** A safe integer: a fraction stops the checks after it, an unsafe integer does not. */
export function integer(message?: string): Refinement {
  return {
    test(payload, schemaMessage) {
      const value = payload.value as number;
      const text = message ?? schemaMessage;
      if (!Number.isInteger(value)) {
        payload.issues.push({ code: 'invalid_type', path: [], message: text ?? 'Invalid input: expected int, received number', input: value, continue: false });
      } else if (!Number.isSafeInteger(value)) {
        const big = value > 0;
        const fallback = big ? `Too big: expected int to be <=${Number.MAX_SAFE_INTEGER}` : `Too small: expected int to be >=${Number.MIN_SAFE_INTEGER}`;
        payload.issues.push({ code: big ? 'too_big' : 'too_small', path: [], message: text ?? fallback, input: value, continue: true });
      }
    },
  };
}

/** A regular expression the whole string must match. */
export function matches(pattern: RegExp, message?: string): Refinement {
  return {
    test(payload, schemaMessage) {
      pattern.lastIndex = 0;
      if (pattern.test(payload.value as string)) return;
      payload.issues.push({ code: 'invalid_format', path: [], message: message ?? schemaMessage ?? `Invalid string: must match pattern ${pattern}`, input: payload.value, continue: true });
    },
  };
}

/** zod's English name of a value's type, for its default invalid_type messages. */
function received(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : 'number';
  return typeof value;
}

const expected = (type: string) => (value: unknown) => `Invalid input: expected ${type}, received ${received(value)}`;

export function string(message?: string, ...refinements: Refinement[]): Checker<string> {
  return typed((v) => typeof v === 'string', message, expected('string'), refinements);
}

/** A finite number (zod 4 refuses NaN and the infinities). */
export function number(message?: string, ...refinements: Refinement[]): Checker<number> {
  return typed((v) => typeof v === 'number' && Number.isFinite(v), message, expected('number'), refinements);
}

export function boolean(message?: string): Checker<boolean> {
  return typed((v) => typeof v === 'boolean', message, expected('boolean'));
}

export function unknown(): Checker<unknown> {
  return { run: (payload) => payload };
}

/** One of `values` (zod's literal and enum alike). */
export function oneOf<const V extends readonly (string | number | boolean)[]>(values: V, message?: string): Checker<V[number]> {
  const allowed = new Set<unknown>(values);
  const fallback = values.length === 1 ? `Invalid input: expected ${JSON.stringify(values[0])}` : `Invalid option: expected one of ${values.map((v) => JSON.stringify(v)).join('|')}`;
  return {
    run(payload) {
      if (!allowed.has(payload.value)) payload.issues.push({ code: 'invalid_value', path: [], message: message ?? fallback, input: payload.value });
      return payload;
    },
  };
}

export function optional<T>(inner: Checker<T>): Checker<T | undefined> {
  return { optional: true, run: (payload) => (payload.value === undefined ? payload : inner.run(payload)) };
}

/** `null`, else `inner`. */
export function nullable<T>(inner: Checker<T>): Checker<T | null> {
  return { optional: inner.optional, run: (payload) => (payload.value === null ? payload : inner.run(payload)) };
}

/** `null` or absent, else `inner` (zod's nullish). */
export function nullish<T>(inner: Checker<T>): Checker<T | null | undefined> {
  return optional(nullable(inner));
}

export function union<A, B>(options: [Checker<A>, Checker<B>], message?: string): Checker<A | B>;
export function union<A, B, C>(options: [Checker<A>, Checker<B>, Checker<C>], message?: string): Checker<A | B | C>;
export function union(options: Checker[], message?: string): Checker {
  return {
    optional: options.some((o) => o.optional),
    run(payload) {
      const results: Payload[] = [];
      for (const option of options) {
        const result = option.run({ value: payload.value, issues: [] });
        if (result.issues.length === 0) return result;
        results.push(result);
      }
      const standing = results.filter((r) => !aborted(r));
      if (standing.length === 1) return standing[0]!;
      payload.issues.push({ code: 'invalid_union', path: [], message: message ?? 'Invalid input', input: payload.value });
      return payload;
    },
  };
}

/** `first`, then `next` on its output unless `first` found a problem (an unknown key excepted). */
export function pipe<A, B>(first: Checker<A>, next: Checker<B>): Checker<B> {
  return {
    optional: first.optional,
    run(payload) {
      const left = first.run(payload);
      if (left.issues.some((issue) => issue.code !== 'unrecognized_keys')) {
        left.aborted = true;
        return left;
      }
      return next.run({ value: left.value, issues: left.issues });
    },
  };
}

/** What a transform may report: its issues stop everything after them. */
export interface TransformContext {
  addIssue(issue: Omit<Issue, 'code' | 'continue' | 'input'> & { code?: Issue['code']; input?: unknown }): void;
}

/** `fn` on the value; after an issue the returned value is never used. */
export function transform<I, O>(first: Checker<I>, fn: (value: I, ctx: TransformContext) => O): Checker<O> {
  return pipe(first, {
    run(payload) {
      const ctx: TransformContext = {
        // zod keeps the code, path, message and keys of a re-added issue; nothing after a transform's issue runs.
        addIssue: (issue) => {
          const added: Issue = { code: issue.code ?? 'custom', path: issue.path, message: issue.message, input: 'input' in issue ? issue.input : payload.value };
          if (issue.keys) added.keys = issue.keys;
          payload.issues.push(added);
        },
      };
      payload.value = fn(payload.value as I, ctx);
      return payload;
    },
  });
}

/** What a refinement reports: `input` defaults to the value refined. */
export interface RefineContext {
  addIssue(issue: { path: PathKey[]; message: string; input?: unknown }): void;
}

/** Checks run on `inner`'s output when nothing stopped it (zod's superRefine). */
export function refine<T>(inner: Checker<T>, fn: (value: T, ctx: RefineContext) => void): Checker<T> {
  return {
    optional: inner.optional,
    run(payload) {
      const result = inner.run(payload);
      if (aborted(result)) return result;
      fn(result.value as T, {
        addIssue: (issue) => result.issues.push({ code: 'custom', ...issue, input: 'input' in issue ? issue.input : result.value, continue: true }),
      });
      return result;
    },
  };
}

function prefixed(key: PathKey, issues: Issue[]): Issue[] {
  for (const issue of issues) issue.path.unshift(key);
  return issues;
}

/** `element` for each item, with a length minimum if given. */
export function list<T>(element: Checker<T>, message?: string, ...refinements: Refinement[]): Checker<T[]> {
  const isList = typed<T[]>(Array.isArray, message, expected('array'), refinements);
  return {
    run(payload) {
      const input = payload.value;
      if (!Array.isArray(input)) return isList.run(payload);
      const output: unknown[] = new Array(input.length);
      for (let i = 0; i < input.length; i++) {
        const result = element.run({ value: input[i], issues: [] });
        payload.issues.push(...prefixed(i, result.issues));
        output[i] = result.value;
      }
      payload.value = output;
      return isList.run(payload);
    },
  };
}

type Shape = Record<string, Checker>;
type ShapeOutput<S extends Shape> = { [K in keyof S as undefined extends Output<S[K]> ? never : K]: Output<S[K]> } & {
  [K in keyof S as undefined extends Output<S[K]> ? K : never]?: Output<S[K]>;
};

/**
 * A mapping with `shape`'s keys, then what to do with the others: `strict` reports them, `loose` keeps them
 * as they are, a checker checks each.
 */
export function mapping<S extends Shape>(shape: S, unknownKeys: 'strict' | 'loose' | Checker, message?: string): Checker<ShapeOutput<S> & Record<string, unknown>> {
  const keys = Object.keys(shape);
  const known = new Set(keys);
  return {
    run(payload) {
      const input = payload.value;
      if (!isMapping(input)) {
        payload.issues.push({ code: 'invalid_type', path: [], message: message ?? expected('object')(input), input });
        return payload;
      }
      const output: Record<string, unknown> = {};
      const put = (key: string, checker: Checker) => {
        const present = key in input;
        if (!present && checker.optional) return;
        const result = checker.run({ value: input[key], issues: [] });
        payload.issues.push(...prefixed(key, result.issues));
        if (!present) {
          if (result.issues.length === 0) payload.issues.push({ code: 'invalid_type', path: [key], message: 'Invalid input: expected nonoptional, received undefined', input: undefined });
          return;
        }
        output[key] = result.value;
      };
      for (const key of keys) if (key !== '__proto__') put(key, shape[key]!);
      const unrecognized: string[] = [];
      for (const key in input) {
        if (known.has(key)) continue;
        if (unknownKeys === 'strict') unrecognized.push(key);
        else if (key !== '__proto__') put(key, unknownKeys === 'loose' ? unknown() : unknownKeys);
      }
      if (unrecognized.length) {
        const fallback = `Unrecognized key${unrecognized.length > 1 ? 's' : ''}: ${unrecognized.map((k) => JSON.stringify(k)).join(', ')}`;
        payload.issues.push({ code: 'unrecognized_keys', path: [], message: message ?? fallback, input, keys: unrecognized, continue: true });
      }
      payload.value = output;
      return payload;
    },
  };
}

/** A mapping of any string keys to `value`s (zod's record). */
export function record<T>(value: Checker<T>, message?: string): Checker<Record<string, T>> {
  return {
    run(payload) {
      const input = payload.value;
      const plain = isMapping(input) && [Object.prototype, null].includes(Object.getPrototypeOf(input));
      if (!plain) {
        payload.issues.push({ code: 'invalid_type', path: [], message: message ?? expected('record')(input), input });
        return payload;
      }
      const output: Record<string, unknown> = {};
      for (const key of Object.keys(input)) {
        if (key === '__proto__') continue;
        const result = value.run({ value: input[key], issues: [] });
        payload.issues.push(...prefixed(key, result.issues));
        output[key] = result.value;
      }
      payload.value = output;
      return payload;
    },
  };
}
