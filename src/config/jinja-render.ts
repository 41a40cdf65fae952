/**
 * The interpreter of `jinja-syntax.ts`'s trees, a sandbox by construction: values are plain data
 * (strings, numbers, booleans, None, lists, mappings copied from the variables), looked up as own keys
 * only; the only things a template can call are the filters, tests and functions of the fixed tables
 * below; loops, strings, output and total work are bounded. Semantics are Jinja2's with `StrictUndefined`
 * (Orion's engine): an undefined value is an error wherever it is used, except under `default` / `d` and
 * the `defined` / `undefined` tests.
 *
 * @example
 * renderJinja(parseJinja('{{ v | upper }}!'), new Map([['v', 'x']]), 'f.yaml', (text) => out.push(text));
 */
import { pythonStr } from '../util/python-str.js';
import { UserError } from '../util/errors.js';
import { isForbiddenName, templateError, type Expr, type Node } from './jinja-syntax.js';

/** A mapping: a copy of the variables' plain objects, or a `{…}` literal; no prototype. */
export interface Mapping {
  [key: string]: Value;
}
export type Value = string | number | boolean | null | Value[] | Mapping;

/** What a template may do at most (per render). */
export const LIMITS = {
  /** Characters of output, and of any one string. */
  output: 4 * 1024 * 1024,
  /** Items of any one list; items of one range(). */
  items: 100_000,
  /** Loop iterations over the whole render. */
  iterations: 100_000,
  /** Work units: one per evaluated expression, one per character of each string built. */
  work: 50_000_000,
  /** Wall time of one render. */
  millis: 2_000,
};

/** An undefined value: legal only where `default` or `is defined` looks at it. */
class Undefined {
  constructor(
    readonly name: string,
    readonly line: number,
  ) {}
}
type Result = Value | Undefined;

export function undefinedVariable(name: string, file: string | undefined, line: number): UserError {
  return new UserError(`undefined template variable "${name}" (define it with --input-vars or an environment variable)`, { file, line });
}

const isMapping = (v: unknown): v is Mapping => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Copies variables into template values: plain data only, every mapping without prototype. */
export function toValue(value: unknown, name: string, depth = 0): Value {
  if (depth > 100) throw new UserError(`template variable "${name}" is nested too deeply`);
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map((item) => toValue(item, name, depth + 1));
  if (typeof value === 'object') {
    // Own enumerable keys only: nothing of a prototype is copied.
    const out: Mapping = Object.create(null) as Mapping;
    for (const key of Object.keys(value)) out[key] = toValue((value as Record<string, unknown>)[key], name, depth + 1);
    return out;
  }
  throw new UserError(`template variable "${name}" is no data (a string, number, boolean, list or mapping)`);
}

/** Receives the output: template text, or the text of a `{{ }}` (`fromExpression`). */
export type Emit = (text: string, fromExpression: boolean) => void;

export function renderJinja(nodes: Node[], vars: ReadonlyMap<string, Value>, file: string | undefined, emit: Emit): void {
  new Renderer(vars, file, emit).run(nodes);
}

class Renderer {
  private work = 0;
  private iterations = 0;
  private output = 0;
  private readonly started = Date.now();
  private readonly scopes: Map<string, Value>[] = [new Map()];

  constructor(
    private readonly vars: ReadonlyMap<string, Value>,
    private readonly file: string | undefined,
    private readonly emit: Emit,
  ) {}

  run(nodes: Node[]): void {
    for (const node of nodes) this.exec(node);
  }

  private exec(node: Node): void {
    this.charge(1, undefined);
    switch (node.type) {
      case 'text':
        this.write(node.text, false, undefined);
        return;
      case 'output':
        this.write(this.text(this.defined(this.eval(node.expr)), node.line), true, node.line);
        return;
      case 'if': {
        const branch = node.branches.find((b) => truthy(this.defined(this.eval(b.test))));
        this.run(branch ? branch.body : node.otherwise);
        return;
      }
      case 'for':
        this.loop(node);
        return;
      case 'set':
        this.assign(this.scopes[this.scopes.length - 1] as Map<string, Value>, node.targets, this.defined(this.eval(node.value)), node.line);
        return;
    }
  }

  private loop(node: Extract<Node, { type: 'for' }>): void {
    const items = this.iterate(this.defined(this.eval(node.iterable)), node.line);
    if (!items.length) return this.run(node.otherwise);
    const scope = new Map<string, Value>();
    this.scopes.push(scope);
    try {
      items.forEach((item, i) => {
        if (++this.iterations > LIMITS.iterations) throw this.error(`loops run more than ${LIMITS.iterations} iterations`, node.line);
        scope.clear();
        const loop: Mapping = Object.create(null) as Mapping;
        Object.assign(loop, { index: i + 1, index0: i, revindex: items.length - i, revindex0: items.length - i - 1, first: i === 0, last: i === items.length - 1, length: items.length });
        scope.set('loop', loop);
        this.assign(scope, node.targets, item, node.line);
        this.run(node.body);
      });
    } finally {
      this.scopes.pop();
    }
  }

  private assign(scope: Map<string, Value>, targets: string[], value: Value, line: number): void {
    if (targets.length === 1) {
      scope.set(targets[0] as string, value);
      return;
    }
    const items = Array.isArray(value) ? value : typeof value === 'string' ? [...value] : undefined;
    if (!items || items.length !== targets.length) throw this.error(`cannot unpack ${describe(value)} into ${targets.length} names`, line);
    targets.forEach((t, i) => scope.set(t, items[i] as Value));
  }

  private write(text: string, fromExpression: boolean, line: number | undefined): void {
    this.output += text.length;
    if (this.output > LIMITS.output) throw this.error(`the output is longer than ${LIMITS.output} characters`, line);
    this.charge(text.length, line);
    this.emit(text, fromExpression);
  }

  /** Counts work; refuses a render over its work or time budget. */
  private charge(units: number, line: number | undefined): void {
    this.work += units;
    if (this.work > LIMITS.work) throw this.error('the template does too much work', line);
    if ((this.work & 0x3ff) < units || units > 0x3ff) {
      if (Date.now() - this.started > LIMITS.millis) throw this.error(`rendering took longer than ${LIMITS.millis} ms`, line);
    }
  }

  private defined(result: Result): Value {
    if (result instanceof Undefined) throw undefinedVariable(result.name, this.file, result.line);
    return result;
  }

  private error(message: string, line: number | undefined): UserError {
    return templateError(message, this.file, line);
  }

  /** A string built by the template: bounded in length, paid for by its length. */
  private string(length: number, build: () => string, line: number): string {
    if (length > LIMITS.output) throw this.error(`a string would be longer than ${LIMITS.output} characters`, line);
    this.charge(length, line);
    return build();
  }

  private list(items: Value[], line: number): Value[] {
    if (items.length > LIMITS.items) throw this.error(`a list would be longer than ${LIMITS.items} items`, line);
    this.charge(items.length, line);
    return items;
  }

  text(value: Value, line: number): string {
    if (typeof value === 'string') return value;
    const text = repr(value, false);
    return this.string(text.length, () => text, line);
  }

  private eval(expr: Expr): Result {
    this.charge(1, expr.line);
    switch (expr.type) {
      case 'literal':
        return expr.value;
      case 'name':
        return this.lookup(expr.name, expr.line);
      case 'list':
        return this.list(expr.items.map((e) => this.defined(this.eval(e))), expr.line);
      case 'dict': {
        const out: Mapping = Object.create(null) as Mapping;
        for (const [k, v] of expr.entries) {
          const key = this.defined(this.eval(k));
          if (typeof key !== 'string' && typeof key !== 'number') throw this.error(`a mapping key must be a string or number, not ${describe(key)}`, k.line);
          this.key(String(key), k.line);
          out[String(key)] = this.defined(this.eval(v));
        }
        return out;
      }
      case 'attr':
        return this.attribute(expr);
      case 'call':
        return this.call(expr);
      case 'filter':
        return this.filter(expr);
      case 'test': {
        const test = TESTS.get(expr.name);
        if (!test) throw this.error(`unknown test "${expr.name}" (known: ${[...TESTS.keys()].join(', ')})`, expr.line);
        const target = test.acceptsUndefined ? this.eval(expr.target) : this.defined(this.eval(expr.target));
        const args = expr.args.map((a) => this.defined(this.eval(a)));
        const result = test.fn(target, args, this, expr.line);
        return expr.negated ? !result : result;
      }
      case 'unary': {
        const operand = this.defined(this.eval(expr.operand));
        if (expr.op === 'not') return !truthy(operand);
        const n = this.number(operand, expr.op, expr.line);
        return expr.op === '-' ? -n : n;
      }
      case 'binary':
        return this.binary(expr);
      case 'conditional': {
        if (truthy(this.defined(this.eval(expr.test)))) return this.eval(expr.then);
        return expr.otherwise ? this.eval(expr.otherwise) : new Undefined('(an if without else)', expr.line);
      }
    }
  }

  private lookup(name: string, line: number): Result {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const scope = this.scopes[i] as Map<string, Value>;
      if (scope.has(name)) return scope.get(name) as Value;
    }
    return this.vars.has(name) ? (this.vars.get(name) as Value) : new Undefined(name, line);
  }

  private key(key: string, line: number): void {
    if (isForbiddenName(key)) throw this.error(`"${key}" is not allowed in a template`, line);
  }

  private attribute(expr: Extract<Expr, { type: 'attr' }>): Result {
    const target = this.defined(this.eval(expr.target));
    const key = this.defined(this.eval(expr.key));
    const label = `${dotted(expr.target)}${typeof key === 'string' ? `.${key}` : `[${repr(key, true)}]`}`;
    if (typeof key === 'string') this.key(key, expr.line);
    if (Array.isArray(target) || typeof target === 'string') {
      if (typeof key !== 'number' || !Number.isInteger(key)) throw this.error(`${label}: a ${Array.isArray(target) ? 'list' : 'string'} has only numbered items`, expr.line);
      const items = Array.isArray(target) ? target : [...target];
      const index = key < 0 ? items.length + key : key;
      return index >= 0 && index < items.length ? (items[index] as Value) : new Undefined(label, expr.line);
    }
    if (isMapping(target)) {
      if (typeof key !== 'string' && typeof key !== 'number') throw this.error(`${label}: a mapping key must be a string or number`, expr.line);
      return Object.hasOwn(target, String(key)) ? (target[String(key)] as Value) : new Undefined(label, expr.line);
    }
    throw this.error(`${label}: ${describe(target)} has no attributes`, expr.line);
  }

  private call(expr: Extract<Expr, { type: 'call' }>): Result {
    const fn = expr.callee.type === 'name' ? FUNCTIONS.get(expr.callee.name) : undefined;
    if (!fn) throw this.error(`only ${[...FUNCTIONS.keys()].map((f) => `${f}()`).join(', ')} can be called in a template`, expr.line);
    if (expr.kwargs.length) throw this.error('range() takes no keyword arguments', expr.line);
    return fn(expr.args.map((a) => this.defined(this.eval(a))), this, expr.line);
  }

  private filter(expr: Extract<Expr, { type: 'filter' }>): Result {
    const filter = FILTERS.get(expr.name);
    if (!filter) throw this.error(`unknown filter "${expr.name}" (known: ${[...FILTERS.keys()].join(', ')})`, expr.line);
    const target = filter.acceptsUndefined ? this.eval(expr.target) : this.defined(this.eval(expr.target));
    if (expr.args.length > filter.params.length) throw this.error(`filter ${expr.name} takes at most ${filter.params.length} arguments`, expr.line);
    const args: (Value | undefined)[] = expr.args.map((a) => this.defined(this.eval(a)));
    for (const [name, value] of expr.kwargs) {
      const at = filter.params.indexOf(name);
      if (at < 0) throw this.error(`filter ${expr.name} has no argument "${name}"`, expr.line);
      args[at] = this.defined(this.eval(value));
    }
    return filter.fn(target, args, this, expr.line);
  }

  private binary(expr: Extract<Expr, { type: 'binary' }>): Result {
    const { op, line } = expr;
    const left = this.defined(this.eval(expr.left));
    if (op === 'and') return truthy(left) ? this.defined(this.eval(expr.right)) : left;
    if (op === 'or') return truthy(left) ? left : this.defined(this.eval(expr.right));
    const right = this.defined(this.eval(expr.right));
    switch (op) {
      case '==':
        return equals(left, right);
      case '!=':
        return !equals(left, right);
      case '<':
      case '>':
      case '<=':
      case '>=': {
        const c = this.compare(left, right, op, line);
        return op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
      }
      case 'in':
        return this.contains(right, left, line);
      case 'not in':
        return !this.contains(right, left, line);
      case '~': {
        const a = this.text(left, line);
        const b = this.text(right, line);
        return this.string(a.length + b.length, () => a + b, line);
      }
      case '+':
        if (typeof left === 'string' && typeof right === 'string') return this.string(left.length + right.length, () => left + right, line);
        if (Array.isArray(left) && Array.isArray(right)) return this.list([...left, ...right], line);
        return this.number(left, op, line) + this.number(right, op, line);
      case '*': {
        const [text, times] = typeof left === 'string' ? [left, right] : typeof right === 'string' ? [right, left] : [undefined, undefined];
        if (text !== undefined) {
          const n = Math.max(0, this.integer(times as Value, op, line));
          return this.string(text.length * n, () => text.repeat(n), line);
        }
        return this.number(left, op, line) * this.number(right, op, line);
      }
      default:
        return this.arithmetic(op, this.number(left, op, line), this.number(right, op, line), line);
    }
  }

  private arithmetic(op: string, a: number, b: number, line: number): number {
    if ((op === '/' || op === '//' || op === '%') && b === 0) throw this.error('division by zero', line);
    switch (op) {
      case '-':
        return a - b;
      case '/':
        return a / b;
      case '//':
        return Math.floor(a / b);
      case '%':
        return a - b * Math.floor(a / b);
      case '**':
        return a ** b;
      default:
        throw this.error(`unknown operator ${op}`, line);
    }
  }

  number(value: Value, op: string, line: number): number {
    if (typeof value === 'number') return value;
    if (typeof value === 'boolean') return Number(value);
    throw this.error(`${op} needs numbers, not ${describe(value)}`, line);
  }

  integer(value: Value, what: string, line: number): number {
    const n = this.number(value, what, line);
    if (!Number.isInteger(n)) throw this.error(`${what} needs whole numbers, not ${describe(value)}`, line);
    return n;
  }

  compare(a: Value, b: Value, op: string, line: number): number {
    if ((typeof a === 'number' || typeof a === 'boolean') && (typeof b === 'number' || typeof b === 'boolean')) return Number(a) - Number(b);
    if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
    throw this.error(`cannot compare ${describe(a)} ${op} ${describe(b)}`, line);
  }

  private contains(container: Value, item: Value, line: number): boolean {
    if (typeof container === 'string') {
      if (typeof item !== 'string') throw this.error(`"in <string>" needs a string on the left, not ${describe(item)}`, line);
      return container.includes(item);
    }
    if (Array.isArray(container)) return container.some((x) => equals(x, item));
    if (isMapping(container)) return (typeof item === 'string' || typeof item === 'number') && Object.hasOwn(container, String(item));
    throw this.error(`"in" needs a string, list or mapping on the right, not ${describe(container)}`, line);
  }

  iterate(value: Value, line: number): Value[] {
    if (Array.isArray(value)) return value;
    if (typeof value === 'string') return this.list([...value], line);
    if (isMapping(value)) return Object.keys(value);
    throw this.error(`cannot loop over ${describe(value)}`, line);
  }

  /** Returns a built string through the bounds (for filters). */
  bounded(length: number, build: () => string, line: number): string {
    return this.string(length, build, line);
  }

  boundedList(items: Value[], line: number): Value[] {
    return this.list(items, line);
  }

  fail(message: string, line: number): UserError {
    return this.error(message, line);
  }
}

// --- Values -----------------------------------------------------------------------------------------

export function truthy(value: Value): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isMapping(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

function equals(a: Value, b: Value): boolean {
  if ((typeof a === 'number' || typeof a === 'boolean') && (typeof b === 'number' || typeof b === 'boolean')) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equals(x, b[i] as Value));
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && equals(a[k] as Value, b[k] as Value));
  }
  return a === b;
}

/** Python's `str()` (top level) or `repr()` (inside lists and mappings). */
function repr(value: Value, quoted: boolean): string {
  if (typeof value === 'string') {
    if (!quoted) return value;
    const q = value.includes("'") && !value.includes('"') ? '"' : "'";
    return q + value.replace(/\\/g, '\\\\').replace(new RegExp(q, 'g'), `\\${q}`).replace(/\n/g, '\\n') + q;
  }
  if (Array.isArray(value)) return `[${value.map((v) => repr(v, true)).join(', ')}]`;
  if (isMapping(value)) return `{${Object.keys(value).map((k) => `${repr(k, true)}: ${repr(value[k] as Value, true)}`).join(', ')}}`;
  return pythonStr(value);
}

function describe(value: Value): string {
  if (value === null) return 'None';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  return `a ${typeof value}`;
}

/** The name an expression reads (`cfg.depth`), for messages. */
function dotted(expr: Expr): string {
  if (expr.type === 'name') return expr.name;
  if (expr.type === 'attr' && expr.key.type === 'literal') return `${dotted(expr.target)}.${String(expr.key.value)}`;
  return 'value';
}

// --- The fixed tables: filters, tests, functions --------------------------------------------------------

interface Filter {
  params: string[];
  acceptsUndefined?: boolean;
  fn(value: Result, args: (Value | undefined)[], r: Renderer, line: number): Result;
}
interface Test {
  acceptsUndefined?: boolean;
  fn(value: Result, args: Value[], r: Renderer, line: number): boolean;
}

const str = (v: Result, r: Renderer, line: number): string => r.text(v as Value, line);

function toInt(value: Value, fallback: number): number {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value === 'boolean') return Number(value);
  if (typeof value === 'string' && /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) {
    const n = Math.trunc(Number(value));
    return Number.isFinite(n) ? n : fallback;
  }
  return fallback;
}

function toFloat(value: Value, fallback: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  return fallback;
}

function sortKey(v: Value, caseSensitive: boolean): Value {
  return typeof v === 'string' && !caseSensitive ? v.toLowerCase() : v;
}

function sorted(items: Value[], r: Renderer, line: number, caseSensitive = false, key: (v: Value) => Value = (v) => v): Value[] {
  return r.boundedList([...items], line).sort((a, b) => r.compare(sortKey(key(a), caseSensitive), sortKey(key(b), caseSensitive), 'sort', line));
}

function sequence(value: Value, r: Renderer, line: number, filter: string): Value[] {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') throw r.fail(`filter ${filter} needs a string, list or mapping, not ${describe(value)}`, line);
  return r.iterate(value, line);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

const ROUNDING = new Map([['common', Math.round], ['ceil', Math.ceil], ['floor', Math.floor]]);

const defaultFilter: Filter = {
  params: ['default_value', 'boolean'],
  acceptsUndefined: true,
  fn: (v, [fallback = '', boolean = false]) => (v instanceof Undefined || (boolean && !truthy(v)) ? fallback : v),
};

const FILTERS = new Map<string, Filter>([
  ['default', defaultFilter],
  ['d', defaultFilter],
  ['lower', { params: [], fn: (v, _a, r, line) => str(v, r, line).toLowerCase() }],
  ['upper', { params: [], fn: (v, _a, r, line) => str(v, r, line).toUpperCase() }],
  ['capitalize', { params: [], fn: (v, _a, r, line) => capitalize(str(v, r, line)) }],
  ['title', { params: [], fn: (v, _a, r, line) => str(v, r, line).split(/([-\s()[\]{}]+)/).map(capitalize).join('') }],
  ['trim', {
    params: ['chars'],
    fn: (v, [chars], r, line) => {
      const s = str(v, r, line);
      if (chars === undefined || chars === null) return s.trim();
      const set = new Set(str(chars, r, line));
      let a = 0;
      let b = s.length;
      while (a < b && set.has(s[a] as string)) a++;
      while (b > a && set.has(s[b - 1] as string)) b--;
      return s.slice(a, b);
    },
  }],
  ['replace', {
    params: ['old', 'new', 'count'],
    fn: (v, [oldValue, newValue, count], r, line) => {
      const s = str(v, r, line);
      const from = str(oldValue ?? '', r, line);
      const to = str(newValue ?? '', r, line);
      const limit = count === undefined || count === null ? Infinity : r.integer(count, 'replace count', line);
      const found = from === '' ? s.length + 1 : s.split(from).length - 1;
      const times = Math.min(found, Math.max(0, limit));
      return r.bounded(s.length + times * (to.length - from.length), () => {
        if (from === '') {
          const chars = [...s];
          return chars.map((c, i) => (i < times ? to + c : c)).join('') + (times > chars.length ? to : '');
        }
        const parts = s.split(from);
        return parts.slice(0, times + 1).join(to) + (times + 1 < parts.length ? from + parts.slice(times + 1).join(from) : '');
      }, line);
    },
  }],
  ['int', { params: ['default'], fn: (v, [fallback = 0]) => toInt(v as Value, typeof fallback === 'number' ? fallback : 0) }],
  ['float', { params: ['default'], fn: (v, [fallback = 0]) => toFloat(v as Value, typeof fallback === 'number' ? fallback : 0) }],
  ['string', { params: [], fn: (v, _a, r, line) => str(v, r, line) }],
  ['safe', { params: [], fn: (v) => v }],
  ['join', {
    params: ['d'],
    fn: (v, [separator = ''], r, line) => {
      const items = sequence(v as Value, r, line, 'join').map((item) => r.text(item, line));
      const sep = str(separator, r, line);
      const length = items.reduce((n, s) => n + s.length, 0) + sep.length * Math.max(0, items.length - 1);
      return r.bounded(length, () => items.join(sep), line);
    },
  }],
  ['length', { params: [], fn: (v, _a, r, line) => sequence(v as Value, r, line, 'length').length }],
  ['count', { params: [], fn: (v, _a, r, line) => sequence(v as Value, r, line, 'count').length }],
  ['first', { params: [], fn: (v, _a, r, line) => sequence(v as Value, r, line, 'first')[0] ?? new Undefined('first of an empty sequence', line) }],
  ['last', { params: [], fn: (v, _a, r, line) => sequence(v as Value, r, line, 'last').at(-1) ?? new Undefined('last of an empty sequence', line) }],
  ['list', { params: [], fn: (v, _a, r, line) => [...sequence(v as Value, r, line, 'list')] }],
  ['reverse', {
    params: [],
    fn: (v, _a, r, line) => (typeof v === 'string' ? [...v].reverse().join('') : [...sequence(v as Value, r, line, 'reverse')].reverse()),
  }],
  ['sort', {
    params: ['reverse', 'case_sensitive'],
    fn: (v, [reverse = false, caseSensitive = false], r, line) => {
      const out = sorted(sequence(v as Value, r, line, 'sort'), r, line, Boolean(caseSensitive));
      return reverse ? out.reverse() : out;
    },
  }],
  ['unique', {
    params: [],
    fn: (v, _a, r, line) => sequence(v as Value, r, line, 'unique').filter((item, i, all) => all.findIndex((x) => equals(x, item)) === i),
  }],
  ['min', { params: [], fn: (v, _a, r, line) => sorted(sequence(v as Value, r, line, 'min'), r, line)[0] ?? new Undefined('min of an empty sequence', line) }],
  ['max', { params: [], fn: (v, _a, r, line) => sorted(sequence(v as Value, r, line, 'max'), r, line).at(-1) ?? new Undefined('max of an empty sequence', line) }],
  ['sum', { params: [], fn: (v, _a, r, line) => sequence(v as Value, r, line, 'sum').reduce<number>((n, x) => n + r.number(x, 'sum', line), 0) }],
  ['abs', { params: [], fn: (v, _a, r, line) => Math.abs(r.number(v as Value, 'abs', line)) }],
  ['round', {
    params: ['precision', 'method'],
    fn: (v, [precision = 0, method = 'common'], r, line) => {
      const n = r.number(v as Value, 'round', line);
      const scale = 10 ** r.integer(precision, 'round precision', line);
      const how = ROUNDING.get(String(method));
      if (!how) throw r.fail('round method must be common, ceil or floor', line);
      return how(n * scale) / scale;
    },
  }],
  ['items', {
    params: [],
    fn: (v, _a, r, line) => {
      if (!isMapping(v)) throw r.fail(`filter items needs a mapping, not ${describe(v as Value)}`, line);
      return r.boundedList(Object.keys(v).map((k) => [k, v[k] as Value]), line);
    },
  }],
  ['dictsort', {
    params: ['case_sensitive', 'by', 'reverse'],
    fn: (v, [caseSensitive = false, by = 'key', reverse = false], r, line) => {
      if (!isMapping(v)) throw r.fail(`filter dictsort needs a mapping, not ${describe(v as Value)}`, line);
      const pairs = Object.keys(v).map((k): Value => [k, v[k] as Value]);
      const at = by === 'value' ? 1 : 0;
      const out = sorted(pairs, r, line, Boolean(caseSensitive), (p) => (p as Value[])[at] as Value);
      return reverse ? out.reverse() : out;
    },
  }],
]);

const numberTest = (check: (n: number) => boolean): Test['fn'] => (v) => typeof v === 'number' && check(v);
const compareTest = (check: (c: number) => boolean): Test['fn'] => (v, [other], r, line) => check(r.compare(v as Value, other as Value, 'test', line));

const TESTS = new Map<string, Test>([
  ['defined', { acceptsUndefined: true, fn: (v) => !(v instanceof Undefined) }],
  ['undefined', { acceptsUndefined: true, fn: (v) => v instanceof Undefined }],
  ['none', { fn: (v) => v === null }],
  ['boolean', { fn: (v) => typeof v === 'boolean' }],
  ['true', { fn: (v) => v === true }],
  ['false', { fn: (v) => v === false }],
  ['number', { fn: (v) => typeof v === 'number' }],
  ['integer', { fn: numberTest(Number.isInteger) }],
  ['float', { fn: numberTest((n) => !Number.isInteger(n)) }],
  ['string', { fn: (v) => typeof v === 'string' }],
  ['mapping', { fn: (v) => isMapping(v) }],
  ['sequence', { fn: (v) => typeof v === 'string' || Array.isArray(v) || isMapping(v) }],
  ['iterable', { fn: (v) => typeof v === 'string' || Array.isArray(v) || isMapping(v) }],
  ['lower', { fn: (v) => typeof v === 'string' && v === v.toLowerCase() }],
  ['upper', { fn: (v) => typeof v === 'string' && v === v.toUpperCase() }],
  ['even', { fn: (v, _a, r, line) => r.integer(v as Value, 'even', line) % 2 === 0 }],
  ['odd', { fn: (v, _a, r, line) => Math.abs(r.integer(v as Value, 'odd', line) % 2) === 1 }],
  ['divisibleby', { fn: (v, [n], r, line) => { const d = r.integer(n as Value, 'divisibleby', line); if (d === 0) throw r.fail('division by zero', line); return r.integer(v as Value, 'divisibleby', line) % d === 0; } }],
  ['eq', { fn: (v, [other]) => equals(v as Value, other as Value) }],
  ['equalto', { fn: (v, [other]) => equals(v as Value, other as Value) }],
  ['==', { fn: (v, [other]) => equals(v as Value, other as Value) }],
  ['ne', { fn: (v, [other]) => !equals(v as Value, other as Value) }],
  ['!=', { fn: (v, [other]) => !equals(v as Value, other as Value) }],
  ['lt', { fn: compareTest((c) => c < 0) }],
  ['lessthan', { fn: compareTest((c) => c < 0) }],
  ['gt', { fn: compareTest((c) => c > 0) }],
  ['greaterthan', { fn: compareTest((c) => c > 0) }],
  ['le', { fn: compareTest((c) => c <= 0) }],
  ['ge', { fn: compareTest((c) => c >= 0) }],
  ['in', { fn: (v, [container]) => (Array.isArray(container) ? container.some((x) => equals(x, v as Value)) : typeof container === 'string' ? typeof v === 'string' && container.includes(v) : isMapping(container) && typeof v === 'string' && Object.hasOwn(container, v)) }],
]);

const FUNCTIONS = new Map<string, (args: Value[], r: Renderer, line: number) => Value>([
  ['range', (args, r, line) => {
    if (args.length < 1 || args.length > 3) throw r.fail('range() takes 1 to 3 numbers', line);
    const ints = args.map((a) => r.integer(a, 'range()', line));
    const [start, stop, step] = ints.length === 1 ? [0, ints[0] as number, 1] : [ints[0] as number, ints[1] as number, ints[2] ?? 1];
    if (step === 0) throw r.fail('range() step must not be zero', line);
    const count = Math.max(0, Math.ceil((stop - start) / step));
    if (count > LIMITS.items) throw r.fail(`range() of ${count} numbers is more than the ${LIMITS.items} a template may use`, line);
    return r.boundedList(Array.from({ length: count }, (_, i) => start + i * step), line);
  }],
]);

/** Names of the filters, tests and functions a template may use (for documentation and tests). */
export const ALLOWED = { filters: [...FILTERS.keys()], tests: [...TESTS.keys()], functions: [...FUNCTIONS.keys()] };
