import type { MemoStats } from './cache/memo.js';

/**
 * The daemon's Prometheus metrics: requests by route and status, a latency histogram by route, and runs
 * ingested by format and outcome. They are counters of this process only (two daemons each report their
 * own; Prometheus sums them) — no business state lives here.
 *
 * @example
 * const m = new ServerMetrics();
 * m.observeRequest('GET', '/healthz', 200, 0.0012);
 * m.render(); // → "# HELP perfhound_http_requests_total …"
 */
export const LATENCY_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  buckets: number[];
  count: number;
  sum: number;
}

export class ServerMetrics {
  /** @param caches the daemon's memos (hits, misses, entries), reported as they are at each scrape. */
  constructor(private readonly caches: () => MemoStats[] = () => []) {}

  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();
  private readonly ingested = new Map<string, number>();
  private readonly startedMs = Date.now();

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = labels({ method, route, status: String(status) });
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const hKey = labels({ method, route });
    let h = this.latency.get(hKey);
    if (!h) {
      h = { buckets: LATENCY_BUCKETS_S.map(() => 0), count: 0, sum: 0 };
      this.latency.set(hKey, h);
    }
    // Cumulative buckets are built at render time; here each observation lands in its first bucket.
    const i = LATENCY_BUCKETS_S.findIndex((b) => seconds <= b);
    if (i >= 0) h.buckets[i]++;
    h.count++;
    h.sum += seconds;
  }

  observeIngest(format: string, outcome: string, runs: number): void {
    if (runs <= 0) return;
    const key = labels({ format, outcome });
    this.ingested.set(key, (this.ingested.get(key) ?? 0) + runs);
  }

  render(): string {
    const out: string[] = [];
    out.push('# HELP perfhound_http_requests_total HTTP requests answered, by method, route and status.');
    out.push('# TYPE perfhound_http_requests_total counter');
    for (const [key, n] of this.requests) out.push(`perfhound_http_requests_total{${key}} ${n}`);
    out.push('# HELP perfhound_http_request_duration_seconds Time to answer a request, by method and route.');
    out.push('# TYPE perfhound_http_request_duration_seconds histogram');
    for (const [key, h] of this.latency) {
      let cumulative = 0;
      LATENCY_BUCKETS_S.forEach((le, i) => {
        cumulative += h.buckets[i];
        out.push(`perfhound_http_request_duration_seconds_bucket{${key},le="${le}"} ${cumulative}`);
      });
      out.push(`perfhound_http_request_duration_seconds_bucket{${key},le="+Inf"} ${h.count}`);
      out.push(`perfhound_http_request_duration_seconds_sum{${key}} ${h.sum}`);
      out.push(`perfhound_http_request_duration_seconds_count{${key}} ${h.count}`);
    }
    out.push('# HELP perfhound_ingested_runs_total Runs ingested through the API, by format and outcome (created, replaced, failed).');
    out.push('# TYPE perfhound_ingested_runs_total counter');
    for (const [key, n] of this.ingested) out.push(`perfhound_ingested_runs_total{${key}} ${n}`);
    const caches = this.caches();
    out.push('# HELP perfhound_cache_requests_total Lookups of the daemon\'s memos, by memo and result (hit, miss).');
    out.push('# TYPE perfhound_cache_requests_total counter');
    for (const c of caches) {
      out.push(`perfhound_cache_requests_total{${labels({ cache: c.name, result: 'hit' })}} ${c.hits}`);
      out.push(`perfhound_cache_requests_total{${labels({ cache: c.name, result: 'miss' })}} ${c.misses}`);
    }
    out.push('# HELP perfhound_cache_entries Entries held by each of the daemon\'s memos (bounded by its size).');
    out.push('# TYPE perfhound_cache_entries gauge');
    for (const c of caches) out.push(`perfhound_cache_entries{${labels({ cache: c.name })}} ${c.entries}`);
    out.push('# HELP perfhound_process_start_time_seconds Start time of this daemon process.');
    out.push('# TYPE perfhound_process_start_time_seconds gauge');
    out.push(`perfhound_process_start_time_seconds ${Math.floor(this.startedMs / 1000)}`);
    out.push('# HELP perfhound_process_resident_memory_bytes Resident set size of this daemon process.');
    out.push('# TYPE perfhound_process_resident_memory_bytes gauge');
    out.push(`perfhound_process_resident_memory_bytes ${process.memoryUsage.rss()}`);
    return out.join('\n') + '\n';
  }
}

/** Prometheus label set text, values escaped as the exposition format requires. */
function labels(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}
