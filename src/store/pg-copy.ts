/**
 * PostgreSQL `COPY … FROM STDIN` through Kysely: the fastest way to load rows (the server parses a
 * tab-separated stream and inserts in batches), which Kysely's driver cannot issue by itself. A client
 * made copy-capable by {@link enableCopyFrom} runs a query whose only parameter is a {@link CopyRows} as
 * that COPY, streaming the rows' text; anything else goes through unchanged. So a COPY runs on the
 * transaction's own connection, in order with its other statements.
 *
 * @example
 * pool.on('connect', enableCopyFrom);
 * const rows = new CopyRows();
 * rows.push([1, 'results', null, '{"cpu":3.2}']);
 * await trx.executeQuery(CompiledQuery.raw('copy documents (run_id, collection, timestamp_ms, body) from stdin', [rows]));
 */
import type { ClientBase, Connection } from 'pg';

/** Bytes per CopyData message: large enough to be cheap per byte, small enough to start the server early. */
const CHUNK_CHARS = 256 * 1024;

/** Rows in COPY's text format, kept as a few large buffers. */
export class CopyRows {
  readonly chunks: Buffer[] = [];
  count = 0;
  private pending = '';

  /** Appends a row; `null` is SQL NULL, numbers are written as JavaScript prints them. */
  push(values: ReadonlyArray<string | number | null>): void {
    this.pushRow(values, 0, values.length);
  }

  /** Appends the row of `width` values from `values[start]` (rows of a flat list, without a copy of each). */
  pushRow(values: ReadonlyArray<unknown>, start: number, width: number): void {
    let line = '';
    for (let i = start; i < start + width; i++) {
      const v = values[i] as string | number | null;
      line += (i > start ? '\t' : '') + (v === null ? '\\N' : typeof v === 'number' ? String(v) : copyText(v));
    }
    this.pending += line + '\n';
    this.count++;
    if (this.pending.length >= CHUNK_CHARS) this.flush();
  }

  /** The rows' bytes, in messages of a bounded size. */
  buffers(): Buffer[] {
    this.flush();
    return this.chunks;
  }

  private flush(): void {
    if (this.pending) this.chunks.push(Buffer.from(this.pending, 'utf8'));
    this.pending = '';
  }
}

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A text value escaped for COPY's text format (JSON bodies seldom need it: tested before replacing). */
export function copyText(value: string): string {
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : value;
}

/**
 * Makes `client.query(sql, [rows])` with a single {@link CopyRows} parameter run `sql` (a
 * `COPY … FROM STDIN`) and resolve to a result like a query's (`command`, `rowCount`, no rows).
 */
export function enableCopyFrom(client: ClientBase): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const values = args[1];
    if (typeof args[0] === 'string' && Array.isArray(values) && values.length === 1 && values[0] instanceof CopyRows) {
      const copy = new CopyFromStdin(args[0], values[0]);
      query(copy);
      return copy.done;
    }
    return query(...args);
  };
}

/** A pg "submittable": sends the statement, answers the server's CopyInResponse with the rows. */
class CopyFromStdin {
  readonly done: Promise<{ command: string; rowCount: number; rows: never[] }>;
  private resolve!: (result: { command: string; rowCount: number; rows: never[] }) => void;
  private reject!: (err: Error) => void;
  private rowCount = 0;
  private failed = false;
  /**
   * Set by pg when it times queries (`query_timeout`): its timer, which holds this query and its rows,
   * is cleared only through this callback. Never called, every COPY's rows stayed in memory and the
   * process alive until the timeout (305 s by default) fired.
   */
  callback?: (err: Error | null, result?: unknown) => void;

  constructor(
    private readonly text: string,
    private readonly rows: CopyRows,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  submit(connection: Connection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: Connection & { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void }): void {
    for (const chunk of this.rows.buffers()) connection.sendCopyFromChunk(chunk);
    connection.endCopyFrom();
  }

  handleCommandComplete(msg: { text?: string }): void {
    this.rowCount = Number(/\d+$/.exec(msg.text ?? '')?.[0] ?? this.rows.count);
  }

  /** The client forgets a query once it failed: no ReadyForQuery follows for it. */
  handleError(err: Error): void {
    this.failed = true;
    this.callback?.(err);
    this.reject(err);
  }

  handleReadyForQuery(): void {
    if (this.failed) return;
    const result = { command: 'COPY', rowCount: this.rowCount, rows: [] as never[] };
    this.callback?.(null, result);
    this.resolve(result);
  }

  // Messages a COPY FROM does not get; the client calls them on whatever query is active.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}
}
