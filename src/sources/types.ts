/**
 * The one interface every source of runs and metric values implements: the built-in store, OpenSearch /
 * Elasticsearch, CSV files. The analysis pipeline (`src/analyze/`) speaks only this interface, so an Orion
 * config means the same thing whichever source answers it.
 *
 * Semantics follow Orion (reference/orion.md §2): runs are selected by metadata, metric values are either
 * one document field per run ("standard" metrics) or an aggregation over the run's matching documents.
 *
 * @example
 * const runs = await source.findRuns({ selector: { match: { platform: 'GCP' }, not: {}, wildcard: {} },
 *   uuidField: 'uuid', versionField: 'ocpVersion', timestampField: 'timestamp', limit: 10000 });
 * const values = await source.fetchMetrics({ uuids: runs.map((r) => r.uuid), uuidField: 'uuid',
 *   timestampField: 'timestamp', metrics: [{ name: 'cpu', filters: { metricName: 'cpu' }, not: {},
 *   metricOfInterest: 'value', agg: { type: 'avg' } }] });
 */
export type FieldValue = string | number | boolean;

/** Metadata selection of runs: Orion's `metadata` block, with `not` and `wildcard`. */
export interface MetadataSelector {
  /** field → value; every one must match (Orion `must` + `match`). Dotted fields traverse objects. */
  match: Record<string, FieldValue>;
  /** field → values; none may match (Orion `not`, scalars become one-element lists). */
  not: Record<string, FieldValue[]>;
  /** field → pattern with `*` (Orion `wildcard`). */
  wildcard: Record<string, string>;
}

export interface RunQuery {
  /** Metadata index pattern (OpenSearch) or metadata collection pattern (store); source default if absent. */
  index?: string;
  selector: MetadataSelector;
  uuidField: string;
  versionField: string;
  timestampField: string;
  /** Only runs strictly after this instant (Orion `--lookback` → `gt`). */
  after?: Date;
  /** Only runs strictly before this instant (Orion `--since` → `lt`). */
  before?: Date;
  /** Newest N runs at most (Orion `--lookback-size`). */
  limit?: number;
  /** Restrict to these run ids. */
  uuids?: string[];
}

export interface RunInfo {
  uuid: string;
  /** Epoch milliseconds of the run's timestamp field. */
  timestampMs: number;
  /** The version field's value, if the run has one. */
  version?: string;
  buildUrl?: string;
  /** All metadata fields of the run, as stored (nested objects kept). */
  metadata: Record<string, unknown>;
}

export type AggType = 'avg' | 'sum' | 'max' | 'min' | 'count' | 'percentiles';

export interface MetricAgg {
  type: AggType;
  /** For `percentiles`: the percents to compute (Orion default [50, 95, 99]). */
  percents?: number[];
  /** For `percentiles`: the percent whose value becomes the series value (Orion default 95... see config). */
  targetPercentile?: number;
}

/** One metric's document selection and value extraction (Orion's metric block, normalised). */
export interface MetricSelector {
  /** The metric's name in the config (unique within a test). */
  name: string;
  /** field → value; all must equal (`.keyword` suffix means exact value of the field). */
  filters: Record<string, FieldValue>;
  /** field → values; none may equal. */
  not: Record<string, FieldValue[]>;
  /** Dotted path of the value field in a document. */
  metricOfInterest: string;
  /** Absent: the document field's value per run ("standard" metric). */
  agg?: MetricAgg;
  /** The timestamp field of this metric's documents (default: the query's). */
  timestampField?: string;
}

export interface MetricQuery {
  /** Benchmark index pattern (OpenSearch) or collection pattern (store); source default if absent. */
  index?: string;
  uuidField: string;
  timestampField: string;
  uuids: string[];
  metrics: MetricSelector[];
}

/** A metric's value for one run. `value` null = the run has no value for it (left out, with a warning). */
export interface MetricRow {
  uuid: string;
  /** Epoch milliseconds: for aggregations the mean document time of the run, else the document's. */
  timestampMs: number;
  value: number | null;
  /**
   * `percentiles` metrics: every requested percent keyed as Orion names its columns (`"99.0"`), because
   * without `target_percentile` Orion makes one column per percent; `value` is then the target percent's
   * value, or the first requested one's.
   */
  percentiles?: Record<string, number | null>;
  /**
   * Standard metrics: the document field as stored, since `type: metadata` columns (e.g. a version string)
   * are not numbers; `value` is its numeric reading or null.
   */
  raw?: unknown;
}

export interface DocumentQuery {
  index?: string;
  uuidField: string;
  timestampField: string;
  uuids: string[];
  filters: Record<string, FieldValue>;
  not: Record<string, FieldValue[]>;
}

export interface Source {
  /** Human name for logs ("store", "opensearch", "csv"). */
  readonly kind: string;
  /** Runs matching the selection, oldest first. */
  findRuns(query: RunQuery): Promise<RunInfo[]>;
  /** Values of each metric per run: metric name → rows (one per run that has documents). */
  fetchMetrics(query: MetricQuery): Promise<Map<string, MetricRow[]>>;
  /** Raw documents of the given runs matching filters, newest first (e.g. kube-burner jobSummary). */
  findDocuments(query: DocumentQuery): Promise<Record<string, unknown>[]>;
  /** Distinct values of `field` among matching documents (Orion `group_by` discovery), sorted. */
  distinctValues(query: DocumentQuery & { field: string }): Promise<string[]>;
  /**
   * One run's metadata by id (Orion `--uuid` mode, request H), undefined if there is none. Optional because
   * a store can answer it through `findRuns({ uuids })`; OpenSearch sends Orion's own query.
   */
  runMetadata?(query: { index?: string; uuidField: string; uuid: string }): Promise<Record<string, unknown> | undefined>;
  /** Requests sent so far (remote sources); for benchmarks and logs. */
  requestCount(): number;
  close(): Promise<void>;
}
