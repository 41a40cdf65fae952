/**
 * Step 1 of the DAG: the runs of the window from the metadata collection(s), the ignore tags, and each
 * run's benchmark results joined by uuid through the config's benchmark mappings — from the store or
 * OpenSearch alike, through the `Source` interface `analyze` uses.
 *
 * @example
 * const runs = await collectRuns(source, config, { after: new Date(Date.now() - 14 * 864e5) });
 * const results = await collectResults(source, config, runs.kept);   // uuid → { mapping, results, error? }
 */
import { getNested } from '../sources/opensearch/fields.js';
import type { RunInfo, Source } from '../sources/types.js';
import { errorMessage } from '../util/errors.js';
import type { BenchmarkMapping, ReportConfig, When } from './config.js';

export interface CollectedRuns {
  kept: RunInfo[];
  /** Runs left out by `ignore_tags`. */
  ignored: RunInfo[];
}

export interface RunWindowQuery {
  index?: string;
  /** Runs at or after this time. */
  since?: Date;
  until?: Date;
  uuid?: string;
}

const IN_BATCH = 1000;

export async function collectRuns(source: Source, config: ReportConfig, query: RunWindowQuery): Promise<CollectedRuns> {
  const f = config.fields;
  const runs = await source.findRuns({
    index: query.index ?? config.metadata_index,
    selector: { match: {}, not: {}, wildcard: {} },
    uuidField: f.uuid,
    versionField: f.version,
    timestampField: f.timestamp,
    // RunQuery bounds are strict; a report window includes its ends.
    ...(query.uuid === undefined && query.since ? { after: new Date(query.since.getTime() - 1) } : {}),
    ...(query.uuid === undefined && query.until ? { before: new Date(query.until.getTime() + 1) } : {}),
    ...(query.uuid !== undefined ? { uuids: [query.uuid] } : {}),
  });
  const ignore = new Set(config.ignore_tags);
  const kept: RunInfo[] = [];
  const ignored: RunInfo[] = [];
  for (const run of runs) {
    const tag = getNested(run.metadata, f.build_tag);
    (tag !== undefined && tag !== null && ignore.has(String(tag)) ? ignored : kept).push(run);
  }
  return { kept, ignored };
}

export interface RunResults {
  mapping?: BenchmarkMapping;
  results: Record<string, unknown>;
  /** Why the results could not be read, when they could not. */
  error?: string;
}

/** The first benchmark mapping whose `when` the run's metadata matches. */
export function mappingOf(config: ReportConfig, metadata: Record<string, unknown>): BenchmarkMapping | undefined {
  return config.benchmarks.find((b) => matchesWhen(metadata, b.when));
}

/**
 * Each run's results: per mapping, one document query per result rule for a batch of runs; `key_by`
 * keys each document by that field (the newest document of a key wins), `key` keeps the newest document.
 */
export async function collectResults(source: Source, config: ReportConfig, runs: readonly RunInfo[]): Promise<Map<string, RunResults>> {
  const out = new Map<string, RunResults>();
  const byMapping = new Map<BenchmarkMapping, string[]>();
  for (const run of runs) {
    const mapping = mappingOf(config, run.metadata);
    out.set(run.uuid, { mapping, results: {} });
    if (!mapping) continue;
    const list = byMapping.get(mapping) ?? [];
    list.push(run.uuid);
    byMapping.set(mapping, list);
  }
  const f = config.fields;
  for (const [mapping, uuids] of byMapping) {
    for (let i = 0; i < uuids.length; i += IN_BATCH) {
      const batch = uuids.slice(i, i + IN_BATCH);
      try {
        for (const rule of mapping.results) {
          const docs = await source.findDocuments({ index: mapping.index, uuidField: f.uuid, timestampField: f.timestamp, uuids: batch, filters: { metricName: rule.metric_name }, not: {} });
          for (const doc of docs) {
            // Newest first: the first document of a key is kept.
            const entry = out.get(String(getNested(doc, f.uuid)));
            if (!entry) continue;
            const key = rule.key ?? String(getNested(doc, rule.key_by!) ?? '');
            if (key !== '' && !(key in entry.results)) entry.results[key] = doc;
          }
        }
      } catch (err) {
        for (const uuid of batch) {
          const entry = out.get(uuid)!;
          entry.results = {};
          entry.error = `reading results from ${mapping.index} failed: ${errorMessage(err)}`;
        }
      }
    }
  }
  return out;
}

/** Every field of `when` matches: equal to the value or one of the values; `*` in a string is a wildcard. */
export function matchesWhen(metadata: Record<string, unknown>, when: When): boolean {
  for (const [field, wanted] of Object.entries(when)) {
    const value = getNested(metadata, field);
    if (value === undefined || value === null || typeof value === 'object') return false;
    const options = Array.isArray(wanted) ? wanted : [wanted];
    if (!options.some((o) => matchesOne(String(value), o))) return false;
  }
  return true;
}

function matchesOne(value: string, wanted: string | number | boolean): boolean {
  const w = String(wanted);
  if (!w.includes('*')) return value === w;
  const re = new RegExp('^' + w.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 's');
  return re.test(value);
}
