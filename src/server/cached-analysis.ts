import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { analyzeTest, SeriesMemory, type AnalysisOptions, type SeriesMemoryStats, type TestReport } from '../analyze/index.js';
import { recordRegressions } from '../analyze/record.js';
import { loadAnalysisConfig, parseAnalysisConfig, timeWindow, type AnalysisConfig } from '../config/index.js';
import { StoreSource } from '../sources/store/index.js';
import { SelectionLog } from '../sources/store/selection.js';
import type { Store } from '../store/connect.js';
import { readVersions, SharedVersionReads } from '../store/data-version.js';
import { UserError } from '../util/errors.js';
import { AnalysisGate, DEFAULT_ANALYSIS_LIMITS, type AnalysisLimits } from './analysis-gate.js';
import { Memo, type MemoStats } from './cache/memo.js';

/**
 * The daemon's analyses, memoised without business state of its own: every analysis result is keyed by
 * the store's data version (read after the request arrived: one primary-key query, shared by the
 * requests that wait for it — {@link SharedVersionReads}), so a write through any
 * process — this daemon, another one, the CLI — changes the key of the next request, and no daemon
 * serves an answer another daemon on the same database would not.
 *
 * Three bounded LRU memos (sizes in {@link DEFAULT_CACHE_SIZES}):
 * - `configs`: parsed configs by (config text hash, input vars) — pure functions of their key. A file
 *   config that includes other files (parentConfig, metricsFile…) is re-read on every request instead,
 *   since its key would not cover the included files.
 * - `reports`: one test's analysis by (config hash, test, options, resolved time window, data version).
 * - `bodies`: serialised answers by (route, its parameters, the same analysis key).
 *
 * And detection's state of the series analysed (`series`, a {@link SeriesMemory} bounded by its estimated
 * bytes): when a report is computed again because runs were added at the end of its test (an ingest of a
 * new run), each series whose runs are the kept ones plus new ones has the new points appended instead of
 * being analysed in full — the same answer for a fraction of the work. Series are kept by config, options
 * (without the window's instants), test, column and mode.
 *
 * `--lookback` without `--since` is relative to now: the window's start is resolved to whole seconds
 * (as Orion does) and that instant is part of the key, so an entry is reused within the second only.
 *
 * @example
 * const analyses = new CachedAnalysis(store);
 * const parsed = await analyses.fileConfig('/etc/perfhound/ci.yaml', { version: '4.20' });
 * const at = await analyses.snapshot(options);
 * const reports = await analyses.testReports(parsed, parsed.config.tests.map((_, i) => i), at);
 */
export interface CacheSizes {
  configs: number;
  reports: number;
  bodies: number;
  /** Estimated bytes of the detection state kept (default {@link DEFAULT_SERIES_BYTES}). */
  seriesBytes?: number;
}

/**
 * Entry bounds: a test report of 500 runs is ~0.3 MB, a serialised answer ~50–400 KB, so the defaults
 * stay under ~100 MB at worst and cover a dashboard's working set of (config, test, metric) combinations.
 */
export const DEFAULT_CACHE_SIZES: CacheSizes = { configs: 256, reports: 128, bodies: 256 };

/**
 * 64 MB of detection state: a 200-point series kept is ~25 KB (up to 4× that before it starts afresh), so
 * about the series of the 128 reports memoised when their tests have 20 metrics of 200 runs.
 */
export const DEFAULT_SERIES_BYTES = 64 * 1024 * 1024;

export interface ParsedConfig {
  config: AnalysisConfig;
  /** Hash of everything the config was made from (text or JSON body, input vars, file name); undefined when
   * the config reads other files — its analyses are then not memoised. */
  key: string | undefined;
}

/** What an analysis is computed at: its options, "now", and the key naming them with the data version. */
export interface Snapshot {
  options: AnalysisOptions;
  /** Options + resolved time window + data version. */
  key: string;
  /** Options + resolved time window: what a report is memoised by (its validity is checked apart). */
  analysis: string;
  /** Options without "now": what detection's state is kept by (a moving window only shifts the runs). */
  series: string;
  /** The store's versions when the request arrived (data_version rows 1 and 2). */
  versions: Versions;
}

interface Versions {
  data: number;
  other: number;
}

/**
 * A memoised test report, and whether this process has recorded its regressions yet. It holds for any
 * data version while the version of everything but runs is `other` and every selection of runs it read
 * has its fingerprint (`reads`): an ingest of other runs leaves it valid.
 */
interface Analysed {
  report: TestReport;
  recording?: Promise<void>;
  other: number;
  reads: SelectionLog;
  /** The latest data version it is known valid at. */
  validAt: number;
  /** The check in progress, for the data version it started at (shared by the requests at or below it). */
  checking?: { data: number; valid: Promise<boolean> };
}

export interface SeriesStats extends SeriesMemoryStats {
  /** Series kept, and their estimated bytes. */
  kept: number;
  bytes: number;
}

/** Marker stored for file configs that read other files: they are not memoised. */
const READS_INCLUDES = Symbol('reads includes');

export class CachedAnalysis {
  private readonly configs: Memo<AnalysisConfig | typeof READS_INCLUDES>;
  private readonly reports: Memo<Analysed>;
  private readonly bodies: Memo<string>;
  private readonly versions: SharedVersionReads<Versions>;
  private readonly series: SeriesMemory;
  /** Analyses being computed, by report key: identical requests share one even past the memo's bound. */
  private readonly inFlight = new Map<string, Promise<Analysed>>();
  private readonly gate: AnalysisGate;
  private analysesStarted = 0;

  constructor(
    private readonly store: Store,
    sizes: CacheSizes = DEFAULT_CACHE_SIZES,
    limits: AnalysisLimits = DEFAULT_ANALYSIS_LIMITS,
  ) {
    this.gate = new AnalysisGate(limits);
    this.configs = new Memo('configs', sizes.configs);
    this.reports = new Memo('reports', sizes.reports);
    this.bodies = new Memo('bodies', sizes.bodies);
    this.series = new SeriesMemory({ maxBytes: sizes.seriesBytes ?? DEFAULT_SERIES_BYTES });
    this.versions = new SharedVersionReads(() => readVersions(store.db));
  }

  /**
   * A config of `--config-dir`, as `loadAnalysisConfig(path, { inputVars })` gives it — without the
   * daemon's environment variables (a caller's variables must not read the daemon's secrets) and with
   * includes confined to the config's folder.
   */
  async fileConfig(path: string, inputVars: Record<string, unknown>): Promise<ParsedConfig> {
    const load = { inputVars, env: {}, includeRoot: dirname(resolve(path)) };
    let text: string;
    try {
      // A small, page-cached file: a synchronous read costs less than a thread-pool round trip.
      text = readFileSync(path, 'utf8');
    } catch {
      // The loader words the error (missing file, directory) the way the CLI does.
      return { config: await loadAnalysisConfig(path, load), key: undefined };
    }
    const key = hash(['file', path, text, inputVars]);
    const parsed = await this.configs.get(key, async () => {
      try {
        // Without includes the result depends on the text and the vars only.
        return await parseAnalysisConfig(text, { ...load, file: path, baseDir: dirname(resolve(path)), allowIncludes: false });
      } catch {
        return READS_INCLUDES;
      }
    });
    if (parsed !== READS_INCLUDES) return { config: parsed, key };
    // Includes (or an invalid config, whose error the full loader reports): the loader on every request.
    return { config: await loadAnalysisConfig(path, load), key: undefined };
  }

  /** A config from a request body (no includes, no environment: a pure function of the body). */
  bodyConfig(input: string | Record<string, unknown>, inputVars: Record<string, unknown> | undefined): Promise<ParsedConfig> {
    const key = hash(['body', input, inputVars ?? null]);
    return this.configs
      .get(key, () => parseAnalysisConfig(input, { file: 'config', inputVars, allowIncludes: false, env: {} }))
      .then((config) => ({ config: config as AnalysisConfig, key }));
  }

  /** Fixes "now" and reads the data version: everything an analysis depends on besides its config. */
  async snapshot(options: AnalysisOptions): Promise<Snapshot> {
    const now = new Date();
    const { after, before } = timeWindow({ lookback: options.lookback, since: options.since, now });
    const versions = await this.versions.read();
    const { now: _ignored, ...rest } = options;
    const series = hash([rest]);
    const analysis = hash([series, after?.getTime() ?? null, before?.getTime() ?? null]);
    return { options: { ...options, now }, key: hash([analysis, versions.data]), analysis, series, versions };
  }

  /** The reports of the config's tests at `indexes` (analysed once per snapshot key, shared by every route). */
  async testReports(parsed: ParsedConfig, indexes: readonly number[], at: Snapshot): Promise<TestReport[]> {
    return (await this.analysed(parsed, indexes, at)).map((a) => a.report);
  }

  /**
   * The reports, with their regressions recorded as `runAnalysis` records them. The first use of a
   * memoised report records it in full; later uses (same data version: same statistics) only refresh
   * `last_seen_ms`, in one statement per test instead of a SELECT and an UPDATE per change point.
   */
  async recordedReports(parsed: ParsedConfig, indexes: readonly number[], at: Snapshot): Promise<TestReport[]> {
    const analysed = await this.analysed(parsed, indexes, at);
    const nowMs = Date.now();
    for (const entry of analysed) {
      if (entry.recording === undefined) {
        entry.recording = recordRegressions(this.store, entry.report, nowMs);
        entry.recording.catch(() => (entry.recording = undefined));
        await entry.recording;
      } else {
        await entry.recording;
        await touchRegressions(this.store, entry.report, nowMs);
      }
    }
    return analysed.map((a) => a.report);
  }

  /**
   * The reports of the tests, each computed once per key (single flight: concurrent identical requests
   * wait for the one computation), at most `limits.running` at once ({@link AnalysisGate}). A memoised
   * report computed at an older data version is checked first ({@link valid}): only the tests whose runs
   * changed are analysed again after an ingest.
   */
  private analysed({ config, key }: ParsedConfig, indexes: readonly number[], at: Snapshot): Promise<Analysed[]> {
    const analyse = (i: number) => (): Promise<Analysed> =>
      this.gate.run(async () => {
        this.analysesStarted++;
        // Read before the analysis reads anything: it is valid at least as of these versions.
        const versions = await readVersions(this.store.db);
        const reads = new SelectionLog();
        const source = new StoreSource(this.store, { metadataCollection: at.options.metadataIndex, benchmarkCollection: at.options.benchmarkIndex, reads });
        // A config that reads other files has no key: its series share one scope (a test of the same name
        // in another such config only starts them afresh; answers never depend on what was kept).
        const detectSeries = this.series.scoped(`${key ?? 'includes'}|${at.series}`);
        const report = await analyzeTest(config.tests[i], at.options, { source, store: this.store, recordRegressions: false, detectSeries }, () => undefined);
        return { report, other: versions.other, reads, validAt: versions.data };
      });
    const shared = async (reportKey: string, compute: () => Promise<Analysed>): Promise<Analysed> => {
      // Twice at most: a report computed after the request arrived is valid for it.
      for (;;) {
        let pending = this.inFlight.get(reportKey);
        if (!pending) {
          pending = this.reports.get(reportKey, compute);
          this.inFlight.set(reportKey, pending);
          const flying = pending;
          const land = () => {
            if (this.inFlight.get(reportKey) === flying) this.inFlight.delete(reportKey);
          };
          flying.then(land, land);
        }
        const entry = await pending;
        if (await this.valid(entry, at.versions)) return entry;
        this.reports.forget(reportKey, pending);
        if (this.inFlight.get(reportKey) === pending) this.inFlight.delete(reportKey);
      }
    };
    return Promise.all(indexes.map((i) => (key === undefined ? analyse(i)() : shared(`${key}|${i}|${at.analysis}`, analyse(i)))));
  }

  /**
   * Whether a memoised report answers a request that arrived at `versions`: it was computed (or last
   * checked) at or after them, or nothing but runs changed since and every selection it read has the same
   * fingerprint now (one indexed query per selection, shared by concurrent requests).
   */
  private async valid(entry: Analysed, versions: Versions): Promise<boolean> {
    if (entry.validAt >= versions.data) return true;
    if (entry.other !== versions.other) return false;
    let check = entry.checking;
    if (check === undefined || check.data < versions.data) {
      const started: { data: number; valid: Promise<boolean> } = { data: versions.data, valid: entry.reads.unchanged(this.store.db) };
      const settle = (ok: boolean) => {
        if (ok) entry.validAt = Math.max(entry.validAt, started.data);
        if (entry.checking === started) entry.checking = undefined;
        return ok;
      };
      started.valid = started.valid.then(settle, () => settle(false));
      entry.checking = check = started;
    }
    return check.valid;
  }

  /** Analyses computed so far, and the gate's load: what single flight and the bound are judged by. */
  analysisLoad(): { started: number; running: number; waiting: number } {
    return { started: this.analysesStarted, ...this.gate.load() };
  }

  /** A serialised answer, built once per key (`parts` name the route and its parameters). */
  body(config: ParsedConfig, at: Snapshot, parts: unknown[], build: () => Promise<string>): Promise<string> {
    return config.key === undefined ? build() : this.bodies.get(hash([config.key, at.key, parts]), build);
  }

  stats(): MemoStats[] {
    return [this.configs.stats(), this.reports.stats(), this.bodies.stats()];
  }

  /** Series appended to vs analysed in full so far, and the detection state kept. */
  seriesStats(): SeriesStats {
    return { ...this.series.stats, kept: this.series.size, bytes: this.series.bytes };
  }
}

/**
 * `last_seen_ms` of a report's regressions, already recorded at this data version, set to now: one
 * single-row statement per change point, outside any transaction, so concurrent requests never hold two
 * row locks at once (a multi-row UPDATE deadlocked on PostgreSQL under 32 concurrent analyses).
 */
async function touchRegressions(store: Store, report: TestReport, nowMs: number): Promise<void> {
  for (const cp of report.changePoints) {
    await store.db
      .updateTable('regressions')
      .set({ last_seen_ms: nowMs })
      .where('test_name', '=', report.name)
      .where('metric', '=', cp.column)
      .where('run_uuid', '=', cp.uuid)
      .execute();
  }
}

/** SHA-256 of values as JSON (stable for the plain data used here). */
function hash(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url');
}

/** An options object's `config` field must be YAML text or a JSON object. */
export function configInput(value: unknown): string | Record<string, unknown> {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new UserError('config is required: YAML text or a JSON object', { field: 'config' });
}
