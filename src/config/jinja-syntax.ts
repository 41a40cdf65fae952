/**
 * The Jinja2 subset of Orion configs, read into a plain syntax tree: text, `{{ expression }}`,
 * `{% if %}`/`{% elif %}`/`{% else %}`, `{% for %}` (with `else`), `{% set %}`, `{% raw %}`, comments, and
 * whitespace control (`{%-`, `-%}` strip the whitespace, newlines included, on their side). Expressions:
 * literals, names, `.attr`, `[key]`, filters, `is` tests, calls, arithmetic, comparison, `in`, `~`,
 * `and`/`or`/`not`, `a if b else c`. Anything else (macros, includes, imports…) is refused.
 *
 * The tree holds no functions and nothing of JavaScript: `jinja-render.ts` interprets it.
 *
 * @example
 * const nodes = parseJinja('ocpVersion: "{{ version }}*"', 'ci.yaml');
 * // [{ type: 'text', text: 'ocpVersion: "' }, { type: 'output', expr: { type: 'name', name: 'version', line: 1 }, line: 1 }, …]
 */
import { UserError } from '../util/errors.js';

export type Expr =
  | { type: 'literal'; value: string | number | boolean | null; line: number }
  | { type: 'name'; name: string; line: number }
  | { type: 'list'; items: Expr[]; line: number }
  | { type: 'dict'; entries: [Expr, Expr][]; line: number }
  | { type: 'attr'; target: Expr; key: Expr; line: number }
  | { type: 'call'; callee: Expr; args: Expr[]; kwargs: [string, Expr][]; line: number }
  | { type: 'filter'; target: Expr; name: string; args: Expr[]; kwargs: [string, Expr][]; line: number }
  | { type: 'test'; target: Expr; name: string; negated: boolean; args: Expr[]; line: number }
  | { type: 'unary'; op: 'not' | '-' | '+'; operand: Expr; line: number }
  | { type: 'binary'; op: string; left: Expr; right: Expr; line: number }
  | { type: 'conditional'; test: Expr; then: Expr; otherwise: Expr | undefined; line: number };

export type Node =
  | { type: 'text'; text: string }
  | { type: 'output'; expr: Expr; line: number }
  | { type: 'if'; branches: { test: Expr; body: Node[] }[]; otherwise: Node[]; line: number }
  | { type: 'for'; targets: string[]; iterable: Expr; body: Node[]; otherwise: Node[]; line: number }
  | { type: 'set'; targets: string[]; value: Expr; line: number };

/** Nesting of expressions and blocks beyond which a template is refused (the reader is recursive). */
export const MAX_NESTING = 100;
/** Tokens of one `{{ }}` or `{% %}`: bounds the depth of operator chains (`a.b.c…`, `1+1+…`) too. */
const MAX_TOKENS = 2000;

/** Names no template may use: the doors from data to JavaScript's objects and functions. */
const FORBIDDEN = /^(?:__.*|constructor|prototype)$/;

export function isForbiddenName(name: string): boolean {
  return FORBIDDEN.test(name);
}

export function templateError(message: string, file: string | undefined, line: number | undefined): UserError {
  return new UserError(`template error: ${message}`, { file, line });
}

// --- Lexer -------------------------------------------------------------------------------------------

interface Token {
  kind: 'name' | 'number' | 'string' | 'op' | 'end';
  value: string;
  line: number;
}

/** A `{{ }}` or `{% %}` with its tokens, or text. */
type Chunk =
  | { kind: 'text'; text: string }
  | { kind: 'output' | 'tag'; tokens: Token[]; line: number; trimLeft: boolean; trimRight: boolean };

const OPERATORS = ['**', '//', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '~', '|', '.', ',', ':', '(', ')', '[', ']', '{', '}', '='];
const ESCAPES = new Map([['n', '\n'], ['t', '\t'], ['r', '\r'], ['\\', '\\'], ["'", "'"], ['"', '"'], ['0', '\0']]);

class Lexer {
  private pos = 0;
  private line = 1;
  readonly chunks: Chunk[] = [];

  constructor(
    private readonly src: string,
    private readonly file: string | undefined,
  ) {}

  run(): Chunk[] {
    const src = this.src;
    while (this.pos < src.length) {
      const next = src.slice(this.pos).search(/\{[{%#]/);
      if (next < 0) {
        this.text(src.slice(this.pos));
        break;
      }
      if (next > 0) this.text(src.slice(this.pos, this.pos + next));
      const open = src.slice(this.pos + next, this.pos + next + 2);
      const trimLeft = src[this.pos + next + 2] === '-';
      const startLine = this.line;
      this.pos += next + 2 + (trimLeft ? 1 : 0);
      if (open === '{#') {
        const end = src.indexOf('#}', this.pos);
        if (end < 0) throw templateError('comment not closed with #}', this.file, startLine);
        const trimRight = src[end - 1] === '-';
        this.advance(end + 2);
        // A comment strips like a tag; it leaves an empty text so neighbours trim across it.
        this.chunks.push({ kind: 'tag', tokens: [{ kind: 'name', value: '#', line: startLine }], line: startLine, trimLeft, trimRight });
        continue;
      }
      const close = open === '{{' ? '}}' : '%}';
      const { tokens, trimRight } = this.tokens(close, startLine);
      if (open === '{%' && tokens[0]?.value === 'raw' && tokens.length === 2) {
        this.raw(startLine, trimLeft, trimRight);
        continue;
      }
      this.chunks.push({ kind: open === '{{' ? 'output' : 'tag', tokens, line: startLine, trimLeft, trimRight });
    }
    return this.chunks;
  }

  private text(text: string): void {
    this.chunks.push({ kind: 'text', text });
    this.countLines(text);
  }

  private countLines(text: string): void {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.line++;
  }

  private advance(to: number): void {
    this.countLines(this.src.slice(this.pos, to));
    this.pos = to;
  }

  /** `{% raw %}…{% endraw %}`: the text between is output as it is. */
  private raw(line: number, trimLeft: boolean, trimRight: boolean): void {
    const end = /\{%(-?)\s*endraw\s*(-?)%\}/.exec(this.src.slice(this.pos));
    if (!end) throw templateError('raw block not closed with {% endraw %}', this.file, line);
    this.chunks.push({ kind: 'tag', tokens: [{ kind: 'name', value: '#', line }], line, trimLeft, trimRight });
    this.text(this.src.slice(this.pos, this.pos + end.index));
    this.pos += end.index;
    this.advance(this.pos + end[0].length);
    this.chunks.push({ kind: 'tag', tokens: [{ kind: 'name', value: '#', line }], line, trimLeft: end[1] === '-', trimRight: end[2] === '-' });
  }

  private tokens(close: string, startLine: number): { tokens: Token[]; trimRight: boolean } {
    const src = this.src;
    const tokens: Token[] = [];
    for (;;) {
      const ws = /^\s*/.exec(src.slice(this.pos, this.pos + 10_000))?.[0].length ?? 0;
      this.advance(this.pos + ws);
      if (this.pos >= src.length) throw templateError(`expected ${close === '}}' ? 'variable end "}}"' : 'block end "%}"'}`, this.file, startLine);
      if (src.startsWith(close, this.pos) || (src[this.pos] === '-' && src.startsWith(close, this.pos + 1))) {
        const trimRight = src[this.pos] === '-';
        this.pos += close.length + (trimRight ? 1 : 0);
        tokens.push({ kind: 'end', value: '', line: this.line });
        return { tokens, trimRight };
      }
      tokens.push(this.token());
      if (tokens.length > MAX_TOKENS) throw templateError(`an expression of more than ${MAX_TOKENS} tokens is too long`, this.file, startLine);
    }
  }

  private token(): Token {
    const src = this.src;
    const line = this.line;
    const rest = src.slice(this.pos, this.pos + 1000);
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (name) {
      this.pos += name[0].length;
      return { kind: 'name', value: name[0], line };
    }
    const number = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(rest);
    if (number) {
      this.pos += number[0].length;
      return { kind: 'number', value: number[0], line };
    }
    const quote = src[this.pos];
    if (quote === '"' || quote === "'") return this.string(quote, line);
    const op = OPERATORS.find((o) => src.startsWith(o, this.pos));
    if (op) {
      this.pos += op.length;
      return { kind: 'op', value: op, line };
    }
    throw templateError(`unexpected character ${JSON.stringify(src[this.pos])}`, this.file, line);
  }

  private string(quote: string, line: number): Token {
    const src = this.src;
    let value = '';
    let i = this.pos + 1;
    for (;;) {
      if (i >= src.length) throw templateError('string not closed', this.file, line);
      const c = src[i] as string;
      if (c === quote) break;
      if (c === '\\' && i + 1 < src.length) {
        const e = src[i + 1] as string;
        value += ESCAPES.get(e) ?? `\\${e}`;
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    this.advance(i + 1);
    return { kind: 'string', value, line };
  }
}

/** Applies whitespace control: `-` strips the whitespace of the neighbouring text on its side. */
function trimmed(chunks: Chunk[]): Chunk[] {
  return chunks.map((chunk, i) => {
    if (chunk.kind !== 'text') return chunk;
    const before = chunks[i - 1];
    const after = chunks[i + 1];
    let text = chunk.text;
    if (before && before.kind !== 'text' && before.trimRight) text = text.replace(/^\s+/, '');
    if (after && after.kind !== 'text' && after.trimLeft) text = text.replace(/\s+$/, '');
    return { kind: 'text', text };
  });
}

// --- Parser ------------------------------------------------------------------------------------------

const UNSUPPORTED_TAGS = new Set(['macro', 'call', 'include', 'import', 'from', 'extends', 'block', 'filter', 'with', 'autoescape', 'do']);
const CONSTANTS = new Map<string, boolean | null>([['true', true], ['True', true], ['false', false], ['False', false], ['none', null], ['None', null]]);
const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=']);

export function parseJinja(template: string, file?: string): Node[] {
  return new Parser(trimmed(new Lexer(template, file).run()), file).template();
}

class Parser {
  private index = 0;
  private tokens: Token[] = [];
  private at = 0;
  private depth = 0;

  constructor(
    private readonly chunks: Chunk[],
    private readonly file: string | undefined,
  ) {}

  template(): Node[] {
    const { body, stop } = this.block([]);
    if (stop) throw this.error(`unexpected {% ${stop.name} %}`, stop.line);
    return body;
  }

  /** Nodes up to one of the tags in `stops` (which is consumed and returned), or the end. */
  private block(stops: string[], line = 1): { body: Node[]; stop?: { name: string; line: number } } {
    const body: Node[] = [];
    this.nest(line);
    try {
      while (this.index < this.chunks.length) {
        const chunk = this.chunks[this.index++] as Chunk;
        if (chunk.kind === 'text') {
          if (chunk.text) body.push({ type: 'text', text: chunk.text });
          continue;
        }
        this.tokens = chunk.tokens;
        this.at = 0;
        if (chunk.kind === 'output') {
          const expr = this.expression();
          this.expectEnd();
          body.push({ type: 'output', expr, line: chunk.line });
          continue;
        }
        const tag = this.next();
        if (tag.value === '#') continue;
        if (tag.kind !== 'name') throw this.error('expected a tag name', tag.line);
        if (stops.includes(tag.value)) return { body, stop: { name: tag.value, line: tag.line } };
        body.push(this.statement(tag));
      }
      if (stops.length) throw this.error(`missing {% ${stops[stops.length - 1]} %} for the block opened here`, line);
      return { body };
    } finally {
      this.depth--;
    }
  }

  private statement(tag: Token): Node {
    switch (tag.value) {
      case 'if':
        return this.ifStatement(tag.line);
      case 'for':
        return this.forStatement(tag.line);
      case 'set': {
        const targets = this.targets();
        this.expectOp('=');
        const value = this.expression();
        this.expectEnd();
        return { type: 'set', targets, value, line: tag.line };
      }
      default:
        throw this.error(
          UNSUPPORTED_TAGS.has(tag.value) ? `{% ${tag.value} %} is not supported in configs` : `unknown tag {% ${tag.value} %}`,
          tag.line,
        );
    }
  }

  private ifStatement(line: number): Node {
    const branches: { test: Expr; body: Node[] }[] = [];
    let test = this.expression();
    this.expectEnd();
    for (;;) {
      const { body, stop } = this.block(['elif', 'else', 'endif'], line);
      branches.push({ test, body });
      if (stop?.name === 'elif') {
        test = this.expression();
        this.expectEnd();
        continue;
      }
      let otherwise: Node[] = [];
      if (stop?.name === 'else') {
        this.expectEnd();
        otherwise = this.block(['endif'], line).body;
      }
      this.expectEnd();
      return { type: 'if', branches, otherwise, line };
    }
  }

  private forStatement(line: number): Node {
    const targets = this.targets();
    const inToken = this.next();
    if (inToken.value !== 'in') throw this.error('expected "in" in {% for %}', inToken.line);
    const iterable = this.expression();
    this.expectEnd();
    const { body, stop } = this.block(['else', 'endfor'], line);
    let otherwise: Node[] = [];
    if (stop?.name === 'else') {
      this.expectEnd();
      otherwise = this.block(['endfor'], line).body;
    }
    this.expectEnd();
    return { type: 'for', targets, iterable, body, otherwise, line };
  }

  private targets(): string[] {
    const names = [this.identifier()];
    while (this.peek().value === ',') {
      this.next();
      names.push(this.identifier());
    }
    return names;
  }

  private identifier(): string {
    const token = this.next();
    if (token.kind !== 'name') throw this.error('expected a name', token.line);
    this.allowed(token.value, token.line);
    return token.value;
  }

  private allowed(name: string, line: number): void {
    if (isForbiddenName(name)) throw this.error(`"${name}" is not allowed in a template`, line);
  }

  // Expressions, from the loosest binding to the tightest (Jinja's order).

  private expression(): Expr {
    this.nest(this.peek().line);
    try {
      const then = this.or();
      if (this.peek().value !== 'if' || this.peek().kind !== 'name') return then;
      const line = this.next().line;
      const test = this.or();
      let otherwise: Expr | undefined;
      if (this.peek().value === 'else') {
        this.next();
        otherwise = this.expression();
      }
      return { type: 'conditional', test, then, otherwise, line };
    } finally {
      this.depth--;
    }
  }

  private or(): Expr {
    return this.operators(['or'], () => this.and(), 'name');
  }

  private and(): Expr {
    return this.operators(['and'], () => this.not(), 'name');
  }

  private not(): Expr {
    if (this.peek().kind === 'name' && this.peek().value === 'not') {
      const line = this.next().line;
      this.nest(line);
      try {
        return { type: 'unary', op: 'not', operand: this.not(), line };
      } finally {
        this.depth--;
      }
    }
    return this.compare();
  }

  private compare(): Expr {
    let left = this.sum();
    for (;;) {
      const token = this.peek();
      if (token.kind === 'op' && COMPARISONS.has(token.value)) {
        this.next();
        left = { type: 'binary', op: token.value, left, right: this.sum(), line: token.line };
      } else if (token.kind === 'name' && token.value === 'in') {
        this.next();
        left = { type: 'binary', op: 'in', left, right: this.sum(), line: token.line };
      } else if (token.kind === 'name' && token.value === 'not' && this.peek(1).value === 'in') {
        this.next();
        this.next();
        left = { type: 'binary', op: 'not in', left, right: this.sum(), line: token.line };
      } else {
        return left;
      }
    }
  }

  private sum(): Expr {
    return this.operators(['+', '-'], () => this.concat());
  }

  private concat(): Expr {
    return this.operators(['~'], () => this.product());
  }

  private product(): Expr {
    return this.operators(['*', '/', '//', '%'], () => this.power());
  }

  private power(): Expr {
    return this.operators(['**'], () => this.unary());
  }

  /** A left-associative chain of the operators `ops` between operands read by `operand`. */
  private operators(ops: string[], operand: () => Expr, kind: Token['kind'] = 'op'): Expr {
    let left = operand();
    while (this.peek().kind === kind && ops.includes(this.peek().value)) {
      const op = this.next();
      left = { type: 'binary', op: op.value, left, right: operand(), line: op.line };
    }
    return left;
  }

  private unary(): Expr {
    const token = this.peek();
    if (token.kind === 'op' && (token.value === '-' || token.value === '+')) {
      this.next();
      this.nest(token.line);
      try {
        return this.postfixFilters({ type: 'unary', op: token.value, operand: this.unary(), line: token.line });
      } finally {
        this.depth--;
      }
    }
    return this.postfixFilters(this.postfix(this.primary()));
  }

  private postfix(target: Expr): Expr {
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'op') return target;
      if (token.value === '.') {
        this.next();
        const key = this.next();
        if (key.kind !== 'name' && key.kind !== 'number') throw this.error('expected an attribute name after "."', key.line);
        this.allowed(key.value, key.line);
        const value = key.kind === 'number' ? Number(key.value) : key.value;
        target = { type: 'attr', target, key: { type: 'literal', value, line: key.line }, line: key.line };
      } else if (token.value === '[') {
        this.next();
        const key = this.expression();
        this.expectOp(']');
        target = { type: 'attr', target, key, line: token.line };
      } else if (token.value === '(') {
        const { args, kwargs } = this.args();
        target = { type: 'call', callee: target, args, kwargs, line: token.line };
      } else {
        return target;
      }
    }
  }

  /** `| filter(args)` and `is [not] test(args)`, which bind tighter than arithmetic. */
  private postfixFilters(target: Expr): Expr {
    for (;;) {
      const token = this.peek();
      if (token.kind === 'op' && token.value === '|') {
        this.next();
        const name = this.identifier();
        const { args, kwargs } = this.peek().value === '(' ? this.args() : { args: [], kwargs: [] };
        target = { type: 'filter', target, name, args, kwargs, line: token.line };
      } else if (token.kind === 'name' && token.value === 'is') {
        this.next();
        let negated = false;
        if (this.peek().kind === 'name' && this.peek().value === 'not') {
          this.next();
          negated = true;
        }
        const nameToken = this.peek();
        const name = nameToken.kind === 'name' || nameToken.value === '==' || nameToken.value === '!=' ? (this.next(), nameToken.value) : this.identifier();
        this.allowed(name, nameToken.line);
        let args: Expr[] = [];
        if (this.peek().value === '(') args = this.args().args;
        else if (['number', 'string'].includes(this.peek().kind) || (this.peek().kind === 'name' && !['and', 'or', 'else', 'if', 'in', 'not', 'is'].includes(this.peek().value))) args = [this.primary()];
        target = { type: 'test', target, name, negated, args, line: token.line };
      } else {
        return target;
      }
    }
  }

  private args(): { args: Expr[]; kwargs: [string, Expr][] } {
    this.expectOp('(');
    const args: Expr[] = [];
    const kwargs: [string, Expr][] = [];
    while (this.peek().value !== ')') {
      if (this.peek().kind === 'name' && this.peek(1).value === '=') {
        const name = this.identifier();
        this.next();
        kwargs.push([name, this.expression()]);
      } else {
        if (kwargs.length) throw this.error('a positional argument after a keyword argument', this.peek().line);
        args.push(this.expression());
      }
      if (this.peek().value !== ',') break;
      this.next();
    }
    this.expectOp(')');
    return { args, kwargs };
  }

  private primary(): Expr {
    const token = this.next();
    const line = token.line;
    if (token.kind === 'number') return { type: 'literal', value: Number(token.value), line };
    if (token.kind === 'string') {
      let value = token.value;
      while (this.peek().kind === 'string') value += this.next().value;
      return { type: 'literal', value, line };
    }
    if (token.kind === 'name') {
      if (CONSTANTS.has(token.value)) return { type: 'literal', value: CONSTANTS.get(token.value) as boolean | null, line };
      this.allowed(token.value, line);
      return { type: 'name', name: token.value, line };
    }
    if (token.value === '(') {
      const first = this.expression();
      if (this.peek().value !== ',') {
        this.expectOp(')');
        return first;
      }
      const items = [first];
      while (this.peek().value === ',') {
        this.next();
        if (this.peek().value === ')') break;
        items.push(this.expression());
      }
      this.expectOp(')');
      return { type: 'list', items, line };
    }
    if (token.value === '[') {
      const items: Expr[] = [];
      while (this.peek().value !== ']') {
        items.push(this.expression());
        if (this.peek().value !== ',') break;
        this.next();
      }
      this.expectOp(']');
      return { type: 'list', items, line };
    }
    if (token.value === '{') {
      const entries: [Expr, Expr][] = [];
      while (this.peek().value !== '}') {
        const key = this.expression();
        this.expectOp(':');
        entries.push([key, this.expression()]);
        if (this.peek().value !== ',') break;
        this.next();
      }
      this.expectOp('}');
      return { type: 'dict', entries, line };
    }
    throw this.error(token.kind === 'end' ? 'expected an expression' : `unexpected "${token.value}"`, line);
  }

  private nest(line: number | undefined): void {
    if (++this.depth > MAX_NESTING) throw this.error(`nested deeper than ${MAX_NESTING} levels`, line);
  }

  private peek(ahead = 0): Token {
    return this.tokens[this.at + ahead] ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  private next(): Token {
    const token = this.peek();
    if (this.at < this.tokens.length - 1) this.at++;
    return token;
  }

  private expectOp(value: string): void {
    const token = this.next();
    if (token.value !== value || token.kind !== 'op') throw this.error(`expected "${value}"`, token.line);
  }

  private expectEnd(): void {
    const token = this.next();
    if (token.kind !== 'end') throw this.error(`unexpected "${token.value}"`, token.line);
  }

  private error(message: string, line: number | undefined): UserError {
    return templateError(message, this.file, line);
  }
}
