/**
 * The subset of Python's `ast.literal_eval` that Graphite event data uses: Otava stores each
 * "Performance Test" event's attributes as the repr of a dict (`{'run_id': 'r1', 'commit': 'abc', …}`)
 * and reads them back with `literal_eval`. Strings (single, double and triple quotes, the usual escapes),
 * numbers, None/True/False, lists, tuples and dicts; anything else is an error with its offset.
 *
 * @example
 * parsePythonLiteral("{'run_id': 'r1', 'version': None}"); // { run_id: 'r1', version: null }
 */

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

export class PythonLiteralError extends Error {}

export function parsePythonLiteral(text: string): PyValue {
  const parser = new Parser(text);
  const value = parser.value();
  parser.space();
  if (!parser.done()) throw parser.fail('unexpected text after the value');
  return value;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.at >= this.text.length;
  }

  fail(message: string): PythonLiteralError {
    return new PythonLiteralError(`${message} at offset ${this.at}`);
  }

  space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }

  value(): PyValue {
    this.space();
    const c = this.text[this.at];
    if (c === '{') return this.dict();
    if (c === '[') return this.sequence('[', ']');
    if (c === '(') return this.sequence('(', ')');
    if (c === "'" || c === '"') return this.string();
    if (c !== undefined && /[-+0-9.]/.test(c)) return this.number();
    for (const [word, value] of [['None', null], ['True', true], ['False', false]] as const) {
      if (this.text.startsWith(word, this.at) && !/\w/.test(this.text[this.at + word.length] ?? '')) {
        this.at += word.length;
        return value;
      }
    }
    throw this.fail(c === undefined ? 'unexpected end' : `unexpected "${c}"`);
  }

  private dict(): { [key: string]: PyValue } {
    const out: { [key: string]: PyValue } = {};
    this.at++;
    for (;;) {
      this.space();
      if (this.text[this.at] === '}') {
        this.at++;
        return out;
      }
      const key = this.value();
      this.space();
      if (this.text[this.at] !== ':') throw this.fail('expected ":"');
      this.at++;
      out[String(key)] = this.value();
      this.space();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== '}') throw this.fail('expected "," or "}"');
    }
  }

  private sequence(open: string, close: string): PyValue[] {
    const out: PyValue[] = [];
    this.at++;
    for (;;) {
      this.space();
      if (this.text[this.at] === close) {
        this.at++;
        return out;
      }
      out.push(this.value());
      this.space();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== close) throw this.fail(`expected "," or "${close}"`);
    }
  }

  private string(): string {
    const quote = this.text.startsWith(this.text[this.at].repeat(3), this.at) ? this.text[this.at].repeat(3) : this.text[this.at];
    this.at += quote.length;
    let out = '';
    for (;;) {
      if (this.done()) throw this.fail('unterminated string');
      if (this.text.startsWith(quote, this.at)) {
        this.at += quote.length;
        return out;
      }
      const c = this.text[this.at++];
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.at++];
      if (e === 'x' || e === 'u' || e === 'U') {
        const length = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = this.text.slice(this.at, this.at + length);
        if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) throw this.fail(`bad \\${e} escape`);
        out += String.fromCodePoint(parseInt(hex, 16));
        this.at += length;
      } else if (e !== undefined && e in ESCAPES) out += ESCAPES[e];
      else out += '\\' + (e ?? '');
    }
  }

  private number(): number {
    const match = /^[-+]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][-+]?\d+)?/.exec(this.text.slice(this.at));
    if (!match) throw this.fail('not a number');
    this.at += match[0].length;
    return Number(match[0].replace(/_/g, ''));
  }
}
