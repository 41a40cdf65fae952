import type { ColumnType, Generated } from 'kysely';

/**
 * The store's tables as Kysely sees them. Times are epoch milliseconds (`*_ms`) or, for test results,
 * epoch microseconds (`*_us`), in BIGINT columns: one representation on SQLite, PostgreSQL and MariaDB.
 * Ids are internal; runs are addressed publicly by `uuid`.
 */
export interface Database {
  runs: RunsTable;
  run_metadata: RunMetadataTable;
  /**
   * Keys of the search terms of run metadata (migration 0017, src/store/term-index.ts), each dialect its
   * own way: SQLite an FTS5 table (rowid, `term_keys` tokens), PostgreSQL (`run_id`, `term_keys` bigint[]),
   * MariaDB/MySQL (`term_key`, `run_id`).
   */
  run_terms: { run_id: number; term_keys: string; term_key: number };
  run_times: { run_id: number; field: string; time_ms: number };
  documents: DocumentsTable;
  tests: TestsTable;
  test_runs: TestRunsTable;
  test_run_metadata: TestRunMetadataTable;
  test_metadata: TestMetadataTable;
  attachments: AttachmentsTable;
  regressions: RegressionsTable;
  acks: AcksTable;
  api_tokens: ApiTokensTable;
  reports: ReportsTable;
  report_claims: ReportClaimsTable;
  experiments: ExperimentsTable;
  experiment_tests: ExperimentTestsTable;
  data_version: DataVersionTable;
  /** Names of the collections documents were written to (migration 0006), kept at ingest. */
  document_collections: { name: string };
  /** Alerts (migration 0013, src/store/alerts.ts). */
  watches: WatchesTable;
  alert_channels: AlertChannelsTable;
  watch_findings: WatchFindingsTable;
  silences: SilencesTable;
  outbox: OutboxTable;
}

type Id = Generated<number>;

/** One execution of a job or experiment test (a point on every series it has values for). */
export interface RunsTable {
  id: Id;
  /** Public id: kube-burner/Orion uuid, subunit2sql run id, CSV row key. */
  uuid: string;
  /** The point on the series axis. */
  timestamp_ms: number;
  start_ms: number | null;
  end_ms: number | null;
  status: string | null;
  build_url: string | null;
  version: string | null;
  artifacts: string | null;
  /** The ingest format that wrote the run (bulk, kube-burner, csv, json, subunit, junit). */
  source: string;
  /** The metadata collection (index) the run belongs to, e.g. `perf_scale_ci`; Orion's metadata index. */
  collection: string;
  /** subunit2sql totals: passes = success+xfail, fails = fail+uxsuccess, skips. */
  passes: number | null;
  fails: number | null;
  skips: number | null;
  /** Seconds: sum of test durations, or wall time (subunit2sql `run_time`). */
  run_time: number | null;
  /** All metadata as JSON, nested objects and value types kept. */
  metadata: string;
  ingested_ms: number;
  /** The data version of the write that last changed the run (migration 0014; run-changes.ts). */
  changed_version: Generated<number>;
}

/** Flattened (dotted keys) string form of run metadata, indexed for filtering and grouping. */
export interface RunMetadataTable {
  id: Id;
  run_id: number;
  key: string;
  /** First 512 characters of the value; the whole value is in runs.metadata. */
  value: string;
}

/** A raw benchmark result of a run (a kube-burner measurement, a CSV row's metrics…). */
export interface DocumentsTable {
  id: Id;
  run_id: number;
  /** The index / collection the document came from (`_index` of a bulk file). */
  collection: string;
  timestamp_ms: number | null;
  metric_name: string | null;
  /** The document as JSON. */
  body: string;
}

/** subunit2sql `tests`: one row per test id, with running aggregates. */
export interface TestsTable {
  id: Id;
  test_id: string;
  run_count: number;
  success: number;
  failure: number;
  /** Mean duration of successful executions (seconds), subunit2sql semantics. */
  run_time: number | null;
}

export interface TestRunsTable {
  id: Id;
  test_id: number;
  run_id: number;
  status: string;
  start_us: number | null;
  stop_us: number | null;
}

export interface TestRunMetadataTable {
  id: Id;
  test_run_id: number;
  key: string;
  value: string;
}

export interface TestMetadataTable {
  id: Id;
  test_id: number;
  key: string;
  value: string;
}

export interface AttachmentsTable {
  id: Id;
  test_run_id: number;
  label: string;
  content_type: string | null;
  body: ColumnType<Buffer, Buffer | Uint8Array, Buffer | Uint8Array>;
}

/** A detected change of a series (test + metric) at a run, and its lifecycle. */
export interface RegressionsTable {
  id: Id;
  test_name: string;
  metric: string;
  run_uuid: string;
  timestamp_ms: number;
  percentage_change: number | null;
  mean_before: number | null;
  mean_after: number | null;
  pvalue: number | null;
  /** open → acknowledged → resolved */
  status: string;
  first_seen_ms: number;
  last_seen_ms: number;
  /** Why, by whom and when the status last changed (0013; null while open). */
  status_reason: string | null;
  status_by: string | null;
  status_ms: number | null;
}

/** An acknowledgement: a known change not to report again (Orion ack files map onto these). */
export interface AcksTable {
  id: Id;
  run_uuid: string;
  /** Null: every test. */
  test_name: string | null;
  /** Null: every metric. */
  metric: string | null;
  reason: string;
  acked_by: string | null;
  created_ms: number;
}

export interface ApiTokensTable {
  id: Id;
  name: string;
  scope: string;
  /** SHA-256 of the token; the token itself is shown once and never stored. */
  token_hash: string;
  created_ms: number;
  revoked_ms: number | null;
}

/** An enriched run (metadata + results + Prometheus metrics + links), seed 002's schema (migration 0010). */
export interface ReportsTable {
  id: Id;
  /** The run's public id; one report per run. */
  uuid: string;
  /** The store's run, when the run is in the store (a report of an OpenSearch run may have none). */
  run_id: number | null;
  cluster_name: string | null;
  report_type: string | null;
  run_timestamp_ms: number;
  generated_ms: number;
  /** Number of warnings in the body. */
  warnings: number;
  /** The report document as JSON. */
  body: string;
}

/** A report being generated (src/store/reports.ts): who holds it and until when. */
export interface ReportClaimsTable {
  uuid: string;
  holder: string;
  expires_ms: number;
}

/** A campaign of perftest-style tests over a parameter matrix (seed 003). */
export interface ExperimentsTable {
  id: Id;
  name: string;
  config: string;
  status: string;
  created_ms: number;
  updated_ms: number;
  /** Tests the campaign plans (PCG: all combinations; RCG: the target, or the space if smaller); 0011. */
  planned_tests: number | null;
}

/** One attempt of one test of an experiment: the Experiment Status Spreadsheet's row. */
export interface ExperimentTestsTable {
  id: Id;
  experiment_id: number;
  name: string;
  combination: string;
  attempt: number;
  pings: number;
  ssh_checks: number;
  start_ms: number | null;
  end_ms: number | null;
  end_status: string | null;
  /** ESS comments (0011). */
  comments: string | null;
  /** The run the attempt's results went into (0011). */
  run_uuid: string | null;
}

/** One row (id 1): the counter of writes to analysed data (src/store/data-version.ts). */
export interface DataVersionTable {
  id: number;
  version: number;
}

/** A named analysis (an Orion config + options) run again after ingests (0013). */
export interface WatchesTable {
  id: Id;
  name: string;
  /** The Orion config, YAML text. */
  config: string;
  /** AnalysisOptions as JSON. */
  options: string;
  /** Names of the channels it notifies, JSON array. */
  channels: string;
  created_ms: number;
  last_run_ms: number | null;
}

/** Where notifications go: webhook, slack or email, with settings (JSON) and routing rules (JSON). */
export interface AlertChannelsTable {
  id: Id;
  name: string;
  kind: string;
  settings: string;
  routes: string;
  created_ms: number;
}

/** A regression a watch has announced (or found silenced): it is never announced by that watch again. */
export interface WatchFindingsTable {
  id: Id;
  watch_id: number;
  regression_id: number;
  created_ms: number;
}

/** New regressions of a metric (of a test, or of every test when null) are not notified until `until_ms`. */
export interface SilencesTable {
  id: Id;
  test_name: string | null;
  metric: string;
  until_ms: number;
  reason: string;
  silenced_by: string | null;
  created_ms: number;
}

/** A notification to deliver: pending → delivered, or failed (a receiver's permanent refusal). */
export interface OutboxTable {
  id: Id;
  idempotency_key: string;
  watch_id: number;
  channel_id: number;
  /** The regression group's facts as JSON (rendered per channel at delivery). */
  payload: string;
  status: string;
  attempts: number;
  next_attempt_ms: number;
  last_error: string | null;
  created_ms: number;
  delivered_ms: number | null;
}
