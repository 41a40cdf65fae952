import { UserError } from '../../util/errors.js';
import type { ByteSource } from '../subunit/types.js';
import { StrictUtf8Decoder } from '../utf8.js';

/**
 * A small streaming XML tokenizer (enough for JUnit reports; no DTDs or namespaces): chunks of bytes →
 * start tags with attributes, end tags and text, with line numbers for errors. Memory is bounded by the
 * largest single token (a text run or a tag).
 */
export type XmlToken =
  | { kind: 'open'; name: string; attrs: Record<string, string>; selfClosing: boolean; line: number }
  | { kind: 'close'; name: string; line: number }
  | { kind: 'text'; text: string; line: number };

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Whether a character reference may stand in text: not NUL (no database text holds it), not a lone
 * surrogate (UTF-8 cannot encode one: it would be stored as U+FFFD), not beyond U+10FFFF (no such
 * character). Other control characters are kept: Surefire writes them as references (`&#27;`).
 */
function isReferable(cp: number): boolean {
  return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
}

export function decodeEntities(text: string, line: number, file?: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);?/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const cp = ref.startsWith('#x') ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!isReferable(cp)) throw new UserError(`character reference ${whole} is not a character XML text may hold`, { file, line });
      return String.fromCodePoint(cp);
    }
    const named = ENTITIES[ref];
    if (named === undefined || !whole.endsWith(';')) throw new UserError(`unknown XML entity ${whole}`, { file, line });
    return named;
  });
}

const ATTR = /\s*([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/y;

/** Characters the tokenizer examined while looking for the ends of tokens (tests check it stays linear). */
export interface XmlScanStats {
  scanned: number;
}

/** Markup other than elements: comments, CDATA, processing instructions, declarations — start and end. */
const SPECIALS: [string, string][] = [
  ['<!--', '-->'],
  ['<![CDATA[', ']]>'],
  ['<?', '?>'],
  ['<!', '>'],
];

/** What the start of a token held back is waiting for: the end of a tag, or of a special's terminator. */
type Wait = { kind: 'tag'; quote: string } | { kind: 'special'; start: string; end: string; tail: string };

/**
 * Every character is examined a bounded number of times whatever the chunking: a token longer than a
 * chunk (a 100 MB attribute, comment or CDATA section) is held in pieces, each new chunk is searched
 * from where the last search ended, and the pieces are joined once, when the token's end is found.
 */
export async function* xmlTokens(source: ByteSource, file?: string, stats: XmlScanStats = { scanned: 0 }): AsyncGenerator<XmlToken> {
  const decoder = new StrictUtf8Decoder(file);
  // Unconsumed text; when a token is held, only what came after its held pieces.
  let buf = '';
  // How far `buf` has been searched for '<' without finding one.
  let textSearched = 0;
  let line = 1;
  const stack: string[] = [];
  let held: string[] = [];
  let wait: Wait | null = null;
  const consume = (n: number): string => {
    const part = buf.slice(0, n);
    buf = buf.slice(n);
    textSearched = 0;
    line += countLines(part);
    return part;
  };
  const fail = (message: string): never => {
    throw new UserError(message, { file, line });
  };
  /** Holds all of `buf` as the start of a token that ends in a later chunk. */
  const hold = (w: Wait): void => {
    held.push(buf);
    buf = '';
    textSearched = 0;
    wait = w;
  };
  const token = function* (text: string, at: number, special: [string, string] | undefined): Generator<XmlToken> {
    if (special !== undefined) {
      if (special[0] === '<![CDATA[') {
        if (stack.length === 0) fail('CDATA outside the root element');
        yield { kind: 'text', text: text.slice(9, -3), line: at };
      }
      return;
    }
    if (text.startsWith('</')) {
      const name = text.slice(2, -1).trim();
      const open = stack.pop();
      if (open !== name) fail(open === undefined ? `unexpected </${name}>` : `</${name}> closes <${open}>`);
      yield { kind: 'close', name, line: at };
      return;
    }
    const selfClosing = text.endsWith('/>');
    const inner = text.slice(1, selfClosing ? -2 : -1);
    const nameMatch = /^[^\s/>]+/.exec(inner);
    if (nameMatch === null) fail(`bad tag ${text.slice(0, 40)}`);
    const name = (nameMatch as RegExpExecArray)[0];
    const attrs: Record<string, string> = {};
    ATTR.lastIndex = name.length;
    let pos = name.length;
    for (let m = ATTR.exec(inner); m !== null; m = ATTR.exec(inner)) {
      attrs[m[1]] = decodeEntities(m[3] ?? m[4], at, file);
      pos = ATTR.lastIndex;
    }
    if (inner.slice(pos).trim() !== '') fail(`bad attribute syntax in <${name}>: ${inner.slice(pos).trim().slice(0, 40)}`);
    if (!selfClosing) stack.push(name);
    yield { kind: 'open', name, attrs, selfClosing, line: at };
  };
  const process = function* (final: boolean): Generator<XmlToken> {
    for (;;) {
      if (wait !== null) {
        const w: Wait = wait;
        const end = w.kind === 'tag' ? scanTag(buf, 0, w, stats) : scanSpecial(buf, w, stats);
        if (end < 0) {
          if (final) fail(w.kind === 'tag' ? 'unterminated tag' : `unterminated ${w.start}`);
          hold(w);
          return;
        }
        held.push(buf.slice(0, end + 1));
        buf = buf.slice(end + 1);
        textSearched = 0;
        const text = held.join('');
        held = [];
        wait = null;
        const at = line;
        line += countLines(text);
        yield* token(text, at, w.kind === 'special' ? SPECIALS.find(([start]) => start === w.start) : undefined);
        continue;
      }
      const lt = buf.indexOf('<', textSearched);
      stats.scanned += (lt < 0 ? buf.length : lt) - textSearched;
      if (lt < 0) {
        textSearched = buf.length;
        if (final && buf.trim() !== '') fail('text after the last element');
        // Hold text back until its end is seen (an entity may be split across chunks), unless it is long.
        if (!final && buf.length < 65536) return;
        const amp = final ? -1 : buf.lastIndexOf('&');
        const at = line;
        const text = consume(amp > 0 ? amp : buf.length);
        if (stack.length > 0 && text !== '') yield { kind: 'text', text: decodeEntities(text, at, file), line: at };
        if (final) return;
        continue;
      }
      if (lt > 0) {
        const at = line;
        const text = consume(lt);
        if (stack.length > 0) yield { kind: 'text', text: decodeEntities(text, at, file), line: at };
        else if (text.trim() !== '') fail('text outside the root element');
      }
      // `<`, `<!`, `<![CD`…: which markup this is shows only with more of it.
      if (!final && SPECIALS.some(([start]) => buf.length < start.length && start.startsWith(buf))) return;
      const special = SPECIALS.find(([start]) => buf.startsWith(start));
      if (special !== undefined) {
        const w: Wait = { kind: 'special', start: special[0], end: special[1], tail: '' };
        const end = scanSpecial(buf.slice(special[0].length), w, stats);
        if (end < 0) {
          if (final) fail(`unterminated ${special[0]}`);
          hold(w);
          return;
        }
        const at = line;
        yield* token(consume(special[0].length + end + 1), at, special);
        continue;
      }
      const w: Wait = { kind: 'tag', quote: '' };
      const end = scanTag(buf, 1, w, stats);
      if (end < 0) {
        if (final) fail('unterminated tag');
        hold(w);
        return;
      }
      const at = line;
      yield* token(consume(end + 1), at, undefined);
    }
  };
  for await (const chunk of source) {
    buf += decoder.decode(chunk);
    yield* process(false);
  }
  buf += decoder.end();
  yield* process(true);
  if (stack.length > 0) fail(`end of input inside <${stack[stack.length - 1]}>`);
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Index of the `>` closing a tag in `text` from `from`, skipping quoted attribute values (the quote
 * state carries over from the previous chunk in `wait`); -1 if absent.
 */
function scanTag(text: string, from: number, wait: { quote: string }, stats: XmlScanStats): number {
  let quote = wait.quote;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      // A quoted value ends at its quote: jump there.
      const close = text.indexOf(quote, i);
      stats.scanned += (close < 0 ? text.length : close + 1) - i;
      if (close < 0) break;
      quote = '';
      i = close;
      continue;
    }
    stats.scanned++;
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') return i;
  }
  wait.quote = quote;
  return -1;
}

/**
 * Index of the last character of the special's terminator in `text`, which follows the pieces already
 * searched (whose last characters, `wait.tail`, may hold the terminator's start); -1 if absent.
 */
function scanSpecial(text: string, wait: { end: string; tail: string }, stats: XmlScanStats): number {
  const hay = wait.tail + text;
  const at = hay.indexOf(wait.end);
  stats.scanned += at < 0 ? text.length : at + wait.end.length - wait.tail.length;
  if (at >= 0) return at + wait.end.length - 1 - wait.tail.length;
  const keep = wait.end.length - 1;
  wait.tail = keep > 0 ? hay.slice(-keep) : '';
  return -1;
}
