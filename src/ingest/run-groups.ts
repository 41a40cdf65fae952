import type { Place } from '../util/errors.js';

/**
 * The first pass of a streaming ingest: where each run's documents are in the input (byte ranges, not
 * the documents themselves), so the second pass can write one run per transaction while memory holds
 * only the current run — whatever the order of documents in the file.
 */
export interface RunGroup {
  uuid: string;
  firstLine: number;
  /** The run's metadata document, when the input has one, with its collection and timestamp. */
  metadata?: Record<string, unknown>;
  /**
   * Where the run's metadata document is, when the first pass noted it instead of keeping it (bulk): the
   * second pass reads it back with the documents, so memory holds one run's metadata, not every run's.
   */
  metadataRef?: { file: number; offset: number; length: number };
  metadataCollection?: string;
  timestampMs?: number;
  /** Where the run's documents are and what the first pass read of them. */
  documents: DocumentRefs;
  /** The first problem found in one of the run's lines: the run is not written. */
  error?: { message: string; place: Place };
}

export class RunGroups {
  readonly groups = new Map<string, RunGroup>();
  /** The files the byte ranges point into. */
  readonly paths: string[] = [];
  /** Problems that belong to no known run (a line too broken to tell its run). */
  readonly orphanErrors: Array<{ message: string; place: Place; text?: string }> = [];
  documentCount = 0;
  /** Metric and collection names, each once: a million documents share a few dozen. */
  private readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();

  private nameId(value: string): number {
    let id = this.nameIds.get(value);
    if (id === undefined) {
      id = this.names.push(value) - 1;
      this.nameIds.set(value, id);
    }
    return id;
  }

  group(uuid: string, line: number): RunGroup {
    let g = this.groups.get(uuid);
    if (!g) {
      g = { uuid, firstLine: line, documents: new DocumentRefs(this.names) };
      this.groups.set(uuid, g);
    }
    return g;
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
    const metricName = doc.metricName === null ? NO_NAME : this.nameId(doc.metricName);
    this.group(uuid, doc.line).documents.push(doc.file ?? 0, doc.offset, doc.length, doc.timestampMs, metricName, this.nameId(doc.collection));
    this.documentCount++;
  }

  setMetadata(
    uuid: string,
    line: number,
    metadata: Record<string, unknown>,
    place: Place,
    where: { collection?: string; timestampMs?: number } = {},
  ): void {
    const g = this.metadataGroup(uuid, line, place);
    if (!g) return;
    g.metadata = metadata;
    g.metadataCollection = where.collection;
    g.timestampMs = where.timestampMs;
  }

  /** {@link setMetadata} by the document's place in the input (read back by the second pass). */
  setMetadataRef(uuid: string, line: number, ref: { file?: number; offset: number; length: number }, place: Place, where: { collection?: string; timestampMs?: number } = {}): void {
    const g = this.metadataGroup(uuid, line, place);
    if (!g) return;
    g.metadataRef = { file: ref.file ?? 0, offset: ref.offset, length: ref.length };
    g.metadataCollection = where.collection;
    g.timestampMs = where.timestampMs;
  }

  /** Groups holding a parsed metadata document (what memory keeps across runs: tests, metrics). */
  retainedMetadata(): number {
    let n = 0;
    for (const g of this.groups.values()) if (g.metadata) n++;
    return n;
  }

  /** The run's group, or undefined (and the run failed) when it has a metadata document already. */
  private metadataGroup(uuid: string, line: number, place: Place): RunGroup | undefined {
    const g = this.group(uuid, line);
    if (g.metadata || g.metadataRef) {
      this.fail(uuid, `run ${uuid} has a second metadata document (the first is at line ${g.firstLine})`, place);
      return undefined;
    }
    return g;
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
    const g = this.group(uuid, place.line ?? 0);
    g.error ??= { message, place };
  }
}

/**
 * A broken line whose run could not be read may still name it (in its text or its bulk action's `_id`):
 * every known run whose id appears there is refused, so no run is written with a document missing.
 */
export function attributeOrphans(groups: RunGroups): void {
  const remaining = [];
  for (const orphan of groups.orphanErrors) {
    const owners = orphan.text ? [...groups.groups.keys()].filter((uuid) => orphan.text!.includes(uuid)) : [];
    for (const uuid of owners) groups.fail(uuid, orphan.message, orphan.place);
    if (!owners.length) remaining.push({ message: `${orphan.message} (its run could not be told)`, place: orphan.place });
  }
  groups.orphanErrors.splice(0, groups.orphanErrors.length, ...remaining);
}

/** Recovers a run id from a line too broken to parse, so only that run is refused. */
export function salvageUuid(text: string, uuidField: string): string | undefined {
  const key = uuidField.split('.').at(-1)!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`"${key}"\\s*:\\s*"([^"\\\\]{1,255})"`).exec(text);
  return m?.[1];
}

const NO_NAME = -1;
const INITIAL_CAPACITY = 64;

/**
 * A run's documents as the first pass saw them, one column of a typed array per field: a million
 * documents take ~32 MB outside the JavaScript heap, which the garbage collector never has to trace
 * (arrays of numbers and strings were ~70 MB of heap, traced by every full collection).
 */
export class DocumentRefs {
  count = 0;
  private files = new Uint32Array(INITIAL_CAPACITY);
  private offsets = new Float64Array(INITIAL_CAPACITY);
  private lengths = new Uint32Array(INITIAL_CAPACITY);
  /** NaN: no timestamp. */
  private timestamps = new Float64Array(INITIAL_CAPACITY);
  /** Into the shared names; {@link NO_NAME}: none. */
  private metricNames = new Int32Array(INITIAL_CAPACITY);
  private collections = new Uint32Array(INITIAL_CAPACITY);

  constructor(private readonly names: readonly string[]) {}

  push(file: number, offset: number, length: number, timestampMs: number | null, metricName: number, collection: number): void {
    if (this.count === this.offsets.length) this.grow();
    const i = this.count++;
    this.files[i] = file;
    this.offsets[i] = offset;
    this.lengths[i] = length;
    this.timestamps[i] = timestampMs ?? NaN;
    this.metricNames[i] = metricName;
    this.collections[i] = collection;
  }

  file(i: number): number {
    return this.files[i];
  }
  offset(i: number): number {
    return this.offsets[i];
  }
  length(i: number): number {
    return this.lengths[i];
  }
  timestampMs(i: number): number | null {
    const t = this.timestamps[i];
    return Number.isNaN(t) ? null : t;
  }
  metricName(i: number): string | null {
    const id = this.metricNames[i];
    return id === NO_NAME ? null : this.names[id];
  }
  collection(i: number): string {
    return this.names[this.collections[i]];
  }

  /** The smallest known timestamp. */
  earliestTimestamp(): number | undefined {
    let min: number | undefined;
    for (let i = 0; i < this.count; i++) {
      const t = this.timestamps[i];
      if (!Number.isNaN(t) && (min === undefined || t < min)) min = t;
    }
    return min;
  }

  private grow(): void {
    const capacity = this.offsets.length * 2;
    this.files = withCapacity(this.files, new Uint32Array(capacity));
    this.offsets = withCapacity(this.offsets, new Float64Array(capacity));
    this.lengths = withCapacity(this.lengths, new Uint32Array(capacity));
    this.timestamps = withCapacity(this.timestamps, new Float64Array(capacity));
    this.metricNames = withCapacity(this.metricNames, new Int32Array(capacity));
    this.collections = withCapacity(this.collections, new Uint32Array(capacity));
  }
}

function withCapacity<T extends Uint32Array | Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
