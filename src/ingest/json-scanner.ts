import { open } from 'node:fs/promises';
import { UserError } from '../util/errors.js';
import { scanLines, startsWithByteOrderMark, type ScannedLine } from './line-scanner.js';

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
          const text = Buffer.concat(parts).toString('utf8');
          yield { text, line: elementLine, offset: elementStart, length: base + end - elementStart };
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
