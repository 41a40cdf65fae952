/**
 * Watches: named analyses (an Orion config + options) kept in the store and run again after ingests. A
 * regression is new to a watch the first time its (test, metric, run) appears in the watch's analysis: it
 * is recorded (open) and its notifications are written to the outbox in that same transaction; the watch
 * remembers it (`watch_findings`), so later runs never announce it again.
 */
import { runAnalysis, upsertRegression, type AnalysisOptions, type ReportChangePoint, type TestReport } from '../analyze/index.js';
import { parseAnalysisConfig } from '../config/index.js';
import { analyzeSeries } from '../detect/index.js';
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
  error?: string;
}

/** Runs one watch; with `touched`, writes nothing unless its analysis read one of those runs. */
export async function runWatch(store: Store, watch: WatchRow, options: { nowMs?: number; touched?: ReadonlySet<string> } = {}): Promise<WatchOutcome> {
  const nowMs = options.nowMs ?? Date.now();
  const outcome: WatchOutcome = { watch: watch.name, touched: true, changePoints: 0, newRegressions: 0, notifications: 0, resolved: 0 };
  const config = await parseAnalysisConfig(watch.config, { file: `watch ${watch.name}` });
  const analysisOptions = watch.options as AnalysisOptions;
  const source = new StoreSource(store, { metadataCollection: analysisOptions.metadataIndex, benchmarkCollection: analysisOptions.benchmarkIndex });
  const report = await runAnalysis(config, analysisOptions, { source, store, recordRegressions: false });
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

/** Runs every watch (after an ingest: `touched` = the run ids it wrote); one watch's failure does not stop the others. */
export async function runWatches(store: Store, options: { touched?: ReadonlySet<string>; names?: string[] } = {}): Promise<WatchOutcome[]> {
  const watches = (await listWatches(store.db)).filter((w) => !options.names || options.names.includes(w.name));
  const outcomes: WatchOutcome[] = [];
  for (const watch of watches) {
    try {
      outcomes.push(await runWatch(store, watch, { touched: options.touched }));
    } catch (err) {
      outcomes.push({ watch: watch.name, touched: true, changePoints: 0, newRegressions: 0, notifications: 0, resolved: 0, error: errorMessage(err) });
    }
  }
  return outcomes;
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
