/**
 * Scheduled report generation, shared by `report generate --every` and `perfhound serve --report-every`:
 * a tick now, then one `every` after each tick ends, until stopped. Each tick generates reports for the
 * runs of the window that have none yet; the store's claims keep two generators (two daemons on one
 * database) from generating the same report at once. A failing tick is logged, never thrown: the loop —
 * and the daemon around it — goes on.
 *
 * @example
 * const setup = await openReportSetup({ db, prometheus });
 * const schedule = startReportSchedule({ setup, everyMs: 3_600_000, since: () => new Date(Date.now() - 14 * 864e5), log });
 * …
 * await schedule.stop(); // waits for a tick in flight, then closes nothing: the caller closes `setup`
 */
import { errorMessage } from '../util/errors.js';
import { generateReports, type GenerateResult } from './generate.js';
import type { ReportSetup } from './setup.js';

export interface Repeater {
  /** Stops the loop: no new tick starts; resolves when the tick in flight (if any) has ended. */
  stop(): Promise<void>;
  /** Resolves when the loop has ended (after `stop`). */
  readonly done: Promise<void>;
}

/**
 * Runs `tick` now and then `intervalMs` after each tick ends, until `stop()`; a failing tick goes to
 * `onError`. `stop()` aborts the signal the tick in flight was given, so a long tick can end early.
 */
export function repeatEvery(intervalMs: number, tick: (signal: AbortSignal) => Promise<unknown>, onError: (err: unknown) => void): Repeater {
  const aborter = new AbortController();
  let stopping = false;
  let wake: () => void = () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const loop = async () => {
    while (!stopping) {
      try {
        await tick(aborter.signal);
      } catch (err) {
        onError(err);
      }
      if (stopping) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, intervalMs);
      });
      clearTimeout(timer);
    }
  };
  const done = loop();
  return {
    done,
    async stop() {
      stopping = true;
      aborter.abort();
      clearTimeout(timer);
      wake();
      await done;
    },
  };
}

/** What the schedule logs (a pino logger fits). */
export interface ScheduleLog {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ReportScheduleOptions {
  setup: ReportSetup;
  everyMs: number;
  /** The start of each tick's window (e.g. 14 days before now). */
  since: () => Date;
  log: ScheduleLog;
  /** Each tick's result, after it is logged. */
  onTick?(result: GenerateResult): void;
}

/** Generates reports for new runs every `everyMs` (the first tick at once) until `stop()`. */
export function startReportSchedule(options: ReportScheduleOptions): Repeater {
  const { setup, log } = options;
  return repeatEvery(
    options.everyMs,
    async (signal) => {
      // Stopping (the daemon closes) lets the runs in flight finish and leaves the others to the next tick.
      const result = await generateReports({ ...setup.fresh(), signal }, { since: options.since(), onlyNew: true });
      for (const f of result.failed) log.error({ uuid: f.uuid }, `report of run ${f.uuid} failed: ${f.error}`);
      for (const e of setup.context.reportIndex?.errors.splice(0) ?? []) log.error({}, `report index: ${e}`);
      log.info(
        { runs: result.runs, reports: result.reports.length, claimedElsewhere: result.claimedElsewhere.length, failed: result.failed.length, failedQueries: result.failedQueries },
        'scheduled report generation',
      );
      options.onTick?.(result);
    },
    (err) => log.error({}, `scheduled report generation failed: ${errorMessage(err)}`),
  );
}
