/**
 * A growable window over a byte stream read chunk by chunk: keeps only the bytes not yet consumed, so
 * memory is bounded by the largest item being decoded (one subunit packet, one v1 line or attachment chunk).
 */
export class ChunkWindow {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** Absolute stream offset of `buf[0]`. */
  private base = 0;
  private ended = false;
  private readonly iterator: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>) {
    this.iterator =
      Symbol.asyncIterator in source
        ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]()
        : (source as Iterable<Uint8Array>)[Symbol.iterator]();
  }

  /** Absolute offset of the next unread byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  get available(): number {
    return this.buf.length - this.pos;
  }

  get atEnd(): boolean {
    return this.ended && this.pos >= this.buf.length;
  }

  /** Reads until at least `n` bytes are available or the stream ends; returns whether they are. */
  async fill(n: number): Promise<boolean> {
    while (this.buf.length - this.pos < n && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      if (this.pos >= this.buf.length) {
        this.base += this.buf.length;
        this.buf = chunk;
      } else {
        const rest = this.buf.subarray(this.pos);
        this.base += this.pos;
        this.buf = Buffer.concat([rest, chunk]);
      }
      this.pos = 0;
    }
    return this.buf.length - this.pos >= n;
  }

  /** The byte at `ahead` positions from the cursor (must be available). */
  peek(ahead = 0): number {
    return this.buf[this.pos + ahead];
  }

  /** A view of the next `n` available bytes without consuming them (valid until the next fill). */
  view(n: number): Buffer {
    return this.buf.subarray(this.pos, this.pos + n);
  }

  /** Index (relative to the cursor) of the first `byte` among the available bytes, or -1. */
  indexOf(byte: number, fromAhead = 0): number {
    const i = this.buf.indexOf(byte, this.pos + fromAhead);
    return i < 0 ? -1 : i - this.pos;
  }

  skip(n: number): void {
    this.pos += Math.min(n, this.buf.length - this.pos);
  }

  /** Consumes and returns (a copy of) the next `n` bytes, or fewer at the end of the stream. */
  take(n: number): Buffer {
    const end = Math.min(this.pos + n, this.buf.length);
    const out = Buffer.from(this.buf.subarray(this.pos, end));
    this.pos = end;
    return out;
  }
}
