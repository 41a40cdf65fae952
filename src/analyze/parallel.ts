/**
 * Tests analysed in parallel on worker threads: a small pool, each worker opening its own source (SQLite
 * in WAL mode serves concurrent readers) and analysing whole tests, the reports yielded in config order so
 * the caller streams them exactly as a one-thread analysis would. Regressions are recorded by the caller
 * (runAnalysis, in this thread), so they are written once, in test order.
 *
 * Workers run compiled JavaScript (`worker.js` beside this module in `dist/`); from TypeScript sources
 * (vitest) there is no such file and {@link analyzeInWorkers} answers undefined: analyse in this thread.
 *
 * @example
 * const analyzeTests = analyzeInWorkers(jobsFor('auto', config.tests.length), { db: 'sqlite:./perfhound.db' });
 * const report = await runAnalysis(config, options, { source, store, analyzeTests });
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { AnalysisTest } from '../config/index.js';
import type { SourceSelection } from '../sources/index.js';
import { reviveError, type ThreadError } from '../util/thread-errors.js';
import { logger } from '../util/log.js';
import type { AnalysisOptions, TestAnalyzer, TestReport } from './types.js';

/** The most workers worth starting: each holds its own copy of the runs' metadata. */
export const MAX_JOBS = 4;

/** What a worker is started with. */
export interface WorkerInput {
  selection: SourceSelection;
  options: AnalysisOptions;
  tests: readonly AnalysisTest[];
}

/** Main → worker: analyse the test at `index`. */
export interface WorkerRequest {
  index: number;
}

/** Worker → main: one test's report and the warnings it gave, or its error. */
export type WorkerReply = { index: number; report: TestReport; warnings: string[] } | { index: number; error: ThreadError };

/** `--jobs`: `auto` = min(cores, tests, {@link MAX_JOBS}); a number is taken as given (at least 1). */
export function jobsFor(jobs: 'auto' | number, testCount: number): number {
  if (jobs === 'auto') return Math.max(1, Math.min(availableParallelism(), testCount, MAX_JOBS));
  return Math.max(1, Math.min(jobs, testCount));
}

/** The worker script, when this module runs in the built bundle (scripts/build-cli.mjs puts it beside). */
function workerScript(): URL | undefined {
  return import.meta.url.endsWith('.cjs') ? new URL('./worker.cjs', import.meta.url) : undefined;
}

/**
 * A {@link TestAnalyzer} over `jobs` worker threads opening `selection`; undefined when one thread is asked
 * for or workers cannot be started from here (TypeScript sources).
 */
export function analyzeInWorkers(jobs: number, selection: SourceSelection): TestAnalyzer | undefined {
  const script = workerScript();
  if (jobs <= 1 || !script) return undefined;
  return (tests, options, warn) => analyzeOnPool(script, jobs, { selection, options: { ...options, now: options.now ?? new Date() }, tests }, warn);
}

interface Pending {
  promise: Promise<{ report: TestReport; warnings: string[] }>;
  resolve(value: { report: TestReport; warnings: string[] }): void;
  reject(error: Error): void;
}

async function* analyzeOnPool(script: URL, jobs: number, input: WorkerInput, warn: (m: string) => void): AsyncGenerator<TestReport> {
  const pending = input.tests.map(() => deferred());
  let next = 0;
  const workers: Worker[] = [];
  const failAll = (error: Error) => pending.forEach((p) => p.reject(error));
  const dispatch = (worker: Worker) => {
    if (next < input.tests.length) worker.postMessage({ index: next++ } satisfies WorkerRequest);
  };
  logger().debug({ workers: Math.min(jobs, input.tests.length) }, 'analysing tests on worker threads');
  try {
    for (let i = 0; i < Math.min(jobs, input.tests.length); i++) {
      // Every worker starts with the whole input: one clone per worker, then only indexes cross.
      const worker = new Worker(script, { workerData: input });
      worker.on('message', (reply: WorkerReply) => {
        if ('error' in reply) pending[reply.index].reject(reviveError(reply.error));
        else pending[reply.index].resolve({ report: reply.report, warnings: reply.warnings });
        dispatch(worker);
      });
      worker.on('error', failAll);
      worker.on('exit', (code) => {
        if (code !== 0) failAll(new Error(`analysis worker exited with code ${code}`));
      });
      workers.push(worker);
      dispatch(worker);
    }
    for (const p of pending) {
      const { report, warnings } = await p.promise;
      for (const w of warnings) warn(w);
      yield report;
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function deferred(): Pending {
  let resolve!: Pending['resolve'];
  let reject!: Pending['reject'];
  const promise = new Promise<{ report: TestReport; warnings: string[] }>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Settled ones after a failure are never awaited: no unhandled rejection for them.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
