import { open } from 'node:fs/promises';
import { UserError } from '../util/errors.js';
import { scanLines, startsWithByteOrderMark, type ScannedLine } from './line-scanner.js';
import { invalidUtf8At } from './utf8.js';

const CHUNK = 1 << 20;
const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, NEWLINE = 0x0a;

/**
 * Streams the top-level elements of a JSON array file (`[{…},{…}]`) or the lines of an NDJSON file,
 * with their byte ranges and line numbers, without holding the file in memory. The elements are not
 * parsed here: callers parse each one and report errors at its line.
 */
export async function* scanJsonElements(path: string): AsyncGenerator<ScannedLine> {
  if ((await firstSignificantByte(path)) !== OPEN_BRACKET) {
    for await (const line of scanLines(path)) if (line.text.trim()) yield line;
    return;
  }
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    const head = await handle.read(buffer, 0, 3, 0);
    // A byte order mark before the array is skipped, as the NDJSON path skips it.
    let position = startsWithByteOrderMark(buffer.subarray(0, head.bytesRead)) ? 3 : 0;
    let line = 1;
    let depth = 0;
    let inString = false;
    let escaped = false;
    let started = false;
    let ended = false;
    let elementStart = -1;
    let elementLine = 0;
    let parts: Buffer[] = [];
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, position);
      if (bytesRead === 0) break;
      const base = position;
      position += bytesRead;
      let partFrom = elementStart >= 0 ? 0 : -1;
      for (let i = 0; i < bytesRead; i++) {
        const b = buffer[i];
        if (b === NEWLINE) line++;
        if (inString) {
          if (escaped) escaped = false;
          else if (b === BACKSLASH) escaped = true;
          else if (b === QUOTE) inString = false;
          continue;
        }
        if (b === 0x20 || b === 0x09 || b === 0x0d || b === NEWLINE) continue;
        if (!started) {
          if (b !== OPEN_BRACKET) throw new UserError('expected a JSON array', { file: path, line });
          started = true;
          continue;
        }
        if (ended) throw new UserError('unexpected content after the JSON array', { file: path, line });
        if (depth === 0) {
          if (b === COMMA) continue;
          if (b === CLOSE_BRACKET) {
            ended = true;
            continue;
          }
          if (b !== OPEN_BRACE && b !== OPEN_BRACKET) {
            throw new UserError('every element of the JSON array must be an object', { file: path, line });
          }
          elementStart = base + i;
          elementLine = line;
          partFrom = i;
          parts = [];
        }
        if (b === QUOTE) inString = true;
        else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
        else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
        if (depth === 0 && elementStart >= 0) {
          const end = i + 1;
          parts.push(Buffer.from(buffer.subarray(partFrom, end)));
          const bytes = Buffer.concat(parts);
          const element: ScannedLine = { text: bytes.toString('utf8'), line: elementLine, offset: elementStart, length: base + end - elementStart };
          const bad = invalidUtf8At(bytes);
          if (bad >= 0) element.invalidUtf8 = elementStart + bad;
          yield element;
          elementStart = -1;
          partFrom = -1;
          parts = [];
        }
      }
      if (elementStart >= 0 && partFrom >= 0) parts.push(Buffer.from(buffer.subarray(partFrom, bytesRead)));
    }
    if (!started || !ended || depth !== 0 || inString) {
      throw new UserError('the JSON array is not closed (truncated file?)', { file: path, line });
    }
  } finally {
    await handle.close();
  }
}

async function firstSignificantByte(path: string): Promise<number | undefined> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    for (let i = 0; i < bytesRead; i++) if (![0x20, 0x09, 0x0d, NEWLINE, 0xef, 0xbb, 0xbf].includes(buf[i])) return buf[i];
    return undefined;
  } finally {
    await handle.close();
  }
}

/**
 * `JSON.parse` of a scanned line or array element that refuses what storing it would silently change.
 * Bytes that are not UTF-8 (decoded as U+FFFD) always. Numbers beyond a double (`1e400` parses as
 * Infinity, written back as `null`) when the parsed values are `rewritten` as JSON (run metadata, the json
 * format's documents); a document stored as its own text keeps them exactly. Numbers that merely round
 * (0.1, 1e-400 → 0, 2^53 + 1) are a double's usual rounding and are kept.
 */
export function parseJsonExactly(el: Pick<ScannedLine, 'text' | 'invalidUtf8'>, options: { rewritten?: boolean } = {}): unknown {
  if (el.invalidUtf8 !== undefined) throw new Error(`the bytes at byte offset ${el.invalidUtf8} are not UTF-8 (save the file as UTF-8)`);
  const value: unknown = JSON.parse(el.text);
  const field = options.rewritten && mayExceedDouble(el.text) ? nonFiniteField(value) : undefined;
  if (field !== undefined) throw new Error(beyondDouble(field));
  return value;
}

/** Why a value with a number beyond a double at `field` is refused. */
export function beyondDouble(field: string): string {
  return `the number of field ${field} is beyond what a double holds (±1.8e308)`;
}

/**
 * Whether JSON text may hold a number beyond a double, so its parsed value must be walked
 * ({@link nonFiniteField}); most text cannot, and is not walked. M·10^E exceeds 1.8e308 only with an
 * exponent of 3 digits or more, or, with at most 2, a mantissa of more than 200 digits. Text that only
 * looks so (`"e123"` inside a string) is walked, which is all that costs.
 */
export function mayExceedDouble(text: string): boolean {
  return MAY_EXCEED_DOUBLE.test(text);
}
const MAY_EXCEED_DOUBLE = /[eE][+-]?\d{3}|\d{200}/;

/** The path of the first non-finite number in a parsed value (iterative: documents may nest deeply). */
export function nonFiniteField(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, path] = top;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return path || '(the document itself)';
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i][1], path ? `${path}.${entries[i][0]}` : entries[i][0]]);
    }
  }
  return undefined;
}
