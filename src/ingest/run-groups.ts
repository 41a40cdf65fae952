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
  metadataCollection?: string;
  timestampMs?: number;
  /** Per document: index into {@link RunGroups.paths}, byte offset and length there. */
  files: number[];
  offsets: number[];
  lengths: number[];
  timestamps: Array<number | null>;
  metricNames: Array<string | null>;
  collections: string[];
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
  /** One string instance per distinct metric/collection name: a million documents share a few dozen. */
  private readonly strings = new Map<string, string>();

  private intern(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    if (this.strings.size < 100_000) this.strings.set(value, value);
    return value;
  }

  group(uuid: string, line: number): RunGroup {
    let g = this.groups.get(uuid);
    if (!g) {
      g = { uuid, firstLine: line, files: [], offsets: [], lengths: [], timestamps: [], metricNames: [], collections: [] };
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
    const g = this.group(uuid, doc.line);
    g.files.push(doc.file ?? 0);
    g.offsets.push(doc.offset);
    g.lengths.push(doc.length);
    g.timestamps.push(doc.timestampMs);
    g.metricNames.push(doc.metricName === null ? null : this.intern(doc.metricName));
    g.collections.push(this.intern(doc.collection));
    this.documentCount++;
  }

  setMetadata(
    uuid: string,
    line: number,
    metadata: Record<string, unknown>,
    place: Place,
    where: { collection?: string; timestampMs?: number } = {},
  ): void {
    const g = this.group(uuid, line);
    if (g.metadata) {
      this.fail(uuid, `run ${uuid} has a second metadata document (the first is at line ${g.firstLine})`, place);
      return;
    }
    g.metadata = metadata;
    g.metadataCollection = where.collection;
    g.timestampMs = where.timestampMs;
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

/** The smallest known timestamp, without spreading a large array onto the stack. */
export function earliest(timestamps: Array<number | null>): number | undefined {
  let min: number | undefined;
  for (const t of timestamps) if (t !== null && (min === undefined || t < min)) min = t;
  return min;
}
