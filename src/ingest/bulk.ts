/**
 * `perfhound ingest bulk`: an OpenSearch `_bulk` NDJSON export into the store, each run whole or not at all.
 *
 * ```ts
 * const report = await ingestBulk(store, 'export.ndjson', { metadataCollections: DEFAULT_METADATA_COLLECTIONS,
 *   uuidFields: DEFAULT_UUID_FIELDS, timestampField: 'timestamp', versionField: 'ocpVersion', runMeta: {} });
 * if (hasFailures(report)) console.error(summarize(report));
 * ```
 */
import type { Store } from '../store/connect.js';
import { getPath, metadataString } from '../store/metadata.js';
import type { Place } from '../util/errors.js';
import { beyondDouble, nonFiniteField, parseJsonExactly } from './json-scanner.js';
import { isBlank, isUtf8Batch, scanLineBuffers } from './line-scanner.js';
import { matchesPattern } from './patterns.js';
import { newReport, type IngestReport } from './report.js';
import { runColumnsFromMetadata } from './run-fields.js';
import { RunGroups, attributeOrphans, salvageUuid } from './run-groups.js';
import { TimestampCache } from './timestamps.js';
import { invalidUtf8At } from './utf8.js';
import { writeGroups, type WriteGroupsOptions } from './write-groups.js';

/** Options of `perfhound ingest bulk`. */
export interface BulkOptions {
  /** Collections (index names, `*` patterns) whose documents are run metadata. */
  metadataCollections: string[];
  /** Run id fields tried in order; `*` patterns match top-level field names (`*_uuid`). */
  uuidFields: string[];
  timestampField: string;
  versionField: string;
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
  const isMetadata = (collection: string) => {
    let yes = metadataByCollection.get(collection);
    if (yes === undefined) {
      yes = options.metadataCollections.some((p) => matchesPattern(collection, p));
      metadataByCollection.set(collection, yes);
    }
    return yes;
  };
  // Action lines repeat (`{"index":{"_index":"x"}}`): parse each distinct one once.
  const actions = new Map<string, ReturnType<typeof parseAction>>();
  const timestamps = new TimestampCache();
  /** Collections outside the patterns whose documents were taken as run metadata by their content. */
  const recognised = new Map<string, number>();

  let pendingAction: { collection: string; line: number; text: string } | undefined;
  // The last valid action line's bytes: most action lines repeat the one before, compared without decoding.
  let lastAction: { bytes: Buffer; collection: string; text: string } | undefined;
  for await (const batch of scanLineBuffers(path)) {
    const utf8 = isUtf8Batch(batch);
    for (let k = 0; k < batch.starts.length; k++) {
      const start = batch.starts[k];
      const end = batch.ends[k];
      if (!pendingAction && lastAction && end - start === lastAction.bytes.length && batch.data.compare(lastAction.bytes, 0, end - start, start, end) === 0) {
        pendingAction = { collection: lastAction.collection, line: batch.firstLine + k, text: lastAction.text };
        continue;
      }
      // Decoded only to be parsed right away: no line outlives its turn (see scanLineBuffers).
      const text = batch.data.toString('utf8', start, end);
      if (isBlank(text)) continue;
      const lineNumber = batch.firstLine + k;
      const place: Place = { file, line: lineNumber };
      const bad = utf8 ? -1 : invalidUtf8At(batch.data, start, end);
      const invalidUtf8 = bad >= 0 ? batch.offset + bad : undefined;
      if (!pendingAction) {
        if (invalidUtf8 !== undefined) {
          groups.fail(undefined, `the action line is not UTF-8 at byte offset ${invalidUtf8}`, { ...place, offset: invalidUtf8 }, text);
          continue;
        }
        let action = actions.get(text);
        if (!action) {
          action = parseAction(text);
          if (actions.size < 10_000) actions.set(text, action);
        }
        if ('error' in action) {
          groups.fail(undefined, action.error, place);
          continue;
        }
        pendingAction = { collection: action.collection, line: lineNumber, text };
        lastAction = { bytes: Buffer.from(batch.data.subarray(start, end)), collection: action.collection, text };
        continue;
      }
      const collection = pendingAction.collection;
      // The action and its document, searched for run ids when the document's own run cannot be told.
      const context = pendingAction.text + '\n' + text;
      pendingAction = undefined;
      let doc: unknown;
      try {
        doc = parseJsonExactly({ text, invalidUtf8 });
      } catch (err) {
        groups.fail(salvageUuid(text, options.uuidFields[0]), `malformed JSON document: ${(err as Error).message}`, place, context);
        continue;
      }
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
        groups.fail(undefined, 'the document is not a JSON object', place, context);
        continue;
      }
      const record = doc as Record<string, unknown>;
      const uuid = findRunId(record, options.uuidFields);
      if (uuid === undefined) {
        const fields = options.uuidFields.join(', ');
        groups.fail(undefined, `the document has no run id (tried fields ${fields})`, { ...place, field: options.uuidFields[0] }, context);
        continue;
      }
      const rawTs = getPath(record, options.timestampField);
      const timestampMs = timestamps.parse(rawTs);
      const byContent = !isMetadata(collection) && looksLikeRunMetadata(record, options.versionField);
      if (byContent) recognised.set(collection, (recognised.get(collection) ?? 0) + 1);
      if (isMetadata(collection) || byContent) {
        // Run metadata is written back as JSON (a document keeps its own text): 1e400 would become null.
        const beyond = nonFiniteField(record);
        if (beyond !== undefined) {
          groups.fail(uuid, beyondDouble(beyond), place);
          continue;
        }
        if (timestampMs === null) {
          groups.fail(uuid, `run ${uuid} has no valid timestamp (got ${JSON.stringify(rawTs) ?? 'nothing'})`, {
            ...place,
            field: options.timestampField,
          });
          continue;
        }
        // Its place, not its object: the second pass reads it back with the run's documents.
        groups.setMetadataRef(uuid, lineNumber, { offset: batch.offset + start, length: end - start }, place, { collection, timestampMs });
        continue;
      }
      const metricName = typeof record.metricName === 'string' ? record.metricName : null;
      groups.addDocument(uuid, {
        line: lineNumber,
        offset: batch.offset + start,
        length: end - start,
        timestampMs,
        metricName,
        collection,
      });
    }
  }
  if (pendingAction) groups.fail(undefined, 'the action line has no document after it', { file, line: pendingAction.line }, pendingAction.text);
  attributeOrphans(groups);
  warnWithoutRunCollection(metadataByCollection, recognised, options);
}

/** A run's metadata rather than a measurement: no `metricName`, and a version or build field. */
function looksLikeRunMetadata(record: Record<string, unknown>, versionField: string): boolean {
  if (record.metricName !== undefined) return false;
  return [versionField, 'ocpVersion', 'buildUrl', 'build_url'].some((f) => getPath(record, f) !== undefined);
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

/** The first usable run id among the fields (patterns match top-level field names). */
export function findRunId(doc: Record<string, unknown>, fields: string[]): string | undefined {
  for (const field of fields) {
    const candidates = field.includes('*') ? Object.keys(doc).filter((k) => matchesPattern(k, field)) : [field];
    for (const key of candidates) {
      const value = getPath(doc, key);
      if (typeof value === 'string' ? value !== '' : typeof value === 'number') return metadataString(value);
    }
  }
  return undefined;
}
