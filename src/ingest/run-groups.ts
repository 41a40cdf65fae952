import type { Place } from '../util/errors.js';
import { grown } from '../util/typed-arrays.js';
import { DocumentSpool } from './document-spool.js';

/**
 * One run as the first pass of a streaming ingest saw it: where its metadata document is, its time, how
 * many documents it has. Made on demand from {@link RunGroups}' columns, one run at a time.
 */
export interface RunGroup {
  /** The run's place in the groups (first seen first). */
  index: number;
  uuid: string;
  firstLine: number;
  /**
   * Where the run's metadata document is, when the input has one: the second pass reads it back with the
   * documents, so memory holds one run's metadata, not every run's.
   */
  metadataRef?: { file: number; offset: number; length: number };
  metadataCollection?: string;
  timestampMs?: number;
  documentCount: number;
  /** The smallest timestamp of its documents. */
  earliestTimestampMs?: number;
  /** The collection and file of its first document. */
  firstCollection?: string;
  firstFile?: number;
  /** The first problem found in one of the run's lines: the run is not written. */
  error?: { message: string; place: Place };
}

/** A document of a run as the second pass reads it back. */
export interface DocumentRef {
  file: number;
  offset: number;
  length: number;
  timestampMs: number | null;
  metricName: string | null;
  collection: string;
}

/**
 * The first pass of a streaming ingest: where each run's documents are in the input (byte ranges, not
 * the documents themselves), so the second pass can write the runs while memory holds only the current
 * one — whatever the order of documents in the file, and whatever their number (issue 17: a 250 000-run
 * file took 1.2 GB in the first pass alone). Per run a few numbers in typed columns; per document a
 * record in a {@link DocumentSpool} (a temporary file); a run's documents are stretches of consecutive
 * records ("segments", one per run when its documents are together in the input).
 */
export class RunGroups {
  /** The files the byte ranges point into. */
  readonly paths: string[] = [];
  /** Problems that belong to no known run (a line too broken to tell its run). */
  readonly orphanErrors: Array<{ message: string; place: Place; text?: string }> = [];
  documentCount = 0;
  /** Metric and collection names, each once: a million documents share a few dozen. */
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  /** Run ids, outside the JavaScript heap (a heap that grows by a few dozen bytes a run grows its garbage collector's limit fourfold). */
  private readonly uuidList = new RunIds();
  private readonly errors = new Map<number, { message: string; place: Place }>();
  private readonly spool = new DocumentSpool();
  private sealed = false;
  // Per run (index): NaN / -1 say "none".
  private firstLines = new Float64Array(INITIAL_RUNS);
  private timestamps = new Float64Array(INITIAL_RUNS);
  private earliest = new Float64Array(INITIAL_RUNS);
  private metadataOffsets = new Float64Array(INITIAL_RUNS);
  private metadataLengths = new Uint32Array(INITIAL_RUNS);
  private metadataFiles = new Uint32Array(INITIAL_RUNS);
  private metadataCollections = new Int32Array(INITIAL_RUNS);
  private documentCounts = new Uint32Array(INITIAL_RUNS);
  private firstSegments = new Int32Array(INITIAL_RUNS);
  private lastSegments = new Int32Array(INITIAL_RUNS);
  // Per segment: its first record, its number of records, the run's next segment.
  private segmentCount = 0;
  private segmentFirsts = new Float64Array(INITIAL_RUNS);
  private segmentLengths = new Uint32Array(INITIAL_RUNS);
  private segmentNexts = new Int32Array(INITIAL_RUNS);
  // The first document's collection and file, per run (what a run without metadata is named after).
  private firstCollections = new Int32Array(INITIAL_RUNS);
  private firstFiles = new Uint32Array(INITIAL_RUNS);

  /** Runs seen. */
  get size(): number {
    return this.uuidList.size;
  }

  /** Run ids, first seen first (made on each call: one string per run). */
  uuids(): string[] {
    return Array.from({ length: this.size }, (_, i) => this.uuidList.get(i));
  }

  /** The runs, first seen first, each made when the iteration reaches it. */
  *runs(): IterableIterator<RunGroup> {
    for (let i = 0; i < this.size; i++) yield this.run(i);
  }

  run(i: number): RunGroup {
    const g: RunGroup = { index: i, uuid: this.uuidList.get(i), firstLine: this.firstLines[i], documentCount: this.documentCounts[i] };
    if (!Number.isNaN(this.metadataOffsets[i])) {
      g.metadataRef = { file: this.metadataFiles[i], offset: this.metadataOffsets[i], length: this.metadataLengths[i] };
    }
    if (this.metadataCollections[i] !== NO_NAME) g.metadataCollection = this.names[this.metadataCollections[i]];
    if (!Number.isNaN(this.timestamps[i])) g.timestampMs = this.timestamps[i];
    if (!Number.isNaN(this.earliest[i])) g.earliestTimestampMs = this.earliest[i];
    if (g.documentCount) {
      g.firstCollection = this.names[this.firstCollections[i]];
      g.firstFile = this.firstFiles[i];
    }
    const error = this.errors.get(i);
    if (error) g.error = error;
    return g;
  }

  /** The run's documents, in the order the first pass saw them. */
  documents(group: RunGroup): DocumentRef[] {
    const records: Parameters<DocumentSpool['read']>[2] = [];
    for (let s = this.firstSegments[group.index]; s !== NO_SEGMENT; s = this.segmentNexts[s]) this.spool.read(this.segmentFirsts[s], this.segmentLengths[s], records);
    return records.map((r) => ({
      file: r.file,
      offset: r.offset,
      length: r.length,
      timestampMs: r.timestampMs,
      metricName: r.metricName === NO_NAME ? null : this.names[r.metricName],
      collection: this.names[r.collection],
    }));
  }

  /** Ends the first pass: the lookup from run id to run is dropped; the runs stay reachable by index. */
  endFirstPass(): void {
    this.uuidList.seal();
    this.sealed = true;
  }

  /** Frees the spool's file. */
  close(): void {
    this.spool.close();
  }

  private nameId(value: string): number {
    let id = this.nameIds.get(value);
    if (id === undefined) {
      id = this.names.push(value) - 1;
      this.nameIds.set(value, id);
    }
    return id;
  }

  /** The run's index, a new run when it is the first time its id is seen. */
  private group(uuid: string, line: number): number {
    if (this.sealed) throw new Error('the first pass is over: no run can be added');
    let i = this.uuidList.find(uuid);
    if (i === undefined) {
      i = this.uuidList.add(uuid);
      if (i === this.firstLines.length) this.growRuns();
      this.firstLines[i] = line;
      this.timestamps[i] = NaN;
      this.earliest[i] = NaN;
      this.metadataOffsets[i] = NaN;
      this.metadataCollections[i] = NO_NAME;
      this.firstSegments[i] = NO_SEGMENT;
      this.lastSegments[i] = NO_SEGMENT;
    }
    return i;
  }

  addDocument(
    uuid: string,
    doc: {
      file?: number;
      line: number;
      offset: number;
      length: number;
      timestampMs: number | null;
      metricName: string | null;
      collection: string;
    },
  ): void {
    const i = this.group(uuid, doc.line);
    const metricName = doc.metricName === null ? NO_NAME : this.nameId(doc.metricName);
    const collection = this.nameId(doc.collection);
    const record = this.spool.push(doc.file ?? 0, doc.offset, doc.length, doc.timestampMs, metricName, collection);
    const last = this.lastSegments[i];
    if (last !== NO_SEGMENT && this.segmentFirsts[last] + this.segmentLengths[last] === record) {
      this.segmentLengths[last]++;
    } else {
      if (this.segmentCount === this.segmentFirsts.length) this.growSegments();
      const s = this.segmentCount++;
      this.segmentFirsts[s] = record;
      this.segmentLengths[s] = 1;
      this.segmentNexts[s] = NO_SEGMENT;
      if (last === NO_SEGMENT) this.firstSegments[i] = s;
      else this.segmentNexts[last] = s;
      this.lastSegments[i] = s;
    }
    if (this.documentCounts[i]++ === 0) {
      this.firstCollections[i] = collection;
      this.firstFiles[i] = doc.file ?? 0;
    }
    if (doc.timestampMs !== null && !(doc.timestampMs >= this.earliest[i])) this.earliest[i] = doc.timestampMs;
    this.documentCount++;
  }

  /** Notes where the run's metadata document is (read back by the second pass). */
  setMetadataRef(uuid: string, line: number, ref: { file?: number; offset: number; length: number }, place: Place, where: { collection?: string; timestampMs?: number } = {}): void {
    const i = this.group(uuid, line);
    if (!Number.isNaN(this.metadataOffsets[i])) {
      this.fail(uuid, `run ${uuid} has a second metadata document (the first is at line ${this.firstLines[i]})`, place);
      return;
    }
    this.metadataOffsets[i] = ref.offset;
    this.metadataLengths[i] = ref.length;
    this.metadataFiles[i] = ref.file ?? 0;
    this.metadataCollections[i] = where.collection === undefined ? NO_NAME : this.nameId(where.collection);
    this.timestamps[i] = where.timestampMs ?? NaN;
  }

  /**
   * Marks a run failed (first error wins) or, without a run, records an orphan error with the raw text
   * around it, which {@link attributeOrphans} searches for run ids once the whole input is known.
   */
  fail(uuid: string | undefined, message: string, place: Place, text?: string): void {
    if (uuid === undefined) {
      this.orphanErrors.push({ message, place, text: text?.slice(0, 65_536) });
      return;
    }
    const i = this.group(uuid, place.line ?? 0);
    if (!this.errors.has(i)) this.errors.set(i, { message, place });
  }

  private growRuns(): void {
    const n = this.firstLines.length * 2;
    this.firstLines = grown(this.firstLines, new Float64Array(n));
    this.timestamps = grown(this.timestamps, new Float64Array(n));
    this.earliest = grown(this.earliest, new Float64Array(n));
    this.metadataOffsets = grown(this.metadataOffsets, new Float64Array(n));
    this.metadataLengths = grown(this.metadataLengths, new Uint32Array(n));
    this.metadataFiles = grown(this.metadataFiles, new Uint32Array(n));
    this.metadataCollections = grown(this.metadataCollections, new Int32Array(n));
    this.documentCounts = grown(this.documentCounts, new Uint32Array(n));
    this.firstSegments = grown(this.firstSegments, new Int32Array(n));
    this.lastSegments = grown(this.lastSegments, new Int32Array(n));
    this.firstCollections = grown(this.firstCollections, new Int32Array(n));
    this.firstFiles = grown(this.firstFiles, new Uint32Array(n));
  }

  private growSegments(): void {
    const n = this.segmentFirsts.length * 2;
    this.segmentFirsts = grown(this.segmentFirsts, new Float64Array(n));
    this.segmentLengths = grown(this.segmentLengths, new Uint32Array(n));
    this.segmentNexts = grown(this.segmentNexts, new Int32Array(n));
  }
}

/**
 * A broken line whose run could not be read may still name it (in its text or its bulk action's `_id`):
 * every known run whose id appears there is refused, so no run is written with a document missing.
 */
export function attributeOrphans(groups: RunGroups): void {
  const remaining = [];
  // Made once, only when some line needs it (one string per run).
  let uuids: string[] | undefined;
  for (const orphan of groups.orphanErrors) {
    const owners = orphan.text ? (uuids ??= groups.uuids()).filter((uuid) => mentions(orphan.text!, uuid)) : [];
    for (const uuid of owners) groups.fail(uuid, orphan.message, orphan.place);
    if (!owners.length) remaining.push({ message: `${orphan.message} (its run could not be told)`, place: orphan.place });
  }
  groups.orphanErrors.splice(0, groups.orphanErrors.length, ...remaining);
}

/**
 * Whether `text` names run `id` as a whole: not with a letter, digit or `_` right before or after it
 * (`r1` is not named by `"r12"`, nor `small-2` by `small-2143`), so a broken line refuses the run it names
 * and no other. A `-` or `.` ends an id: a bulk action's `_id` is often the run id, `-`, a time.
 */
export function mentions(text: string, id: string): boolean {
  for (let at = text.indexOf(id); at >= 0; at = text.indexOf(id, at + 1)) {
    if (!ID_CHARACTER.test(text.charAt(at - 1)) && !ID_CHARACTER.test(text.charAt(at + id.length))) return true;
  }
  return false;
}
const ID_CHARACTER = /^[\p{L}\p{N}_]$/u;

/** Recovers a run id from a line too broken to parse, so only that run is refused. */
export function salvageUuid(text: string, uuidField: string): string | undefined {
  const key = uuidField.split('.').at(-1)!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`"${key}"\\s*:\\s*"([^"\\\\]{1,255})"`).exec(text);
  return m?.[1];
}

/**
 * Strings added once each, numbered in order, found by value: the bytes in one growing buffer and an
 * open-addressing hash table in a typed array — a few dozen bytes a string outside the JavaScript heap,
 * where a Map of strings cost ~100 bytes a string on it. Stored as Latin-1 when every character fits
 * (ids are mostly ASCII), else as UTF-16, so every string comes back exactly (lone surrogates too).
 */
export class RunIds {
  size = 0;
  private bytes = Buffer.alloc(64 * 1024);
  private used = 0;
  private starts = new Float64Array(INITIAL_RUNS);
  /** Byte length; negative: UTF-16. */
  private lengths = new Int32Array(INITIAL_RUNS);
  /** index + 1 per slot; 0: empty. */
  private slots = new Int32Array(INITIAL_RUNS * 2);
  /** The string found or added last: a run's documents are mostly together. */
  private last: { value: string; index: number } | undefined;

  get(i: number): string {
    const length = this.lengths[i];
    const start = this.starts[i];
    return length >= 0 ? this.bytes.toString('latin1', start, start + length) : this.bytes.toString('utf16le', start, start - length);
  }

  find(value: string): number | undefined {
    if (this.last?.value === value) return this.last.index;
    if (this.slots.length === 0) return undefined;
    const mask = this.slots.length - 1;
    for (let slot = hash(value) & mask; this.slots[slot] !== 0; slot = (slot + 1) & mask) {
      const i = this.slots[slot] - 1;
      if (this.get(i) === value) {
        this.last = { value, index: i };
        return i;
      }
    }
    return undefined;
  }

  /** Adds a string not there yet; returns its number. */
  add(value: string): number {
    if (this.slots.length === 0) throw new Error('sealed: no string can be added');
    const i = this.size++;
    if (i === this.starts.length) {
      this.starts = grown(this.starts, new Float64Array(2 * i));
      this.lengths = grown(this.lengths, new Int32Array(2 * i));
    }
    const encoding = isLatin1(value) ? 'latin1' : 'utf16le';
    const length = Buffer.byteLength(value, encoding);
    if (this.used + length > this.bytes.length) {
      const bigger = Buffer.alloc(Math.max(2 * this.bytes.length, this.used + length));
      this.bytes.copy(bigger, 0, 0, this.used);
      this.bytes = bigger;
    }
    this.bytes.write(value, this.used, encoding);
    this.starts[i] = this.used;
    this.lengths[i] = encoding === 'latin1' ? length : -length;
    this.used += length;
    if (2 * this.size > this.slots.length) this.rehash(2 * this.slots.length);
    else this.place(value, i);
    this.last = { value, index: i };
    return i;
  }

  /** Drops the lookup (the strings stay readable by number). */
  seal(): void {
    this.slots = new Int32Array(0);
    this.last = undefined;
  }

  private place(value: string, i: number): void {
    const mask = this.slots.length - 1;
    let slot = hash(value) & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = i + 1;
  }

  private rehash(capacity: number): void {
    this.slots = new Int32Array(capacity);
    for (let i = 0; i < this.size; i++) this.place(this.get(i), i);
  }
}

/** Whether every character is Latin-1 (else the string is stored as UTF-16). */
function isLatin1(value: string): boolean {
  for (let k = 0; k < value.length; k++) if (value.charCodeAt(k) > 0xff) return false;
  return true;
}

/** FNV-1a over the UTF-16 code units. */
function hash(value: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < value.length; k++) h = Math.imul(h ^ value.charCodeAt(k), 0x01000193);
  return h >>> 0;
}

const NO_NAME = -1;
const NO_SEGMENT = -1;
const INITIAL_RUNS = 256;
