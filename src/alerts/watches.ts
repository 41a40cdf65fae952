/**
 * Watches: named analyses (an Orion config + options) kept in the store and run again after ingests. A
 * regression is new to a watch the first time its (test, metric, run) appears in the watch's analysis: it
 * is recorded (open) and its notifications are written to the outbox in that same transaction; the watch
 * remembers it (`watch_findings`), so later runs never announce it again.
 */
import { runAnalysis, SeriesMemory, upsertRegression, type AnalysisOptions, type ReportChangePoint, type SeriesMemoryStats, type TestReport } from '../analyze/index.js';
import { parseAnalysisConfig, type AnalysisConfig } from '../config/index.js';
import { analyzeSeries } from '../detect/index.js';
import { MatchableDocument, matchesSelector } from '../sources/store/match.js';
import { StoreSource } from '../sources/store/source.js';
import { activeSilences, findChannel, insertWatch, listWatches, touchWatch, type ChannelRow, type SilenceRow, type WatchRow } from '../store/alerts.js';
import type { Store } from '../store/connect.js';
import type { Database } from '../store/schema.js';
import { UserError, errorMessage } from '../util/errors.js';
import type { Transaction } from 'kysely';
import { routeNotice, type Routes } from './channels.js';
import { idempotencyKey, type Notice, type NoticeMetric, type NoticeRun } from './notice.js';

/** Options a watch keeps (the `analyze` flags that make sense for a stored analysis). */
const WATCH_OPTIONS = ['algorithm', 'lookback', 'lookbackSize', 'metadataIndex', 'benchmarkIndex', 'nodeCount', 'anomalyWindow', 'minAnomalyPercent'] as const;

export interface WatchSpec {
  name: string;
  config: string;
  options?: Record<string, unknown>;
  channels?: string[];
}

/** Checks a watch (its config parses, its channels exist) and stores it. */
export async function addWatch(store: Store, spec: WatchSpec): Promise<WatchRow> {
  const name = typeof spec.name === 'string' ? spec.name.trim() : '';
  if (!name || name.length > 255) throw new UserError('a watch needs a name (at most 255 characters)', { field: 'name' });
  if (typeof spec.config !== 'string' || !spec.config.trim()) throw new UserError('config is required (Orion YAML text)', { field: 'config' });
  const options = spec.options ?? {};
  for (const key of Object.keys(options)) {
    if (!(WATCH_OPTIONS as readonly string[]).includes(key)) throw new UserError(`unknown watch option "${key}" (known: ${WATCH_OPTIONS.join(', ')})`, { field: `options.${key}` });
  }
  const config = await parseAnalysisConfig(spec.config, { file: `watch ${name}` });
  if (config.tests.length === 0) throw new UserError('the config has no tests', { field: 'config' });
  const channels = spec.channels ?? [];
  return store.transaction((trx) => insertWatch(trx, { name, config: spec.config, options, channels }, Date.now()));
}

export interface WatchOutcome {
  watch: string;
  /** Whether the analysis read any of the runs the ingest wrote (always true without a list). */
  touched: boolean;
  changePoints: number;
  newRegressions: number;
  notifications: number;
  resolved: number;
  /** Series whose new runs were appended to the detection state kept from the watch's last run, and series analysed in full. */
  series: SeriesMemoryStats;
  error?: string;
}

/**
 * What a watch keeps between runs in this process (the daemon's, or one that runs watches again): its
 * parsed config and its detection state. Keyed by store, then watch id; a watch's config and options
 * never change under one id (changing them is removing and adding it).
 */
interface WatchState {
  config: string;
  parsed: AnalysisConfig;
  memory: SeriesMemory;
}
const states = new WeakMap<Store, Map<number, WatchState>>();

async function stateOf(store: Store, watch: WatchRow): Promise<WatchState> {
  let byId = states.get(store);
  if (!byId) states.set(store, (byId = new Map()));
  const kept = byId.get(watch.id);
  if (kept && kept.config === watch.config) return kept;
  const state = { config: watch.config, parsed: await parseAnalysisConfig(watch.config, { file: `watch ${watch.name}` }), memory: new SeriesMemory() };
  byId.set(watch.id, state);
  return state;
}

/** Runs one watch; with `touched`, writes nothing unless its analysis read one of those runs. */
export async function runWatch(store: Store, watch: WatchRow, options: { nowMs?: number; touched?: ReadonlySet<string> } = {}): Promise<WatchOutcome> {
  const nowMs = options.nowMs ?? Date.now();
  const outcome: WatchOutcome = { watch: watch.name, touched: true, changePoints: 0, newRegressions: 0, notifications: 0, resolved: 0, series: { appended: 0, full: 0 } };
  const state = await stateOf(store, watch);
  const analysisOptions = watch.options as AnalysisOptions;
  const source = new StoreSource(store, { metadataCollection: analysisOptions.metadataIndex, benchmarkCollection: analysisOptions.benchmarkIndex });
  const before = { ...state.memory.stats };
  const report = await runAnalysis(state.parsed, analysisOptions, { source, store, recordRegressions: false, detectSeries: state.memory.detect });
  outcome.series = { appended: state.memory.stats.appended - before.appended, full: state.memory.stats.full - before.full };
  const touched = options.touched;
  outcome.touched = !touched || report.tests.some((t) => t.rows.some((r) => touched.has(r.uuid)));
  if (!outcome.touched) return outcome;
  const channels = await Promise.all(watch.channels.map((c) => findChannel(store.db, c)));
  const silences = await activeSilences(store.db, nowMs);
  await store.transaction(async (trx) => {
    for (const test of report.tests) {
      outcome.changePoints += test.changePoints.length;
      const groups = new Map<string, NoticeMetric[]>();
      for (const cp of test.changePoints) {
        const recorded = await upsertRegression(trx, test, cp, nowMs);
        const seen = await trx.selectFrom('watch_findings').select('id').where('watch_id', '=', watch.id).where('regression_id', '=', recorded.id).executeTakeFirst();
        if (seen) continue;
        await trx.insertInto('watch_findings').values({ watch_id: watch.id, regression_id: recorded.id, created_ms: nowMs }).execute();
        outcome.newRegressions++;
        if (recorded.status !== 'open' || silenced(silences, test.name, cp.column)) continue;
        const group = groups.get(cp.uuid) ?? [];
        group.push(noticeMetric(test, cp, recorded.id));
        groups.set(cp.uuid, group);
      }
      const ordered = [...groups].sort(([a], [b]) => rowOf(test, a).timestampMs - rowOf(test, b).timestampMs);
      for (const [uuid, metrics] of ordered) outcome.notifications += await enqueue(trx, watch, channels, test, uuid, metrics, nowMs);
      outcome.resolved += await resolveRecovered(trx, test, nowMs);
    }
    await touchWatch(trx, watch.id, nowMs);
  });
  return outcome;
}

/**
 * Runs every watch (after an ingest: `touched` = the run ids it wrote); one watch's failure does not stop
 * the others. After an ingest, a watch none of whose tests' metadata selects one of the written runs
 * cannot have read them: it is reported untouched without being analysed.
 */
export async function runWatches(store: Store, options: { touched?: ReadonlySet<string>; names?: string[] } = {}): Promise<WatchOutcome[]> {
  const all = await listWatches(store.db);
  forgetRemoved(store, all);
  const watches = all.filter((w) => !options.names || options.names.includes(w.name));
  const written = options.touched ? await metadataOf(store, options.touched) : undefined;
  const outcomes: WatchOutcome[] = [];
  for (const watch of watches) {
    const empty = { watch: watch.name, touched: true, changePoints: 0, newRegressions: 0, notifications: 0, resolved: 0, series: { appended: 0, full: 0 } };
    try {
      if (written && !(await selectsAny(store, watch, written))) outcomes.push({ ...empty, touched: false });
      else outcomes.push(await runWatch(store, watch, { touched: options.touched }));
    } catch (err) {
      outcomes.push({ ...empty, error: errorMessage(err) });
    }
  }
  return outcomes;
}

/** Drops the kept state of watches removed since (by this process or another). */
function forgetRemoved(store: Store, watches: readonly WatchRow[]): void {
  const byId = states.get(store);
  if (!byId) return;
  const ids = new Set(watches.map((w) => w.id));
  for (const id of byId.keys()) if (!ids.has(id)) byId.delete(id);
}

/** The metadata documents of the written runs, as run discovery matches them. */
async function metadataOf(store: Store, uuids: ReadonlySet<string>): Promise<MatchableDocument[]> {
  const docs: MatchableDocument[] = [];
  const list = [...uuids];
  for (let i = 0; i < list.length; i += 500) {
    const rows = await store.db.selectFrom('runs').select('metadata').where('uuid', 'in', list.slice(i, i + 500)).execute();
    for (const r of rows) docs.push(new MatchableDocument(parseMetadata(r.metadata)));
  }
  return docs;
}

function parseMetadata(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * Some test of the watch selects one of the documents: a necessary condition of reading that run (the
 * analysis decides). A test naming a metadata index may read metadata from document collections instead of
 * the runs' own: it is always analysed.
 */
async function selectsAny(store: Store, watch: WatchRow, docs: readonly MatchableDocument[]): Promise<boolean> {
  const { parsed } = await stateOf(store, watch);
  if ((watch.options as AnalysisOptions).metadataIndex) return true;
  return parsed.tests.some((t) => t.metadataIndex !== undefined || docs.some((d) => matchesSelector(d, t.selector)));
}

function silenced(silences: SilenceRow[], test: string, metric: string): boolean {
  return silences.some((s) => s.metric === metric && (s.testName === null || s.testName === test));
}

function rowOf(test: TestReport, uuid: string) {
  return test.rows.find((r) => r.uuid === uuid)!;
}

function noticeMetric(test: TestReport, cp: ReportChangePoint, regressionId: number): NoticeMetric {
  const column = test.columns.find((c) => c.name === cp.column);
  return {
    regressionId,
    metric: cp.column,
    labels: column?.labels ?? [],
    percentage: Number.isFinite(cp.percentageChange) ? cp.percentageChange : null,
    direction: cp.meanAfter >= cp.meanBefore ? 'increase' : 'decrease',
    meanBefore: cp.meanBefore,
    meanAfter: cp.meanAfter,
  };
}

function noticeRun(row: TestReport['rows'][number]): NoticeRun {
  return {
    uuid: row.uuid,
    timestamp: new Date(row.timestampMs).toISOString(),
    ...(row.version !== undefined ? { version: row.version } : {}),
    ...(row.buildUrl !== undefined ? { buildUrl: row.buildUrl } : {}),
  };
}

/** One outbox row per channel that routes the group; returns how many. */
async function enqueue(trx: Transaction<Database>, watch: WatchRow, channels: ChannelRow[], test: TestReport, uuid: string, metrics: NoticeMetric[], nowMs: number): Promise<number> {
  const index = test.rows.findIndex((r) => r.uuid === uuid);
  const row = test.rows[index];
  const previous = index > 0 ? test.rows[index - 1] : undefined;
  let written = 0;
  for (const channel of channels) {
    const key = idempotencyKey(watch.id, channel.id, test.name, uuid);
    const notice = routeNotice(channel.routes as Routes, {
      idempotencyKey: key,
      watch: watch.name,
      test: test.name,
      run: noticeRun(row),
      previousRun: previous ? noticeRun(previous) : null,
      metrics,
      links: { ...(row.buildUrl ? { build: row.buildUrl } : {}), regressions: `/api/v1/regressions?test=${encodeURIComponent(test.name)}` },
    } satisfies Notice);
    if (!notice) continue;
    await trx
      .insertInto('outbox')
      .values({ idempotency_key: key, watch_id: watch.id, channel_id: channel.id, payload: JSON.stringify(notice), status: 'pending', attempts: 0, next_attempt_ms: nowMs, last_error: null, created_ms: nowMs, delivered_ms: null })
      .execute();
    written++;
  }
  return written;
}

/** Percent a metric may stay away from its old mean and count as back, when its column has no threshold. */
export const DEFAULT_RECOVERY_PERCENT = 5;

/**
 * Open or acknowledged regressions of this test that a later change point of the same metric (either way:
 * the analysis' direction filter would hide the way back) brought back within the metric's threshold
 * (else {@link DEFAULT_RECOVERY_PERCENT}) of the mean before: resolved.
 */
async function resolveRecovered(trx: Transaction<Database>, test: TestReport, nowMs: number): Promise<number> {
  const live = await trx.selectFrom('regressions').selectAll().where('test_name', '=', test.name).where('status', 'in', ['open', 'acknowledged']).execute();
  let resolved = 0;
  for (const r of live) {
    const from = test.rows.findIndex((row) => row.uuid === r.run_uuid);
    if (r.mean_before === null || from < 0) continue;
    const before = r.mean_before;
    const column = test.columns.find((c) => c.name === r.metric);
    const tolerance = (column?.threshold ? column.threshold : DEFAULT_RECOVERY_PERCENT) / 100;
    const since = test.rows.slice(from);
    const back = analyzeSeries(since.map((row) => row.values[r.metric] ?? null)).changePoints.find((cp) => Math.abs(cp.meanAfter - before) <= tolerance * Math.abs(before));
    if (!back) continue;
    const at = since[back.index]?.uuid ?? '?';
    await trx.updateTable('regressions').set({ status: 'resolved', status_reason: `back within ${tolerance * 100}% at run ${at}`, status_by: 'perfhound', status_ms: nowMs }).where('id', '=', r.id).execute();
    resolved++;
  }
  return resolved;
}
