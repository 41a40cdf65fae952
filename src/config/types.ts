/**
 * The normalised model of an Orion analysis config, as the analysis pipeline consumes it.
 *
 * An Orion config (reference/orion.md §1.5) is a Jinja2-templated YAML file of `tests`; each test selects
 * runs by metadata and lists metrics. After loading (templating, `parentConfig` / `metricsFile` /
 * `local_config` / `local_metrics` inheritance, `fan_out` expansion, validation) every test becomes an
 * {@link AnalysisTest} and every metric block an {@link AnalysisMetric} with one or more
 * {@link AnalysisSeries} — one per output column, which is one time series for change point detection.
 *
 * @example
 * const config = await loadAnalysisConfig('ci-tests.yaml', { inputVars: { version: '4.20' } });
 * for (const test of config.tests) {
 *   const runs = await source.findRuns({ selector: test.selector, uuidField: test.uuidField,
 *     versionField: test.versionField, timestampField: test.timestampField });
 *   const metrics = await expandAllGroupBy(test, (m, field) => source.distinctValues(groupByQuery(test, m, field, uuids)));
 *   const series = metrics.flatMap((m) => m.series);   // each: column name + MetricSelector
 * }
 */
import type { Place } from '../util/errors.js';
import type { FieldValue, MetadataSelector, MetricSelector } from '../sources/types.js';

/** Which changes count as regressions: 1 increases only (Orion's default), -1 decreases only, 0 both. */
export type Direction = 1 | 0 | -1;

/** Something in the config that loads but deserves the user's attention (printed as warnings). */
export interface ConfigWarning {
  message: string;
  place: Place;
}

/** A whole analysis config after loading. */
export interface AnalysisConfig {
  /** The config file's path as given (undefined for text/objects without a `file` option). */
  file?: string;
  tests: AnalysisTest[];
  /** Top-level JIRA settings Orion reads from a config (`jira_*` keys); all optional. */
  jira: JiraSettings;
  /** Non-fatal findings: ignored keys, Orion behaviours perfhound deliberately does not copy, … */
  warnings: ConfigWarning[];
}

export interface JiraSettings {
  url?: string;
  token?: string;
  email?: string;
  /** JIRA field holding the run uuid (Orion default `description`). */
  uuidField: string;
  /** JIRA field holding the metric name (Orion default `labels`). */
  metricField: string;
}

/** One `tests[]` entry. */
export interface AnalysisTest {
  /** The test's name (output file suffix, JSON top-level key). */
  name: string;
  /** Position in the config's `tests` list (0-based). */
  index: number;
  /**
   * The merged `metadata` block exactly as Orion sees it after inheritance (raw YAML values, `not` and
   * `wildcard` included). The pipeline needs it for Orion's side rules: the kube-burner jobIterations filter
   * (`benchmark.keyword`, `jobName.keyword`), ack filtering by `metadata[versionField]` /
   * `metadata['benchmark.keyword']`.
   */
  metadata: Record<string, unknown>;
  /** Run selection for `Source.findRuns`, with Orion's skip rules applied (see `selector.ts`). */
  selector: MetadataSelector;
  /** Run id field (`uuid_field`, default `uuid`). */
  uuidField: string;
  /** Version field (`version_field`, default `ocpVersion`; dotted paths allowed). */
  versionField: string;
  /** Timestamp field of metadata and metric documents (`timestamp`, default `timestamp`). */
  timestampField: string;
  /** `benchmark_index`: used only when no `--benchmark-index` is given. */
  benchmarkIndex?: string;
  /** `metadata_index`: used only when no `--metadata-index` is given. */
  metadataIndex?: string;
  /** Test-level default threshold in percent (`threshold`, default 0). */
  threshold: number;
  /** Test-level default per-run threshold (`threshold` given as a mapping). */
  runThreshold?: RunThreshold;
  /**
   * Test-level default direction (`direction`, default 1). Orion ignores a test-level `direction`
   * (orion.md §7); perfhound honours it as the default of the test's metrics.
   */
  direction: Direction;
  /** Metric blocks after inheritance and `fan_out` expansion; `group_by` templates still unexpanded. */
  metrics: AnalysisMetric[];
  place: Place;
}

/** How the metric's value is obtained per run. */
export type MetricKind = 'standard' | 'aggregated';

/** One metric block of a test. */
export interface AnalysisMetric {
  /** The block's `name`. */
  name: string;
  kind: MetricKind;
  /** Field filters (every non-reserved key, YAML types kept) — same as each series' selector. */
  filters: Record<string, FieldValue>;
  /** `not` filters: field → values none may equal (scalars become one-element lists). */
  not: Record<string, FieldValue[]>;
  /** Dotted path of the value field (`metric_of_interest`). */
  metricOfInterest: string;
  /**
   * The time series this block produces, one per output column: one for standard metrics and most
   * aggregations, one per percent for `percentiles` without `target_percentile`. Empty while the block
   * is a `group_by` template (expand it first with `expandGroupBy`).
   */
  series: AnalysisSeries[];
  /** Regression direction (metric `direction`, else the test's, else 1). */
  direction: Direction;
  /** Threshold in percent (metric `threshold`, else the test's, else 0; absolute value). */
  threshold: number;
  /** Per-run threshold (metric `threshold` as a mapping, else the test's); none: only change points. */
  runThreshold?: RunThreshold;
  /** Free-form labels, conventionally `"[Jira: component]"`. */
  labels: string[];
  /**
   * Column name of another series of the same test (`"<name>_<moi or agg>"`): this metric's change
   * point is kept only if that series has a (kept) change point within ±`context` rows.
   */
  correlation?: string;
  /** Window of rows for `correlation` (default 5). */
  context: number;
  /** `type: metadata`: fetched like a metric but shown as an attribute column, never analysed. */
  isMetadata: boolean;
  /**
   * `group_by` field: this block is a template expanded at query time into one metric per distinct
   * value of the field among the test's runs (see `group-by.ts`). Undefined for ordinary metrics.
   */
  groupBy?: string;
  /** The metric block as Orion holds it after `fan_out` (for `group_by` expansion and debugging). */
  raw: Record<string, unknown>;
  place: Place;
}

/** One output column = one time series. */
export interface AnalysisSeries {
  /**
   * Orion's column name: `<name>_<metric_of_interest>` (standard), `<name>_<agg_type>` (aggregations),
   * `<name>_percentiles_<p>` with `p` formatted like Python's `str(float(p))` (`99.0`, `99.9`). The name
   * used by `correlation`, acks, JSON, JUnit and the CSV of data.
   */
  column: string;
  /**
   * What to ask the source for. `selector.name` equals `column` (unique within a test); for percentiles
   * `selector.agg.targetPercentile` is this column's percent and `percents` all of the block's — so the
   * series of one percentiles block may also be fetched once (any of their selectors) and split by
   * `MetricRow.percentiles[pythonFloatStr(series.percentile)]`.
   */
  selector: MetricSelector;
  /** For percentile series: the percent this column holds. */
  percentile?: number;
}

/** One entry of an Orion ack file (orion.md §1.6), normalised. */
export interface AckEntry {
  /** Run id the acknowledged change point is at. */
  uuid: string;
  /** Full column name, e.g. `etcdCPU_avg`. */
  metric: string;
  reason?: string;
  /** Optional: applies only when equal to the test's `metadata[version_field]` (Orion semantics). */
  version?: string;
  /** Optional: applies only when equal to the test's `metadata['benchmark.keyword']`. */
  test?: string;
  /** Where the entry was read from. */
  place: Place;
}

/** A test of Bencher's model: how the newest run is judged against the runs before it. */
export type RunThresholdTest = 't_test' | 'z_score' | 'iqr' | 'percentage' | 'static';

/**
 * A per-run threshold (a metric's `threshold` mapping, or the `--threshold` flags). `lower` / `upper`
 * name the judged side(s) and their boundary (static: the limit itself); without them the metric's
 * direction names the side(s), judged at `value` or the test's default.
 */
export interface RunThreshold {
  test: RunThresholdTest;
  /** The last N runs before the judged one (default 30). */
  window?: number;
  value?: number;
  lower?: number;
  upper?: number;
  /** Fewer runs before it than this: not enough data (default 2; static 0). */
  minSampleSize?: number;
}
