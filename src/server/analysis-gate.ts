/**
 * A bound on the analyses the daemon runs at once, with a bounded queue behind it: an analysis holds a
 * database connection and its runs' documents in memory, so past the bound more work only exhausts the
 * pool (HTTP 500s after its wait) and the heap. A request beyond the queue is refused at once with 503 and
 * a `Retry-After` estimated from the queue and the recent analysis time (errors.ts writes the header).
 *
 * @example
 * const gate = new AnalysisGate({ running: 4, queued: 64 });
 * const report = await gate.run(() => analyzeTest(...)); // throws Overloaded when the queue is full
 */
import { UserError } from '../util/errors.js';

export interface AnalysisLimits {
  /** Analyses computed at once. */
  running: number;
  /** Analyses waiting for a turn; beyond that a request gets 503. */
  queued: number;
}

/**
 * Four at once leaves most of a pool of 10 connections (src/store/connect.ts) to the other routes and to the
 * version reads; 64 waiting is 16 turns of a 4-wide daemon, seconds at the usual ~50–200 ms per analysis.
 */
export const DEFAULT_ANALYSIS_LIMITS: AnalysisLimits = { running: 4, queued: 64 };

/** The daemon is at its bound: answered 503 with `Retry-After: retryAfterSeconds`. */
export class Overloaded extends UserError {
  constructor(readonly retryAfterSeconds: number) {
    super('too many analyses in progress; retry later', {}, 503);
    this.name = 'Overloaded';
  }
}

export class AnalysisGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Moving average of an analysis' wall time, ms. */
  private meanMs = 200;

  constructor(private readonly limits: AnalysisLimits = DEFAULT_ANALYSIS_LIMITS) {
    if (!(limits.running >= 1 && limits.queued >= 0)) throw new RangeError('analysis limits: running ≥ 1, queued ≥ 0');
  }

  async run<T>(compute: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.running) {
      if (this.waiting.length >= this.limits.queued) throw new Overloaded(this.retryAfterSeconds());
      // The finishing analysis hands its slot over: `running` stays counted.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    const started = performance.now();
    try {
      return await compute();
    } finally {
      this.meanMs = 0.8 * this.meanMs + 0.2 * (performance.now() - started);
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Analyses running and waiting (for metrics and tests). */
  load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Time for the queue ahead to drain, whole seconds, 1–60. */
  private retryAfterSeconds(): number {
    const turns = (this.waiting.length + this.running) / this.limits.running;
    return Math.min(60, Math.max(1, Math.ceil((turns * this.meanMs) / 1000)));
  }
}
