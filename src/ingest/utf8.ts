import { isUtf8 } from 'node:buffer';
import { UserError, type Place } from '../util/errors.js';

/**
 * Input text must be UTF-8: decoding anything else would store U+FFFD in place of the bad bytes, an
 * alteration nobody asked for. Ingest refuses such input instead, naming the byte offset of the first
 * bad byte. Valid input costs one native check (`isUtf8`) per read; the exact place is only looked for
 * when that check fails.
 */

/** Index of the first byte of `bytes[from, to)` that does not start a valid UTF-8 sequence, or -1. */
export function invalidUtf8At(bytes: Uint8Array, from = 0, to = bytes.length): number {
  if (isUtf8(bytes.subarray(from, to))) return -1;
  for (let i = from; i < to; ) {
    const c = bytes[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    // Lead bytes: C2–DF two bytes, E0–EF three, F0–F4 four (C0, C1 and F5+ only start overlong or too large forms).
    const extra = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (extra === 0 || i + extra >= to) return i;
    let cp = c & (0x3f >> extra);
    for (let k = 1; k <= extra; k++) {
      const d = bytes[i + k];
      if ((d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    const least = extra === 1 ? 0x80 : extra === 2 ? 0x800 : 0x10000;
    if (cp < least || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += extra + 1;
  }
  // isUtf8 and this loop agree on what UTF-8 is; a disagreement would be a bug here, not in the input.
  return -1;
}

/** The refusal of input that is not UTF-8, at file byte offset `offset`. */
export function invalidUtf8Error(bytes: Uint8Array, at: number, place: Place & { offset: number }): UserError {
  const shown = [...bytes.subarray(at, at + 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return new UserError(`the input is not valid UTF-8 (bytes ${shown}); save it as UTF-8`, place);
}

/** Bytes at the end of `bytes` that begin a UTF-8 sequence the next chunk completes (0 to 3). */
export function incompleteUtf8Tail(bytes: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const c = bytes[bytes.length - back];
    if (c < 0x80) return 0;
    if (c >= 0xc0) {
      const length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
      return length > back ? back : 0;
    }
  }
  return 0;
}

/**
 * Decodes a stream of chunks as UTF-8 strictly: a sequence split between chunks is carried to the next
 * one; a bad byte throws a UserError with its offset in the stream.
 */
export class StrictUtf8Decoder {
  private carry: Buffer = Buffer.alloc(0);
  /** Stream offset of the first byte not decoded yet (the carry's). */
  private offset = 0;

  constructor(private readonly file?: string) {}

  decode(chunk: Uint8Array): string {
    const bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const cut = bytes.length - incompleteUtf8Tail(bytes);
    const text = this.take(bytes, cut);
    this.carry = Buffer.from(bytes.subarray(cut));
    return text;
  }

  /** The end of the stream: carried bytes are a truncated sequence. */
  end(): string {
    const text = this.take(this.carry, this.carry.length);
    this.carry = Buffer.alloc(0);
    return text;
  }

  private take(bytes: Buffer, cut: number): string {
    const bad = invalidUtf8At(bytes, 0, cut);
    if (bad >= 0) throw invalidUtf8Error(bytes, bad, { file: this.file, offset: this.offset + bad });
    const text = bytes.toString('utf8', 0, cut);
    this.offset += cut;
    return text;
  }
}
