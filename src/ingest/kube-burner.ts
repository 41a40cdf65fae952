/**
 * `perfhound ingest kube-burner`: kube-burner's JSON output (a directory or one file) into runs.
 *
 * ```ts
 * const report = await ingestKubeBurner(store, './collected-metrics', { collection: 'ripsaw-kube-burner',
 *   runCollection: 'perf_scale_ci', versionField: 'ocpVersion', runMeta: {} });
 * ```
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Store } from '../store/connect.js';
import { metadataString } from '../store/metadata.js';
import { UserError } from '../util/errors.js';
import { beyondDouble, nonFiniteField, parseJsonExactly, scanJsonElements } from './json-scanner.js';
import { newReport, type IngestReport } from './report.js';
import { runColumnsFromMetadata } from './run-fields.js';
import { RunGroups, attributeOrphans, salvageUuid } from './run-groups.js';
import { parseTimestamp } from './timestamps.js';
import { writeGroups } from './write-groups.js';

export interface KubeBurnerOptions {
  /** Collection of the measurement documents (Orion's benchmark index; default `ripsaw-kube-burner`). */
  collection: string;
  /** Collection the runs belong to (Orion's metadata index; default `perf_scale_ci`). */
  runCollection: string;
  versionField: string;
  runMeta: Record<string, string>;
  label?: string;
  onProgress?(done: number, total: number): void;
}

/**
 * Ingests kube-burner's output: a directory of its JSON files (each a JSON array of documents:
 * jobSummary, podLatencyQuantilesMeasurement, containerCPU, …) or one such file (array or NDJSON).
 * Documents are grouped into runs by their `uuid`; a run's metadata is its jobSummary's `metadata`
 * (ocpVersion, platform, …) plus `--run-meta`. A run that already exists keeps its metadata (it may
 * have come from the metadata index); its kube-burner documents are replaced.
 */
export async function ingestKubeBurner(store: Store, input: string, options: KubeBurnerOptions): Promise<IngestReport> {
  const report = newReport(options.label ?? input, 'kube-burner');
  const groups = new RunGroups();
  const summaries = new Map<string, Record<string, unknown>>();
  groups.paths.push(...(await kubeBurnerFiles(input)));

  for (let file = 0; file < groups.paths.length; file++) {
    const path = groups.paths[file];
    for await (const el of scanJsonElements(path)) {
      const place = { file: path, line: el.line };
      let doc: unknown;
      try {
        doc = parseJsonExactly(el);
      } catch (err) {
        groups.fail(salvageUuid(el.text, 'uuid'), `malformed JSON document: ${(err as Error).message}`, place, el.text);
        continue;
      }
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
        groups.fail(undefined, 'a kube-burner document must be a JSON object', place);
        continue;
      }
      const record = doc as Record<string, unknown>;
      if (typeof record.uuid !== 'string' || !record.uuid) {
        groups.fail(undefined, 'the document has no uuid', { ...place, field: 'uuid' });
        continue;
      }
      const metricName = typeof record.metricName === 'string' ? record.metricName : null;
      // A jobSummary becomes run metadata, written back as JSON (1e400 would become null): refused.
      const beyond = metricName === 'jobSummary' ? nonFiniteField(record) : undefined;
      if (beyond !== undefined) {
        groups.fail(record.uuid, beyondDouble(beyond), place);
        continue;
      }
      if (metricName === 'jobSummary' && !summaries.has(record.uuid)) summaries.set(record.uuid, record);
      groups.addDocument(record.uuid, {
        file,
        line: el.line,
        offset: el.offset,
        length: el.length,
        timestampMs: parseTimestamp(record.timestamp),
        metricName,
        collection: options.collection,
      });
    }
  }

  attributeOrphans(groups);
  await writeGroups(store, groups, report, {
    onProgress: options.onProgress,
    toRun: (group) => {
      const summary = summaries.get(group.uuid);
      const summaryMeta = (summary?.metadata ?? {}) as Record<string, unknown>;
      const metadata: Record<string, unknown> = {
        uuid: group.uuid,
        ...summaryMeta,
        ...(summary?.jobName !== undefined ? { benchmark: metadataString(summary.jobName) } : {}),
        ...options.runMeta,
      };
      const timestampMs = parseTimestamp(summary?.timestamp) ?? group.documents.earliestTimestamp() ?? NaN;
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

async function kubeBurnerFiles(input: string): Promise<string[]> {
  const info = await stat(input).catch(() => {
    throw new UserError('no such file or directory', { file: input });
  });
  if (!info.isDirectory()) return [input];
  const names = (await readdir(input)).filter((n) => n.endsWith('.json')).sort();
  if (!names.length) throw new UserError('the directory has no .json files', { file: input });
  return names.map((n) => join(input, n));
}
