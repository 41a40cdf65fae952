import { UserError } from '../../util/errors.js';
import type { ByteSource } from '../subunit/types.js';

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

export function decodeEntities(text: string, line: number, file?: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);?/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const named = ENTITIES[ref];
    if (named === undefined || !whole.endsWith(';')) throw new UserError(`unknown XML entity ${whole}`, { file, line });
    return named;
  });
}

const ATTR = /\s*([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/y;

export async function* xmlTokens(source: ByteSource, file?: string): AsyncGenerator<XmlToken> {
  const decoder = new TextDecoder('utf-8');
  let buf = '';
  let line = 1;
  const stack: string[] = [];
  const consume = (n: number): string => {
    const part = buf.slice(0, n);
    buf = buf.slice(n);
    for (let i = part.indexOf('\n'); i >= 0; i = part.indexOf('\n', i + 1)) line++;
    return part;
  };
  const fail = (message: string): never => {
    throw new UserError(message, { file, line });
  };
  const process = function* (final: boolean): Generator<XmlToken> {
    for (;;) {
      const lt = buf.indexOf('<');
      if (lt < 0) {
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
      const terminators: [string, string][] = [
        ['<!--', '-->'],
        ['<![CDATA[', ']]>'],
        ['<?', '?>'],
        ['<!', '>'],
      ];
      const special = terminators.find(([start]) => buf.startsWith(start));
      if (special === undefined && buf.length < 9 && !final && '<![CDATA['.startsWith(buf)) return;
      if (special !== undefined) {
        const end = buf.indexOf(special[1], special[0].length);
        if (end < 0) {
          if (final) fail(`unterminated ${special[0]}`);
          return;
        }
        const at = line;
        const whole = consume(end + special[1].length);
        if (special[0] === '<![CDATA[') {
          if (stack.length === 0) fail('CDATA outside the root element');
          yield { kind: 'text', text: whole.slice(9, -3), line: at };
        }
        continue;
      }
      const end = findTagEnd(buf);
      if (end < 0) {
        if (final) fail('unterminated tag');
        return;
      }
      const at = line;
      const tag = consume(end + 1);
      if (tag.startsWith('</')) {
        const name = tag.slice(2, -1).trim();
        const open = stack.pop();
        if (open !== name) fail(open === undefined ? `unexpected </${name}>` : `</${name}> closes <${open}>`);
        yield { kind: 'close', name, line: at };
        continue;
      }
      const selfClosing = tag.endsWith('/>');
      const inner = tag.slice(1, selfClosing ? -2 : -1);
      const nameMatch = /^[^\s/>]+/.exec(inner);
      if (nameMatch === null) fail(`bad tag ${tag.slice(0, 40)}`);
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
    }
  };
  for await (const chunk of source) {
    buf += decoder.decode(chunk, { stream: true });
    yield* process(false);
  }
  buf += decoder.decode();
  yield* process(true);
  if (stack.length > 0) fail(`end of input inside <${stack[stack.length - 1]}>`);
}

/** Index of the `>` closing the tag at the start of `text`, skipping quoted attribute values; -1 if absent. */
function findTagEnd(text: string): number {
  let quote = '';
  for (let i = 1; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') return i;
  }
  return -1;
}
