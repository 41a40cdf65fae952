/**
 * `perfhound ingest kube-burner`: kube-burner's JSON output (a directory or one file) into runs.
 *
 * ```ts
 * const report = await ingestKubeBurner(store, './collected-metrics', { collection: 'ripsaw-kube-burner',
 *   runCollection: 'perf_scale_ci', versionField: 'ocpVersion', runMeta: {} });
 * ```
 */
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/connect.js';
import type { NewDocument } from '../store/runs.js';
import { metadataString } from '../store/metadata.js';
import { UserError } from '../util/errors.js';
import { isFileError, unreadableReason } from '../util/files.js';
import { beyondDouble, nonFiniteField, parseJsonExactly, scanJsonElements } from './json-scanner.js';
import type { ScannedLine } from './line-scanner.js';
import { newReport, withoutPlace, type IngestReport } from './report.js';
import { runColumnsFromMetadata } from './run-fields.js';
import { RunGroups, attributeOrphans, salvageUuid } from './run-groups.js';
import { parseTimestamp } from './timestamps.js';
import { writeGroups, type WriteGroupsOptions } from './write-groups.js';

export interface KubeBurnerOptions {
  /** Collection of the measurement documents (Orion's benchmark index; default `ripsaw-kube-burner`). */
  collection: string;
  /** Collection the runs belong to (Orion's metadata index; default `perf_scale_ci`). */
  runCollection: string;
  versionField: string;
  runMeta: Record<string, string>;
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
}

/**
 * Ingests kube-burner's output: a directory of its JSON files (each a JSON array of documents:
 * jobSummary, podLatencyQuantilesMeasurement, containerCPU, …) or one such file (array or NDJSON).
 * Documents are grouped into runs by their `uuid`; a run's metadata is its jobSummary's `metadata`
 * (ocpVersion, platform, …) plus `--run-meta`. A run that already exists keeps its metadata (it may
 * have come from the metadata index); its kube-burner documents are replaced.
 */
export async function ingestKubeBurner(store: Store, input: string, options: KubeBurnerOptions): Promise<IngestReport> {
  const report = newReport(options.label ?? input, 'kube-burner', options.listWritten ?? true);
  const groups = new RunGroups();
  groups.paths.push(...(await kubeBurnerFiles(input)));
  try {
    await scanKubeBurner(groups, input, report.file, options);
  } catch (err) {
    groups.close();
    throw err;
  }

  await writeGroups(store, groups, report, {
    onProgress: options.onProgress,
    batchRuns: options.batchRuns,
    setWriter: options.setWriter,
    replace: options.replace,
    toRun: (group, _metadata, documents) => {
      const summary = jobSummary(documents);
      const summaryMeta = (summary?.metadata ?? {}) as Record<string, unknown>;
      const metadata: Record<string, unknown> = {
        uuid: group.uuid,
        ...summaryMeta,
        ...(summary?.jobName !== undefined ? { benchmark: metadataString(summary.jobName) } : {}),
        ...options.runMeta,
      };
      const timestampMs = parseTimestamp(summary?.timestamp) ?? group.earliestTimestampMs ?? NaN;
      if (Number.isFinite(timestampMs)) metadata.timestamp = new Date(timestampMs).toISOString();
      return {
        uuid: group.uuid,
        timestampMs,
        source: 'kube-burner',
        collection: options.runCollection,
        metadata,
        ...runColumnsFromMetadata(metadata, options.versionField),
        endMs: parseTimestamp(summary?.endTimestamp),
      };
    },
  });
  return report;
}

/**
 * The first pass: every file's elements validated and noted by place in `groups` (a run's jobSummary
 * too: the second pass reads it back with the run's documents, so no run's summary stays in memory).
 */
async function scanKubeBurner(groups: RunGroups, input: string, label: string, options: KubeBurnerOptions): Promise<void> {
  for (let file = 0; file < groups.paths.length; file++) {
    const path = groups.paths[file];
    // Messages name the input as the caller does (a spooled body is its label), a folder's files by path.
    const name = path === input ? label : path;
    // The runs with documents in this file, and where its last whole element ends.
    const runsInFile = new Set<string>();
    let end = 0;
    try {
      for await (const el of scanJsonElements(path)) {
        end = el.offset + el.length;
        const uuid = readDocument(el, name, file, groups, options);
        if (uuid !== undefined) runsInFile.add(uuid);
      }
    } catch (err) {
      // A file cut short or unreadable refuses its own runs (they may miss documents), not the folder's others.
      const why = err instanceof UserError ? { message: withoutPlace(err), place: { ...err.place, file: name } } : isFileError(err) ? { message: `cannot read the file: ${unreadableReason(err)}`, place: { file: name } } : undefined;
      if (!why) throw err;
      for (const uuid of runsInFile) groups.fail(uuid, why.message, why.place);
      // The rest of the file may name a run whose other documents are in other files.
      groups.fail(undefined, why.message, why.place, await textAfter(path, end));
    }
  }

  attributeOrphans(groups);
}

/** The run's first jobSummary document (its metadata), parsed again from the text the first pass checked. */
function jobSummary(documents: readonly NewDocument[]): Record<string, unknown> | undefined {
  const summary = documents.find((d) => d.metricName === 'jobSummary');
  return summary && (parseJsonExactly({ text: summary.body }) as Record<string, unknown>);
}

/** Reads one kube-burner document into the groups; returns its run id, or undefined when it has none. */
function readDocument(
  el: ScannedLine,
  name: string,
  file: number,
  groups: RunGroups,
  options: KubeBurnerOptions,
): string | undefined {
  const place = { file: name, line: el.line };
  let doc: unknown;
  try {
    doc = parseJsonExactly(el);
  } catch (err) {
    const uuid = salvageUuid(el.text, 'uuid');
    groups.fail(uuid, `malformed JSON document: ${(err as Error).message}`, place, el.text);
    return uuid;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    groups.fail(undefined, 'a kube-burner document must be a JSON object', place);
    return undefined;
  }
  const record = doc as Record<string, unknown>;
  if (typeof record.uuid !== 'string' || !record.uuid) {
    groups.fail(undefined, 'the document has no uuid', { ...place, field: 'uuid' });
    return undefined;
  }
  const metricName = typeof record.metricName === 'string' ? record.metricName : null;
  // A jobSummary becomes run metadata, written back as JSON (1e400 would become null): refused.
  const beyond = metricName === 'jobSummary' ? nonFiniteField(record) : undefined;
  if (beyond !== undefined) {
    groups.fail(record.uuid, beyondDouble(beyond), place);
    return record.uuid;
  }
  groups.addDocument(record.uuid, {
    file,
    line: el.line,
    offset: el.offset,
    length: el.length,
    timestampMs: parseTimestamp(record.timestamp),
    metricName,
    collection: options.collection,
  });
  return record.uuid;
}

/** The first 64 KiB of a file after `offset` (where a cut-short element may name its run), or nothing. */
async function textAfter(path: string, offset: number): Promise<string> {
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(65_536);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      return buffer.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return '';
  }
}

async function kubeBurnerFiles(input: string): Promise<string[]> {
  const info = await stat(input).catch((err: unknown) => {
    throw new UserError(`cannot read the input: ${unreadableReason(err)}`, { file: input });
  });
  if (!info.isDirectory()) return [input];
  const names = (await readdir(input)).filter((n) => n.endsWith('.json')).sort();
  if (!names.length) throw new UserError('the directory has no .json files', { file: input });
  return names.map((n) => join(input, n));
}
