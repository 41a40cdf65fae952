/**
 * `perfhound ingest bulk`: an OpenSearch `_bulk` NDJSON export into the store, each run whole or not at all.
 *
 * ```ts
 * const report = await ingestBulk(store, 'export.ndjson', { metadataCollections: DEFAULT_METADATA_COLLECTIONS,
 *   uuidFields: DEFAULT_UUID_FIELDS, timestampField: 'timestamp', versionField: 'ocpVersion', runMeta: {} });
 * if (hasFailures(report)) console.error(summarize(report));
 * ```
 */
import { stat } from 'node:fs/promises';
import type { Store } from '../store/connect.js';
import { KIND_DOCUMENT, KIND_METADATA_BY_CONTENT, KIND_REFUSED, isMetadataCollection, refusalPlace, type BulkReadOptions, type PendingAction } from './bulk-chunk.js';
import { InThreadParser, chunkParserFor, type ChunkAnswer, type ParseThreadOptions } from './bulk-parse-threads.js';
import { readBulkChunks, readChunkAgain } from './bulk-reads.js';
import { newReport, type IngestReport } from './report.js';
import { runColumnsFromMetadata } from './run-fields.js';
import { RunGroups, attributeOrphans } from './run-groups.js';
import { writeGroups, type WriteGroupsOptions } from './write-groups.js';

/** Options of `perfhound ingest bulk`. */
export interface BulkOptions extends BulkReadOptions {
  runMeta: Record<string, string>;
  /** Label shown in messages (the path, or `-` for stdin). */
  label?: string;
  /** Rewrite runs a test-result ingest wrote (`--replace`). */
  replace?: boolean;
  onProgress?(done: number, total: number): void;
  /** false: the report lists the refused runs only and counts the written ones (memory does not grow with the runs). */
  listWritten?: boolean;
  /** Runs per transaction (write-groups.ts; default 1000): 1 writes each run in its own, reported as it commits. */
  batchRuns?: number;
  /** Where the runs are written (write-groups.ts; default: a thread of its own for a large ingest into a SQLite file). */
  setWriter?: WriteGroupsOptions['setWriter'];
  /** Warnings (default: stderr). */
  onWarning?(message: string): void;
  /** The first pass's parse threads (bulk-parse-threads.ts; default: one per core, up to 3, for a large file, from the built bundle). */
  parseThreads?: ParseThreadOptions;
}

/** Orion's production metadata index, and any collection named like one. */
export const DEFAULT_METADATA_COLLECTIONS = ['perf_scale_ci*', '*metadata*'];

/** `uuid`, else a field named like one (browbeat's `browbeat_uuid`). */
export const DEFAULT_UUID_FIELDS = ['uuid', '*_uuid', '*Uuid'];

/**
 * Ingests an OpenSearch/Elasticsearch `_bulk` NDJSON file (action line + document): documents of a
 * metadata collection become runs, the others documents of their run in a collection named after `_index`.
 * Two passes over the file keep memory bounded: the first validates every line and notes where each run's
 * documents are, the second writes each run in one transaction.
 */
export async function ingestBulk(store: Store, path: string, options: BulkOptions): Promise<IngestReport> {
  const file = options.label ?? path;
  const report = newReport(file, 'bulk', options.listWritten ?? true);
  const groups = await scanBulk(path, options);

  await writeGroups(store, groups, report, {
    onProgress: options.onProgress,
    batchRuns: options.batchRuns,
    setWriter: options.setWriter,
    replace: options.replace,
    toRun: (group, read) => {
      const metadata = { ...read, ...options.runMeta };
      return {
        uuid: group.uuid,
        timestampMs: group.timestampMs ?? group.earliestTimestampMs ?? NaN,
        source: 'bulk',
        collection: group.metadataCollection ?? group.firstCollection ?? 'runs',
        metadata,
        ...runColumnsFromMetadata(metadata, options.versionField),
      };
    },
  });
  return report;
}

/**
 * The first pass of {@link ingestBulk}: every line validated, each run's documents and metadata document
 * noted by their place in the file — per run a few numbers, whatever the number of runs.
 */
export async function scanBulk(path: string, options: BulkOptions): Promise<RunGroups> {
  const groups = new RunGroups();
  groups.paths.push(path);
  try {
    await scanInto(groups, path, options);
  } catch (err) {
    groups.close();
    throw err;
  }
  return groups;
}

async function scanInto(groups: RunGroups, path: string, options: BulkOptions): Promise<void> {
  const file = options.label ?? path;
  const metadataByCollection = new Map<string, boolean>();
  /** Collections outside the patterns whose documents were taken as run metadata by their content. */
  const recognised = new Map<string, number>();
  const recognise = (collection: string) => recognised.set(collection, (recognised.get(collection) ?? 0) + 1);

  /** Records a chunk's lines in file order; `firstLine`: the number of the chunk's first line in the file. */
  const record = ({ parsed, names }: ChunkAnswer, offset: number, firstLine: number) => {
    let uuid = '';
    let refusal = 0;
    let lastCollection = -1;
    for (let i = 0; i < parsed.kinds.length; i++) {
      const line = firstLine + parsed.lines[i];
      const c = parsed.collections[i];
      const collection = c < 0 ? '' : names[c];
      if (c >= 0 && c !== lastCollection) {
        lastCollection = c;
        if (!metadataByCollection.has(collection)) metadataByCollection.set(collection, isMetadataCollection(collection, options.metadataCollections));
      }
      const kind = parsed.kinds[i];
      if (kind === KIND_REFUSED) {
        const r = parsed.refusals[refusal++];
        if (r.byContent) recognise(collection);
        groups.fail(r.uuid, r.message, refusalPlace({ file, line }, r), r.context);
        continue;
      }
      uuid = parsed.uuids[i] ?? uuid;
      const ref = { offset: offset + parsed.starts[i], length: parsed.lengths[i] };
      const timestampMs = parsed.timestamps[i];
      if (kind === KIND_DOCUMENT) {
        const metricName = parsed.names[i] < 0 ? null : names[parsed.names[i]];
        groups.addDocument(uuid, { line, ...ref, timestampMs: Number.isNaN(timestampMs) ? null : timestampMs, metricName, collection });
        continue;
      }
      if (kind === KIND_METADATA_BY_CONTENT) recognise(collection);
      // Its place, not its object: the second pass reads it back with the run's documents.
      groups.setMetadataRef(uuid, line, ref, { file, line }, { collection, timestampMs });
    }
  };

  const parser = chunkParserFor(path, (await stat(path)).size, options, options.parseThreads);
  /** A parser of its own for chunks that turn out to start with a document (a parse thread guessed an action line). */
  let knowing: InThreadParser | undefined;
  /** Chunks handed to the parser and not yet recorded, oldest first. */
  const parsing: Array<{ offset: number; length: number; answer: Promise<ChunkAnswer> }> = [];
  let firstLine = 1;
  /** The action waiting for its document after the chunks recorded so far (its line number in the file). */
  let pending: PendingAction | undefined;
  const relative = (action: PendingAction | undefined, base: number) => action && { ...action, line: action.line - base };
  const recordOldest = async () => {
    const { offset, length, answer } = parsing.shift()!;
    let chunk = await answer;
    if (!samePending(chunk.parsed.startPending, pending)) {
      options.parseThreads?.onReread?.(offset);
      knowing ??= new InThreadParser(options);
      chunk = await knowing.parse(await readChunkAgain(path, offset, length), relative(pending, firstLine));
    }
    record(chunk, offset, firstLine);
    const end = chunk.parsed.endPending;
    pending = end && { ...end, line: end.line + firstLine };
    firstLine += chunk.parsed.lineCount;
  };
  try {
    for await (const chunk of readBulkChunks(path, options.parseThreads?.chunkBytes)) {
      // With no chunk ahead, `pending` is this chunk's own (a parser that parses right away knows it).
      parsing.push({ offset: chunk.offset, length: chunk.bytes.length, answer: parser.parse(chunk, relative(pending, firstLine)) });
      while (parsing.length > parser.ahead) await recordOldest();
    }
    while (parsing.length) await recordOldest();
  } finally {
    // An error leaves answers in flight: wait for them so none rejects unheard, then stop the threads.
    await Promise.allSettled(parsing.map((p) => p.answer));
    await parser.close();
  }
  if (pending) groups.fail(undefined, 'the action line has no document after it', { file, line: pending.line }, pending.text);
  attributeOrphans(groups);
  warnWithoutRunCollection(metadataByCollection, recognised, options);
}

/** Whether a chunk was parsed knowing the action it starts with (none, or the same one). */
function samePending(parsedWith: PendingAction | undefined, actual: PendingAction | undefined): boolean {
  return parsedWith === undefined ? actual === undefined : actual !== undefined && parsedWith.collection === actual.collection && parsedWith.text === actual.text;
}

/** Said loudly: no collection matched the run collection patterns (its runs would have no metadata). */
function warnWithoutRunCollection(byCollection: Map<string, boolean>, recognised: Map<string, number>, options: BulkOptions): void {
  if (byCollection.size === 0 || [...byCollection.values()].some(Boolean)) return;
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  const taken = [...recognised].map(([c, n]) => `${n} document(s) of ${c} recognised as run metadata by their fields`);
  warn(
    `no collection matched the run metadata patterns (${options.metadataCollections.join(', ')}); collections seen: ${[...byCollection.keys()].join(', ')}. ` +
      `${taken.length ? taken.join('; ') + '. ' : ''}Name the metadata index with --metadata-collection NAME`,
  );
}
