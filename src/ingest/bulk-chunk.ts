/**
 * One chunk of a bulk file (a stretch of whole lines, bulk-reads.ts) read by the first pass of `ingest
 * bulk`: action lines paired with their documents, every document parsed and checked. A pure function of
 * the chunk's bytes and the action still waiting for its document at its start, so it runs the same in the
 * calling thread and in a parse thread (bulk-parse-threads.ts), which sends back a {@link ParsedChunk}:
 * typed arrays and few strings, cheap to clone.
 */
import { isUtf8 } from 'node:buffer';
import type { Place } from '../util/errors.js';
import { readBulkDocument, type BulkDocumentOptions } from './bulk-document.js';
import { isBlank, startsWithByteOrderMark } from './line-scanner.js';
import { matchesPattern } from './patterns.js';
import { TimestampCache } from './timestamps.js';
import { grown } from '../util/typed-arrays.js';
import { invalidUtf8At } from './utf8.js';

/** The options of `ingest bulk` its first pass reads the file with (sent to each parse thread). */
export interface BulkReadOptions extends BulkDocumentOptions {
  /** Collections (index names, `*` patterns) whose documents are run metadata. */
  metadataCollections: string[];
}

/** Whether a collection's documents are run metadata by its name. */
export function isMetadataCollection(collection: string, patterns: string[]): boolean {
  return patterns.some((p) => matchesPattern(collection, p));
}

/** An action line whose document has not come yet; `line` is its line number in its chunk (from 0). */
export interface PendingAction {
  collection: string;
  line: number;
  text: string;
}

/** What a line of a chunk is. */
export const KIND_DOCUMENT = 0;
export const KIND_METADATA = 1;
/** Run metadata by its fields, from a collection no pattern matched. */
export const KIND_METADATA_BY_CONTENT = 2;
/** A document line that refuses its run, or an orphan error (see {@link ChunkRefusal}). */
export const KIND_REFUSED = 3;

/** A refused line: its run's id when it could be told, else the text searched for one (an orphan). */
export interface ChunkRefusal {
  uuid?: string;
  message: string;
  field?: string;
  /** The absolute byte offset of the bytes that are not UTF-8, when that is the problem with an action line. */
  offset?: number;
  /** A document's collection was matched by no pattern and its fields told run metadata. */
  byContent: boolean;
  /** The action line and its document (orphans only): searched for run ids once the whole input is known. */
  context?: string;
}

/** The lines of a chunk that tell something, in order (blank lines and paired actions tell nothing by themselves). */
export interface ParsedChunk {
  /** The action that was taken as waiting at the chunk's start (none: the chunk starts with an action line). */
  startPending?: PendingAction;
  /** The action still waiting for its document at the chunk's end. */
  endPending?: PendingAction;
  /** Newlines in the chunk: the next chunk's first line number is this chunk's plus this. */
  lineCount: number;
  kinds: Uint8Array<ArrayBuffer>;
  /** The line's number in the chunk, from 0. */
  lines: Int32Array<ArrayBuffer>;
  /** A document's bytes: its offset from the chunk's start, its length. */
  starts: Int32Array<ArrayBuffer>;
  lengths: Int32Array<ArrayBuffer>;
  /** Epoch ms; NaN when the document has none. */
  timestamps: Float64Array<ArrayBuffer>;
  /** The document's run id; null when it is the one before's (or the line is refused). */
  uuids: Array<string | null>;
  /** The document's metric name and collection, numbered in the parser's {@link NameTable}; -1: none. */
  names: Int32Array<ArrayBuffer>;
  collections: Int32Array<ArrayBuffer>;
  /** The names this chunk added to its parser's table, in their order. */
  newNames: string[];
  /** The refused lines' reasons, in their order. */
  refusals: ChunkRefusal[];
}

/** Names (metric, collection) numbered in the order a parser first saw them: each crosses once, not once per line. */
export class NameTable {
  private readonly ids = new Map<string, number>();
  readonly names: string[] = [];

  id(name: string, added: string[]): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
      added.push(name);
    }
    return id;
  }

  /** The receiving side: the names a chunk added, appended in order. */
  add(names: string[]): void {
    for (const name of names) this.names.push(name);
  }
}

/** What the first pass needs to read a chunk: the options, and what one parser remembers between chunks. */
export class ChunkReader {
  private readonly timestamps = new TimestampCache();
  readonly names = new NameTable();
  /** Action lines repeat (`{"index":{"_index":"x"}}`): each distinct one parsed once. */
  private readonly actions = new Map<string, { collection: string } | { error: string }>();
  private readonly metadataByCollection = new Map<string, boolean>();
  /** The last valid action line's bytes: most action lines repeat the one before, compared without decoding. */
  private lastAction: { bytes: Buffer; collection: string; text: string } | undefined;
  private lastCollection = { name: '', id: -1 };

  constructor(private readonly options: BulkReadOptions) {}

  /**
   * Reads a chunk's lines. `offset`: the chunk's place in the file; `pending`: the action whose document
   * the chunk's first line is (its line number relative to this chunk: negative).
   */
  read(chunk: Uint8Array, offset: number, pending?: PendingAction): ParsedChunk {
    const data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out = new ChunkOutput();
    out.parsed.startPending = pending;
    const utf8 = isUtf8(data);
    let lineStart = offset === 0 && startsWithByteOrderMark(data) ? 3 : 0;
    let line = 0;
    while (lineStart < data.length) {
      const newline = data.indexOf(10, lineStart);
      const lineEnd = newline === -1 ? data.length : newline;
      const start = lineStart;
      const end = lineEnd > start && data[lineEnd - 1] === 13 ? lineEnd - 1 : lineEnd;
      lineStart = lineEnd + 1;
      const k = line;
      if (newline !== -1) line++;
      const last = this.lastAction;
      if (!pending && last && end - start === last.bytes.length && data.compare(last.bytes, 0, end - start, start, end) === 0) {
        pending = { collection: last.collection, line: k, text: last.text };
        continue;
      }
      if (isBlankLine(data, start, end)) continue;
      const bad = utf8 ? -1 : invalidUtf8At(data, start, end);
      const text = data.toString('utf8', start, end);
      if (pending) {
        const action = pending;
        pending = undefined;
        this.document(out, text, bad >= 0 ? offset + bad : undefined, action, k, start, end - start);
        continue;
      }
      if (bad >= 0) {
        out.refuse(k, { message: `the action line is not UTF-8 at byte offset ${offset + bad}`, offset: offset + bad, byContent: false, context: text });
        continue;
      }
      let action = this.actions.get(text);
      if (!action) {
        action = parseAction(text);
        if (this.actions.size < 10_000) this.actions.set(text, action);
      }
      if ('error' in action) {
        // Its text is searched for run ids: a document read as an action line (after a broken one) refuses its run.
        out.refuse(k, { message: action.error, byContent: false, context: text });
        continue;
      }
      pending = { collection: action.collection, line: k, text };
      this.lastAction = { bytes: Buffer.from(data.subarray(start, end)), collection: action.collection, text };
    }
    out.parsed.lineCount = line;
    out.parsed.endPending = pending;
    return out.finish();
  }

  private document(out: ChunkOutput, text: string, invalidUtf8: number | undefined, action: PendingAction, line: number, start: number, length: number): void {
    let metadata = this.metadataByCollection.get(action.collection);
    if (metadata === undefined) {
      metadata = isMetadataCollection(action.collection, this.options.metadataCollections);
      this.metadataByCollection.set(action.collection, metadata);
    }
    const verdict = readBulkDocument(text, invalidUtf8, metadata, this.options, this.timestamps);
    // Most documents repeat the collection of the one before (the same string, from the same action).
    if (action.collection !== this.lastCollection.name) this.lastCollection = { name: action.collection, id: this.names.id(action.collection, out.parsed.newNames) };
    const collection = this.lastCollection.id;
    if (verdict.kind === 'refused') {
      const { uuid, message, field, byContent, context } = verdict;
      // The action and its document, searched for run ids when the document's own run cannot be told.
      const refusal: ChunkRefusal = { uuid, message, field, byContent, context: uuid === undefined && context !== undefined ? action.text + '\n' + context : undefined };
      // A document refused before its run was told names no collection seen (see warnWithoutRunCollection).
      out.refuse(line, refusal, verdict.checked ? collection : -1);
      return;
    }
    const kind = verdict.kind === 'document' ? KIND_DOCUMENT : verdict.byContent ? KIND_METADATA_BY_CONTENT : KIND_METADATA;
    const name = verdict.kind === 'document' && verdict.metricName !== null ? this.names.id(verdict.metricName, out.parsed.newNames) : -1;
    out.line(kind, line, start, length, verdict.timestampMs ?? NaN, verdict.uuid, name, collection);
  }
}

/** A {@link ParsedChunk} being filled: columns grown as lines come. */
class ChunkOutput {
  private count = 0;
  private lastUuid: string | undefined;
  readonly parsed: ParsedChunk = {
    lineCount: 0,
    kinds: new Uint8Array(64),
    lines: new Int32Array(64),
    starts: new Int32Array(64),
    lengths: new Int32Array(64),
    timestamps: new Float64Array(64),
    uuids: [],
    names: new Int32Array(64),
    collections: new Int32Array(64),
    newNames: [],
    refusals: [],
  };

  line(kind: number, line: number, start: number, length: number, timestampMs: number, uuid: string | null, name: number, collection: number): void {
    const p = this.parsed;
    if (this.count === p.kinds.length) this.grow();
    const i = this.count++;
    p.kinds[i] = kind;
    p.lines[i] = line;
    p.starts[i] = start;
    p.lengths[i] = length;
    p.timestamps[i] = timestampMs;
    p.names[i] = name;
    p.collections[i] = collection;
    if (uuid === null || uuid === this.lastUuid) p.uuids.push(null);
    else p.uuids.push((this.lastUuid = uuid));
  }

  refuse(line: number, refusal: ChunkRefusal, collection = -1): void {
    this.parsed.refusals.push(refusal);
    this.line(KIND_REFUSED, line, 0, 0, NaN, null, -1, collection);
  }

  finish(): ParsedChunk {
    const p = this.parsed;
    const n = this.count;
    return { ...p, kinds: p.kinds.slice(0, n), lines: p.lines.slice(0, n), starts: p.starts.slice(0, n), lengths: p.lengths.slice(0, n),
      timestamps: p.timestamps.slice(0, n), names: p.names.slice(0, n), collections: p.collections.slice(0, n) };
  }

  private grow(): void {
    const p = this.parsed;
    const n = p.kinds.length * 2;
    p.kinds = grown(p.kinds, new Uint8Array(n));
    p.lines = grown(p.lines, new Int32Array(n));
    p.starts = grown(p.starts, new Int32Array(n));
    p.lengths = grown(p.lengths, new Int32Array(n));
    p.timestamps = grown(p.timestamps, new Float64Array(n));
    p.names = grown(p.names, new Int32Array(n));
    p.collections = grown(p.collections, new Int32Array(n));
  }
}

/** A line of whitespace only (Unicode's, as String.trim sees it): decoded only when it does not start with a printable ASCII byte. */
function isBlankLine(data: Buffer, start: number, end: number): boolean {
  if (start === end) return true;
  const first = data[start];
  if (first > 32 && first < 0x80) return false;
  return isBlank(data.toString('utf8', start, end));
}

/** The collection of an `index`/`create` action line. */
function parseAction(text: string): { collection: string } | { error: string } {
  let action: unknown;
  try {
    action = JSON.parse(text);
  } catch (err) {
    return { error: `malformed bulk action line: ${(err as Error).message}` };
  }
  if (action === null || typeof action !== 'object') return { error: 'a bulk action line must be a JSON object' };
  const [verb, meta] = Object.entries(action as Record<string, unknown>)[0] ?? [];
  if (verb !== 'index' && verb !== 'create') {
    return { error: `unsupported bulk action "${verb ?? ''}" (only index and create carry documents)` };
  }
  const index = (meta as Record<string, unknown> | undefined)?._index;
  if (typeof index !== 'string' || !index) return { error: `the ${verb} action has no _index` };
  return { collection: index };
}

/** Where a refused line is, for its message. */
export function refusalPlace(place: Place, refusal: ChunkRefusal): Place {
  if (refusal.field !== undefined) return { ...place, field: refusal.field };
  if (refusal.offset !== undefined) return { ...place, offset: refusal.offset };
  return place;
}
