/**
 * Run discovery for one test (reference/orion.md §2.2 steps 1–5): the metadata selection (or, with
 * `--uuid`, the selection taken from that run's metadata; with `--baseline`, exactly baseline + uuid),
 * the time window, the newest-N limit, and the kube-burner jobIterations filter.
 */
import type { AnalysisTest } from '../config/index.js';
import { pythonStr } from '../config/index.js';
import { getNested } from '../sources/opensearch/fields.js';
import type { MetadataSelector, RunInfo, Source } from '../sources/types.js';
import { UserError } from '../util/errors.js';

export interface DiscoveryOptions {
  metadataIndex?: string;
  benchmarkIndex?: string;
  after?: Date;
  before?: Date;
  limit: number;
  uuid?: string;
  baseline?: string[];
  nodeCount: boolean;
}

/** Metadata fields Orion copies from the `--uuid` run (`orion/matcher.py:get_metadata_by_uuid`). */
const UUID_MODE_FIELDS = [
  'platform', 'clusterType', 'masterNodesCount', 'workerNodesCount', 'infraNodesCount', 'masterNodesType',
  'workerNodesType', 'infraNodesType', 'totalNodesCount', 'networkType', 'ipsec', 'fips', 'encrypted',
  'publish', 'computeArch', 'controlPlaneArch',
];

/** kube-burner benchmarks whose runs have no jobSummary iterations to compare. */
const NO_ITERATION_BENCHMARKS = new Set(['ingress-perf', 'k8s-netperf']);

export async function discoverRuns(test: AnalysisTest, source: Source, options: DiscoveryOptions, warn: (m: string) => void): Promise<RunInfo[]> {
  const base = { index: options.metadataIndex, uuidField: test.uuidField, versionField: test.versionField, timestampField: test.timestampField };
  if (options.uuid && options.baseline?.length) {
    return source.findRuns({ ...base, selector: { match: {}, not: {}, wildcard: {} }, uuids: [...options.baseline, options.uuid] });
  }
  const selector = options.uuid ? await selectorOfRun(test, source, options) : test.selector;
  const runs = await source.findRuns({ ...base, selector, after: options.after, before: options.before, limit: options.limit });
  return applyJobIterationsFilter(test, source, runs, options, warn);
}

/** `--uuid` without baseline: that run's hardware/cluster metadata and benchmark select the runs. */
async function selectorOfRun(test: AnalysisTest, source: Source, options: DiscoveryOptions): Promise<MetadataSelector> {
  const uuid = options.uuid ?? '';
  const metadata = source.runMetadata
    ? await source.runMetadata({ index: options.metadataIndex, uuidField: test.uuidField, uuid })
    : (await source.findRuns({ index: options.metadataIndex, selector: { match: {}, not: {}, wildcard: {} }, uuidField: test.uuidField, versionField: test.versionField, timestampField: test.timestampField, uuids: [uuid] }))[0]?.metadata;
  if (!metadata) throw new UserError(`no run with ${test.uuidField} ${uuid}`, { field: '--uuid', test: test.name });
  const match: MetadataSelector['match'] = {};
  for (const field of UUID_MODE_FIELDS) {
    const value = getNested(metadata, field);
    if (value !== undefined && value !== null && value !== '' && value !== false && value !== 0 && typeof value !== 'object') {
      match[field] = pythonStr(value);
    }
  }
  const benchmark = getNested(metadata, 'benchmark');
  if (typeof benchmark === 'string' && benchmark) match['benchmark.keyword'] = benchmark;
  if (Object.keys(match).length === 0) {
    // An empty selection would compare the run with every run in the index.
    throw new UserError(
      `run ${uuid} has none of the fields that select comparable runs (${[...UUID_MODE_FIELDS, 'benchmark'].join(', ')}); name the runs to compare with --baseline`,
      { field: '--uuid', test: test.name },
    );
  }
  return { match, not: {}, wildcard: {} };
}

/**
 * Orion §2.2 step 5: kube-burner runs are compared only with runs of the same `jobConfig.jobIterations`
 * as the newest jobSummary. Orion crashes when there is no jobSummary; here the filter is skipped with a
 * warning.
 */
async function applyJobIterationsFilter(test: AnalysisTest, source: Source, runs: RunInfo[], options: DiscoveryOptions, warn: (m: string) => void): Promise<RunInfo[]> {
  const benchmark = test.metadata['benchmark.keyword'];
  const applies =
    runs.length > 0 &&
    benchmark !== undefined &&
    !NO_ITERATION_BENCHMARKS.has(String(benchmark)) &&
    test.metadata['jobName.keyword'] === undefined &&
    !options.baseline?.length &&
    !options.nodeCount &&
    (options.benchmarkIndex === undefined || options.benchmarkIndex.includes('kube-burner'));
  if (!applies) return runs;
  const summaries = await source.findDocuments({
    index: options.benchmarkIndex,
    uuidField: test.uuidField,
    timestampField: test.timestampField,
    uuids: runs.map((r) => r.uuid),
    filters: { metricName: 'jobSummary' },
    not: { 'jobName.keyword': ['garbage-collection'] },
  });
  if (summaries.length === 0) {
    warn(`test ${test.name}: no jobSummary documents for its runs; the jobIterations filter is skipped`);
    return runs;
  }
  const iterations = getNested(summaries[0], 'jobConfig.jobIterations');
  const keep = new Set(summaries.filter((s) => getNested(s, 'jobConfig.jobIterations') === iterations).map((s) => String(getNested(s, test.uuidField))));
  const kept = runs.filter((r) => keep.has(r.uuid));
  if (kept.length < runs.length) {
    warn(`test ${test.name}: ${runs.length - kept.length} run(s) left out: jobIterations differs from the newest run's ${String(iterations)} (use --node-count true to keep them)`);
  }
  return kept;
}
