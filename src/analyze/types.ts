import type { ChangePointExplanation } from '../detect/types.js';
/**
 * The analysis service's inputs and its result model. The CLI (`perfhound analyze`) and the daemon both
 * call {@link runAnalysis} (pipeline.ts) and hand the {@link AnalysisReport} to a formatter in
 * `src/output/`; nothing here prints.
 */
import type { AckEntry, AnalysisConfig, AnalysisTest, Direction, RunThreshold } from '../config/index.js';
import type { GitHubContext } from '../integrations/github.js';
import type { Source } from '../sources/types.js';
import type { Store } from '../store/connect.js';
import type { SeriesDetector } from './incremental.js';

/** Which algorithm decides the change points (Orion's three mutually exclusive flags). */
export type Algorithm = 'hunter' | 'cmr' | 'anomaly';

export interface AnalysisOptions {
  /** Default `hunter` (E-divisive, Orion `--hunter-analyze`). */
  algorithm?: Algorithm;
  /** `--anomaly-window` (default 5): rolling-mean window of anomaly detection. */
  anomalyWindow?: number;
  /** `--min-anomaly-percent` (default 10). */
  minAnomalyPercent?: number;
  /** `--lookback XdYh`. */
  lookback?: string;
  /** `--since YYYY-MM-DD`. */
  since?: string;
  /** `--lookback-size` (default 10000): newest N metadata hits. */
  lookbackSize?: number;
  /** `--uuid`: select runs by this run's metadata; with `baseline`, compare exactly baseline + uuid. */
  uuid?: string;
  /** `--baseline`: run ids. */
  baseline?: string[];
  /** `--metadata-index` (else the test's `metadata_index`, else the source default). */
  metadataIndex?: string;
  /** `--benchmark-index` (else the test's `benchmark_index`, else the source default). */
  benchmarkIndex?: string;
  /** `--node-count` (default false): false applies the kube-burner jobIterations filter. */
  nodeCount?: boolean;
  /** `--display` metadata fields shown as columns (default `['buildUrl']`). */
  display?: string[];
  /** Acks from ack files (the store's `acks` table is read too when a store is given). */
  acks?: AckEntry[];
  /** `--no-ack`: apply no ack at all (files or store). */
  noAck?: boolean;
  /** An explicit lower time bound replacing `--lookback` (PR mode: when the pull request was opened). */
  after?: Date;
  /** "Now" for `--lookback` without `--since` (tests). */
  now?: Date;
  /**
   * `--threshold …`: the per-run threshold of metrics whose config names none. With one, each test's
   * newest run is judged against the runs before it; a crossing on the bad side is reported as a change
   * point at that run, beside E-divisive's.
   */
  runThreshold?: RunThreshold;
}

export interface AnalysisDeps {
  source: Source;
  /** When given: acks are read from its `acks` table and regressions recorded in `regressions`. */
  store?: Store;
  /** Record detected regressions in the store (default true when a store is given). */
  recordRegressions?: boolean;
  /** Receives warnings as they happen (they are also in the report). */
  warn?: (message: string) => void;
  /**
   * Receives each test's full report as soon as it is analysed (to format it then). When given, the
   * returned report keeps each test without its `rows`, so a long analysis does not hold every test's
   * table until the end.
   */
  onTest?: (test: TestReport) => void | Promise<void>;
  /**
   * Analyses the tests and yields their reports in config order (default: one after the other in this
   * thread). `analyzeInWorkers` (parallel.ts) spreads them over worker threads.
   */
  analyzeTests?: TestAnalyzer;
  /**
   * E-divisive over one column (default: a full analysis). A watch passes its `SeriesMemory`'s, which
   * appends new runs to the state kept from its last analysis when that gives the same answer.
   */
  detectSeries?: SeriesDetector;
}

/** Analyses tests, yielding each report in the order of `tests`; warnings go to `warn` before their report. */
export type TestAnalyzer = (tests: readonly AnalysisTest[], options: AnalysisOptions, warn: (message: string) => void) => AsyncIterable<TestReport>;

/** A metric column of a test's table. */
export interface ColumnInfo {
  /** Orion's column name, e.g. `OCP-84094_catalogdCPU_GCP_avg`. */
  name: string;
  labels: string[];
  direction: Direction;
  threshold: number;
  /** The metric's per-run threshold (config `threshold` mapping), if any. */
  runThreshold?: RunThreshold;
  /** `type: metadata`: shown as an attribute, never analysed. */
  isMetadata: boolean;
}

/** One row of a test's table: a run (or, for `--cmr`, the averaged history). */
export interface ReportRow {
  uuid: string;
  /** Epoch milliseconds (the run's time on the series axis). */
  timestampMs: number;
  version?: string;
  buildUrl?: string;
  /** `--display` fields (missing ones are `N/A`). */
  display: Record<string, unknown>;
  /** Analysed metric values; null = the run has no value (it is left out of that series). */
  values: Record<string, number | null>;
  /** `type: metadata` columns (strings such as a version). */
  attributes: Record<string, unknown>;
  /** The pull requests of the run's payload (Sippy), Orion's JSON `prs`. */
  prs?: string[];
  /** `--github-repos`, at change point rows: releases and commits since the previous run (Orion's `github_context`). */
  githubContext?: GitHubContext;
}

/**
 * Why a change point was reported (`analyze --explain`): the statistics of the segments around it and
 * the rule that kept it.
 */
export interface ChangeExplanation {
  /** the detector's rule and the filters it passed */
  rule: string;
  meanBefore: number;
  meanAfter: number;
  /** standard deviations of the segments; null where the method compares single values (CMR, anomalies) */
  stddevBefore: number | null;
  stddevAfter: number | null;
  /** the test's p-value; null where the method has none */
  pvalue: number | null;
  /** meanAfter / meanBefore − 1 (0 when meanBefore is 0) */
  relativeMagnitude: number;
  /** perfhound mode's robust statistics, when it found the change (a series with gaps) */
  robust?: ChangePointExplanation;
}

/** A change point that survived the filters. */
export interface ReportChangePoint {
  column: string;
  /** Row index in `TestReport.rows` (the first row of the new regime). */
  index: number;
  uuid: string;
  meanBefore: number;
  meanAfter: number;
  pvalue: number;
  /** (meanAfter − meanBefore) / meanBefore · 100: Orion's `percentage_change`. */
  percentageChange: number;
  /** Otava's `forward_change_percent` (meanAfter / meanBefore − 1, 0 when meanBefore is 0) · 100: the text band. */
  forwardChangePercent: number;
  /** why it was reported (`analyze --explain` writes it); absent in reports read back from saved outputs */
  explanation?: ChangeExplanation;
}

/** Change points grouped by row, as Orion's regression summary lists them. */
export interface RegressionGroup {
  index: number;
  uuid: string;
  timestampMs: number;
  badVersion?: string;
  previousVersion?: string;
  buildUrl?: string;
  metrics: { name: string; value: number | null; percentageChange: number; labels: string[] }[];
  /** The changed run's pull requests, or with `--sippy-pr-search` those between the two payloads (integrations.ts). */
  prs?: string[];
  /** `--github-repos`: releases and commits between the previous run and this one. */
  githubContext?: GitHubContext;
}

export interface TestReport {
  name: string;
  uuidField: string;
  versionField: string;
  algorithm: Algorithm;
  columns: ColumnInfo[];
  /** Oldest first. */
  rows: ReportRow[];
  changePoints: ReportChangePoint[];
  regressions: RegressionGroup[];
  /** No runs or no metric values matched: Orion's exit 3. */
  noData: boolean;
  warnings: string[];
  /** The acknowledgements applied to runs of this table (drawn by `--viz`; CMR and anomaly detection ignore them). */
  acks?: { uuid: string; metric?: string; reason?: string }[];
  /** The change points an ack silenced (they would be regressions otherwise): said, never hidden silently. */
  acknowledged?: { uuid: string; column: string }[];
}

export interface AnalysisReport {
  tests: TestReport[];
  /** Some test has a regression (exit 2). */
  regression: boolean;
  /** Some test found no data (exit 3 when nothing regressed). */
  noData: boolean;
  warnings: string[];
  /** Requests (OpenSearch) or queries (store) the source sent. */
  requests: number;
}

export type { AnalysisConfig };
