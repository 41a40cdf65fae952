import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { analyzeTest, type AnalysisOptions, type TestReport } from '../analyze/index.js';
import { recordRegressions } from '../analyze/record.js';
import { loadAnalysisConfig, parseAnalysisConfig, timeWindow, type AnalysisConfig } from '../config/index.js';
import { StoreSource } from '../sources/store/index.js';
import type { Store } from '../store/connect.js';
import { readDataVersion, SharedVersionReads } from '../store/data-version.js';
import { UserError } from '../util/errors.js';
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
}

/**
 * Entry bounds: a test report of 500 runs is ~0.3 MB, a serialised answer ~50–400 KB, so the defaults
 * stay under ~100 MB at worst and cover a dashboard's working set of (config, test, metric) combinations.
 */
export const DEFAULT_CACHE_SIZES: CacheSizes = { configs: 256, reports: 128, bodies: 256 };

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
}

/** A memoised test report, and whether this process has recorded its regressions yet. */
interface Analysed {
  report: TestReport;
  recording?: Promise<void>;
}

/** Marker stored for file configs that read other files: they are not memoised. */
const READS_INCLUDES = Symbol('reads includes');

export class CachedAnalysis {
  private readonly configs: Memo<AnalysisConfig | typeof READS_INCLUDES>;
  private readonly reports: Memo<Analysed>;
  private readonly bodies: Memo<string>;
  private readonly versions: SharedVersionReads;

  constructor(
    private readonly store: Store,
    sizes: CacheSizes = DEFAULT_CACHE_SIZES,
  ) {
    this.configs = new Memo('configs', sizes.configs);
    this.reports = new Memo('reports', sizes.reports);
    this.bodies = new Memo('bodies', sizes.bodies);
    this.versions = new SharedVersionReads(() => readDataVersion(store.db));
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
    const version = await this.versions.read();
    const { now: _ignored, ...rest } = options;
    return { options: { ...options, now }, key: hash([rest, after?.getTime() ?? null, before?.getTime() ?? null, version]) };
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

  private analysed({ config, key }: ParsedConfig, indexes: readonly number[], at: Snapshot): Promise<Analysed[]> {
    const analyse = (i: number) => async (): Promise<Analysed> => {
      const source = new StoreSource(this.store, { metadataCollection: at.options.metadataIndex, benchmarkCollection: at.options.benchmarkIndex });
      return { report: await analyzeTest(config.tests[i], at.options, { source, store: this.store, recordRegressions: false }, () => undefined) };
    };
    return Promise.all(indexes.map((i) => (key === undefined ? analyse(i)() : this.reports.get(`${key}|${i}|${at.key}`, analyse(i)))));
  }

  /** A serialised answer, built once per key (`parts` name the route and its parameters). */
  body(config: ParsedConfig, at: Snapshot, parts: unknown[], build: () => Promise<string>): Promise<string> {
    return config.key === undefined ? build() : this.bodies.get(hash([config.key, at.key, parts]), build);
  }

  stats(): MemoStats[] {
    return [this.configs.stats(), this.reports.stats(), this.bodies.stats()];
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
