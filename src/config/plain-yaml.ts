/**
 * A fast path for the plain YAML most configs are written in: block mappings and sequences indented by
 * spaces, one-line flow collections (`{agg_type: avg}`, `[50, 95]`), quoted strings, comments, and plain
 * scalars that are strings, decimal integers, decimal floats, booleans or null. The `yaml` package, which
 * stays the definition (yaml-source.ts), spends ~0.2 s on a 5 000-line config in a fresh process, mostly
 * warming up its lexer; this reads the same text, and the line of every key and item, in a few ms.
 *
 * Anything beyond that subset — anchors, tags, block scalars, multi-line scalars or flows, merge keys,
 * tabs, duplicate keys, `-` alone on a line, scalars any other YAML 1.1 type would claim (`0x1F`, `e10`,
 * timestamps: so no `Date` ever comes out of here), anything invalid — makes it answer `undefined`, and
 * the caller parses with `yaml`. So it is never asked to be right about YAML's corners, only to recognise
 * when it is not on plain ground (test/config/plain-yaml.test.ts holds it to the package's values and lines).
 *
 * A rendered template (template.ts:renderTemplateData) is read here too: its `{{ … }}` outputs are still
 * markers, plain words, and each scalar holding one is filled as it is read — a quoted one gets the outputs
 * as they are, a plain one is resolved as a whole, as yaml-source.ts's parseTemplatedYaml does (an empty
 * output is null there, a number a number); an output the subset cannot resolve, or one in a key, sends
 * the whole text to the yaml package.
 *
 * @example
 * parsePlainYaml('tests:\n  - name: a\n    agg: {agg_type: avg}\n')?.value; // → { tests: [{ name: 'a', agg: { agg_type: 'avg' } }] }
 * parsePlainYaml('tests:\n  - name: a\n')?.lineOf(['tests', 0, 'name']); // → 2
 * parsePlainYaml('a: &x 1\n'); // → undefined (anchors are the yaml package's job)
 */

interface Line {
  indent: number;
  /** The line without its indentation (comment-only and blank lines are dropped). */
  text: string;
  /** 1-based line number in the text. */
  number: number;
}

/**
 * Where a mapping's keys and a sequence's items are: the line of each (as the `yaml` package's node
 * ranges give it), and the structure below each. Kept apart from the value, which its user may change.
 */
interface Container {
  keys?: Map<string, Located>;
  items?: Located[];
}

interface Located {
  line: number;
  below: Container | undefined;
}

/** A rendered template's outputs (yaml-source.ts's Outputs). */
export interface Outputs {
  fill(value: string): string;
  holdsOutput(value: string): boolean;
}

export interface PlainYaml {
  value: unknown;
  /** As yaml-source.ts's lineOf: the line of the key or item at `path`, else of its nearest ancestor. */
  lineOf(path: readonly (string | number)[]): number;
}

/** Thrown inside the parser when the text leaves the plain subset; never escapes parsePlainYaml. */
class NotPlain extends Error {}

const notPlain = (): never => {
  throw new NotPlain();
};

/**
 * The plain-subset reading of the text (a rendered template's, with its `outputs`), or undefined when the
 * `yaml` package must read it.
 */
export function parsePlainYaml(text: string, outputs?: Outputs): PlainYaml | undefined {
  // Tabs, carriage returns, a byte order mark, NEL and the other Unicode spaces and line breaks change how
  // lines and indentation read, and JavaScript's trim() would strip the non-breaking spaces YAML keeps
  // (`a: \u00a0x` is " x" there): not plain.
  if (/[^\S \n]|\u0085/.test(text)) return undefined;
  const lines: Line[] = [];
  const raws = text.split('\n');
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i];
    const body = raw.trimStart();
    if (body === '' || body.startsWith('#')) continue;
    // Directives and document markers.
    if (body.startsWith('%') || body.startsWith('---') || body.startsWith('...')) return undefined;
    lines.push({ indent: raw.length - body.length, text: body.trimEnd(), number: i + 1 });
  }
  if (lines.length === 0) return undefined;
  try {
    const containers = new Map<object, Container>();
    const reader = new BlockReader(lines, containers, outputs);
    const value = reader.block(lines[0].indent);
    if (!reader.done()) return undefined;
    const root = containers.get(value as object);
    const rootLine = lines[0].number;
    return { value, lineOf: (path) => lineOf(root, rootLine, path) };
  } catch (err) {
    // Nesting too deep for this recursive reader: the yaml package reports it as the config's error.
    if (err instanceof NotPlain || err instanceof RangeError) return undefined;
    throw err;
  }
}

function lineOf(root: Container | undefined, rootLine: number, path: readonly (string | number)[]): number {
  let container = root;
  let line = rootLine;
  for (const segment of path) {
    const found = container?.keys ? container.keys.get(String(segment)) : typeof segment === 'number' ? container?.items?.[segment] : undefined;
    if (!found) break;
    line = found.line;
    container = found.below;
  }
  return line;
}

/** Records a collection's entries as they are read; the parent links them to its own entry. */
class Registry {
  constructor(
    private readonly containers: Map<object, Container>,
    readonly outputs: Outputs | undefined,
  ) {}

  mapping(value: Record<string, unknown>): Map<string, Located> {
    const keys = new Map<string, Located>();
    this.containers.set(value, { keys });
    return keys;
  }

  sequence(value: unknown[]): Located[] {
    const items: Located[] = [];
    this.containers.set(value, { items });
    return items;
  }

  /** The entry of a value read at `line`. */
  at(line: number, value: unknown): Located {
    return { line, below: value !== null && typeof value === 'object' ? this.containers.get(value) : undefined };
  }
}

class BlockReader {
  private at = 0;
  private readonly registry: Registry;

  constructor(
    private readonly lines: Line[],
    containers: Map<object, Container>,
    outputs: Outputs | undefined,
  ) {
    this.registry = new Registry(containers, outputs);
  }

  done(): boolean {
    return this.at === this.lines.length;
  }

  /** The mapping or sequence whose entries start at `indent`. */
  block(indent: number): unknown {
    return isSequenceEntry(this.lines[this.at].text) ? this.sequence(indent) : this.mapping(indent);
  }

  private mapping(indent: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys = this.registry.mapping(out);
    while (this.at < this.lines.length) {
      const line = this.lines[this.at];
      if (line.indent < indent) break;
      if (line.indent > indent || isSequenceEntry(line.text)) notPlain();
      const { key, rest } = splitKey(line.text);
      if (Object.hasOwn(out, key)) notPlain(); // duplicate keys are an error for the yaml package
      if (this.registry.outputs?.holdsOutput(key)) notPlain();
      this.at++;
      const value = rest === '' ? this.nested(indent) : this.inline(rest, line);
      out[key] = value;
      keys.set(key, this.registry.at(line.number, value));
    }
    return out;
  }

  private sequence(indent: number): unknown[] {
    const out: unknown[] = [];
    const items = this.registry.sequence(out);
    while (this.at < this.lines.length) {
      const line = this.lines[this.at];
      // A key at this indentation ends a sequence that is a key's value (`key:` then `- …` lines).
      if (line.indent < indent || (line.indent === indent && !isSequenceEntry(line.text))) break;
      if (line.indent > indent) notPlain();
      const rest = line.text.slice(1).trimStart();
      // `-` alone (a null or a block below) and `- - x` are left to the yaml package.
      if (rest === '' || rest.startsWith('#') || isSequenceEntry(rest)) notPlain();
      let value: unknown;
      if (startsMapping(rest)) {
        // `- key: value`: a mapping whose entries line up with this first key.
        this.lines[this.at] = { indent: indent + line.text.length - rest.length, text: rest, number: line.number };
        value = this.mapping(this.lines[this.at].indent);
      } else {
        this.at++;
        value = this.inline(rest, line);
      }
      out.push(value);
      items.push(this.registry.at(line.number, value));
    }
    return out;
  }

  /** The value of a key with nothing after it: a deeper block, a sequence at the key's indentation, or null. */
  private nested(indent: number): unknown {
    const next = this.lines[this.at];
    if (next && next.indent > indent) return this.block(next.indent);
    if (next && next.indent === indent && isSequenceEntry(next.text)) return this.sequence(indent);
    return null;
  }

  /** A value on the rest of a line; a deeper line after it would continue it (multi-line): not plain. */
  private inline(text: string, line: Line): unknown {
    const value = readInline(text, line.number, this.registry);
    const next = this.lines[this.at];
    if (next && next.indent > line.indent) notPlain();
    return value;
  }
}

function isSequenceEntry(text: string): boolean {
  return text === '-' || text.startsWith('- ');
}

/** The characters of a plain key read here. */
const PLAIN_KEY = /^[\w.\-/]+$/;

/** Whether the text is `key:` or `key: …` (not a scalar that merely contains a colon). */
function startsMapping(text: string): boolean {
  if (text.startsWith('"') || text.startsWith("'")) {
    const quoted = new Cursor(text);
    quoted.quoted();
    return text[quoted.pos] === ':' && (quoted.pos + 1 === text.length || text[quoted.pos + 1] === ' ');
  }
  const colon = keyColon(text);
  return colon > 0 && PLAIN_KEY.test(text.slice(0, colon));
}

/** Index of the `:` that ends a plain key (followed by a space or the end), or -1. */
function keyColon(text: string): number {
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
    if (i + 1 === text.length || text[i + 1] === ' ') return i;
  }
  return -1;
}

function splitKey(text: string): { key: string; rest: string } {
  let key: string;
  let after: number;
  if (text.startsWith('"') || text.startsWith("'")) {
    const cursor = new Cursor(text);
    key = cursor.quoted();
    after = cursor.pos;
  } else {
    after = keyColon(text);
    if (after <= 0) notPlain();
    key = plainKey(text.slice(0, after));
  }
  if (key === '__proto__' || key === '<<' || key.length > 1000 || text[after] !== ':') notPlain();
  const rest = text.slice(after + 1);
  if (rest !== '' && rest[0] !== ' ') notPlain();
  const value = rest.trimStart();
  return { key, rest: value.startsWith('#') ? '' : value };
}

/** A one-line value (scalar or flow collection) with nothing but a comment after it. */
function readInline(text: string, line: number, registry: Registry): unknown {
  const cursor = new Cursor(text, line, registry);
  const value = cursor.value();
  cursor.skipSpaces();
  if (cursor.pos < text.length && !(text[cursor.pos] === '#' && text[cursor.pos - 1] === ' ')) notPlain();
  return value;
}

/** Characters a plain scalar may hold here: no indicators, colons, commas, brackets nor `#`, in block and flow alike. */
const PLAIN = /^[\w.\-/+ ()=$;]+/;

class Cursor {
  pos = 0;

  /** `line` and `registry` record where flow collections' entries are (all on this one line). */
  constructor(
    private readonly text: string,
    private readonly line = 0,
    private readonly registry?: Registry,
  ) {}

  skipSpaces(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }

  value(): unknown {
    const c = this.text[this.pos];
    if (c === '"' || c === "'") {
      const text = this.quoted();
      const outputs = this.registry?.outputs;
      return outputs?.holdsOutput(text) ? outputs.fill(text) : text;
    }
    if (c === '{') return this.flowMapping();
    if (c === '[') return this.flowSequence();
    return this.plain();
  }

  quoted(): string {
    const quote = this.text[this.pos];
    let out = '';
    for (let i = this.pos + 1; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === quote) {
        if (quote === "'" && this.text[i + 1] === "'") {
          out += "'";
          i++;
          continue;
        }
        this.pos = i + 1;
        return out;
      }
      if (c === '\\' && quote === '"') {
        const escaped = ESCAPES[this.text[i + 1]];
        if (escaped === undefined) notPlain();
        out += escaped;
        i++;
        continue;
      }
      out += c;
    }
    return notPlain(); // the string goes on to another line
  }

  private plain(): unknown {
    const match = PLAIN.exec(this.text.slice(this.pos));
    if (!match) return notPlain();
    // Its trailing spaces are not part of it (a ` #` comment or a flow separator follows).
    const scalar = match[0].trimEnd();
    // `-` followed by a space or nothing is a sequence entry, not the start of a scalar (`k: - a` is an error).
    if (scalar[0] === '-' && (scalar.length === 1 || scalar[1] === ' ')) notPlain();
    this.pos += scalar.length;
    const outputs = this.registry?.outputs;
    return outputs?.holdsOutput(scalar) ? resolveFilled(outputs.fill(scalar)) : resolvePlain(scalar);
  }

  private flowMapping(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const keys = this.registry?.mapping(out);
    this.pos++;
    for (;;) {
      this.skipSpaces();
      if (this.text[this.pos] === '}') break;
      let key: string;
      if (this.text[this.pos] === '"' || this.text[this.pos] === "'") {
        key = this.quoted();
      } else {
        const match = /^[\w.\-/]+/.exec(this.text.slice(this.pos));
        key = plainKey(match ? match[0] : '');
        this.pos += key.length;
      }
      if (key === '__proto__' || key === '<<' || Object.hasOwn(out, key) || this.text[this.pos] !== ':' || this.text[this.pos + 1] !== ' ') notPlain();
      if (this.registry?.outputs?.holdsOutput(key)) notPlain();
      this.pos += 2;
      this.skipSpaces();
      const value = this.value();
      out[key] = value;
      keys?.set(key, this.registry!.at(this.line, value));
      if (!this.separator('}')) break;
    }
    this.pos++;
    return out;
  }

  private flowSequence(): unknown[] {
    const out: unknown[] = [];
    const items = this.registry?.sequence(out);
    this.pos++;
    for (;;) {
      this.skipSpaces();
      if (this.text[this.pos] === ']') break;
      const value = this.value();
      out.push(value);
      items?.push(this.registry!.at(this.line, value));
      if (!this.separator(']')) break;
    }
    this.pos++;
    return out;
  }

  /** After a flow entry: `,` (true: another may follow) or the closing bracket (false); else not plain. */
  private separator(close: string): boolean {
    this.skipSpaces();
    const c = this.text[this.pos];
    if (c === ',') {
      this.pos++;
      return true;
    }
    if (c !== close) notPlain();
    return false;
  }
}

/** The double-quoted escapes read here; the others (`\x`, `\u`, line folding…) are left to the yaml package. */
const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r' };

/** PyYAML's booleans (yaml-source.ts) and YAML 1.1's nulls. */
const TRUE_WORDS = new Set(['yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSE_WORDS = new Set(['no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULL_WORDS = new Set(['null', 'Null', 'NULL']);

const DECIMAL_INT = /^[-+]?(?:0|[1-9]\d{0,14})$/;
const DECIMAL_FLOAT = /^[-+]?(?:0|[1-9]\d{0,14})\.\d{1,17}$/;

/**
 * The tests of every typed tag of the `yaml` package's YAML 1.1 schema (yaml 2.x, schema/yaml-1.1/): null,
 * the booleans it knows, binary/octal/decimal/hex and sexagesimal integers, NaN/infinities, exponent and
 * plain floats, sexagesimal floats, timestamps, merge keys. A plain scalar none of them matches is a
 * string; one that matches and is not read above is left to the package (`e10` is a float there).
 */
const YAML_11_TYPED = [
  /^(?:~|[Nn]ull|NULL)?$/,
  /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
  /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^<<$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/,
];

/** A plain scalar as YAML 1.1 with PyYAML's booleans reads it; not plain when it is typed in a way not read here. */
function resolvePlain(text: string): unknown {
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  if (NULL_WORDS.has(text)) return null;
  if (DECIMAL_INT.test(text) || DECIMAL_FLOAT.test(text)) return Number(text);
  for (const typed of YAML_11_TYPED) if (typed.test(text)) return notPlain();
  return text;
}

/**
 * A plain scalar filled with template outputs, resolved as a whole as yaml-source.ts's plainScalar does:
 * trimmed; several lines stay a string; empty or `~` is null; else as a plain scalar here.
 */
function resolveFilled(text: string): unknown {
  const trimmed = text.trim();
  if (/[\n\r\u0085\u2028\u2029]/.test(trimmed)) return trimmed;
  if (trimmed === '' || trimmed === '~') return null;
  return resolvePlain(trimmed);
}

/** A plain key: one that YAML reads as the string it spells (`1`, `on`, `null`, `e10` are not). */
function plainKey(text: string): string {
  if (!PLAIN_KEY.test(text) || resolvePlain(text) !== text) notPlain();
  return text;
}
