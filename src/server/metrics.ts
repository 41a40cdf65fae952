import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MemoStats } from './cache/memo.js';
import type { SeriesStats } from './cached-analysis.js';

/**
 * The daemon's Prometheus metrics (prom-client): requests by route and status, a latency histogram by
 * route, runs ingested by format and outcome, the analysis memos, detection's kept series, and the process (CPU, memory, start
 * time, event loop lag, heap, GC — prom-client's default metrics, prefixed `perfhound_`). They are of
 * this process only (two daemons each report their own; Prometheus sums them) — no business state lives
 * here.
 *
 * @example
 * const m = new ServerMetrics();
 * m.observeRequest('GET', '/healthz', 200, 0.0012);
 * await m.render(); // → "# HELP perfhound_http_requests_total …"
 */
export const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The exposition format's content type. */
export const METRICS_CONTENT_TYPE = new Registry().contentType;

/**
 * The process metrics, once per process: they describe the process whatever number of daemons it
 * runs (tests run many), and each collection starts observers that are never stopped.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'perfhound_' });
  }
  return processRegistry;
}

export class ServerMetrics {
  private readonly registry = new Registry();
  private readonly requests = new Counter({ name: 'perfhound_http_requests_total', help: 'HTTP requests answered, by method, route and status.', labelNames: ['method', 'route', 'status'] as const, registers: [this.registry] });
  private readonly latency = new Histogram({ name: 'perfhound_http_request_duration_seconds', help: 'Time to answer a request, by method and route.', labelNames: ['method', 'route'] as const, buckets: LATENCY_BUCKETS_S, registers: [this.registry] });
  private readonly ingested = new Counter({ name: 'perfhound_ingested_runs_total', help: 'Runs ingested through the API, by format and outcome (created, replaced, failed).', labelNames: ['format', 'outcome'] as const, registers: [this.registry] });

  /**
   * @param caches the daemon's memos (hits, misses, entries), read as they are at each scrape.
   * @param series detection's kept series (appended, full, kept), read likewise.
   */
  constructor(caches: () => MemoStats[] = () => [], series: () => SeriesStats = () => ({ appended: 0, full: 0, kept: 0, bytes: 0 })) {
    new Counter({
      name: 'perfhound_cache_requests_total',
      help: "Lookups of the daemon's memos, by memo and result (hit, miss).",
      labelNames: ['cache', 'result'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const c of caches()) {
          this.inc({ cache: c.name, result: 'hit' }, c.hits);
          this.inc({ cache: c.name, result: 'miss' }, c.misses);
        }
      },
    });
    new Gauge({
      name: 'perfhound_cache_entries',
      help: "Entries held by each of the daemon's memos (bounded by its size).",
      labelNames: ['cache'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const c of caches()) this.set({ cache: c.name }, c.entries);
      },
    });
    new Counter({
      name: 'perfhound_detection_series_total',
      help: "Series detection ran on in the daemon's analyses, by path: appended (new runs added to the state kept from the series' last analysis) or full.",
      labelNames: ['path'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const s = series();
        this.inc({ path: 'appended' }, s.appended);
        this.inc({ path: 'full' }, s.full);
      },
    });
    new Gauge({
      name: 'perfhound_detection_series_kept',
      help: "Series whose detection state the daemon keeps for the next analysis.",
      registers: [this.registry],
      collect() {
        this.set(series().kept);
      },
    });
    new Gauge({
      name: 'perfhound_detection_series_kept_bytes',
      help: 'Estimated bytes of the detection state kept (bounded).',
      registers: [this.registry],
      collect() {
        this.set(series().bytes);
      },
    });
    processMetrics();
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.latency.observe({ method, route }, seconds);
  }

  observeIngest(format: string, outcome: string, runs: number): void {
    if (runs > 0) this.ingested.inc({ format, outcome }, runs);
  }

  /** The text exposition: this daemon's metrics, then the process's. */
  async render(): Promise<string> {
    return (await this.registry.metrics()) + '\n' + (await processMetrics().metrics());
  }
}
