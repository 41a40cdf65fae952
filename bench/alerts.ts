/**
 * Alerts (issue 15): a SQLite store of W watches, each over its own test of M metrics × R runs (default
 * 100 × 20 × 1 000, `PERFHOUND_BENCH_ALERTS=W,M,R`), every watch with a webhook channel to an HTTP
 * receiver on loopback. After a first pass of the watches (as the daemon's start, or the ingest before,
 * leaves them), each round ingests one new run of one test (`ingestJson`, the CLI's and the daemon's path)
 * whose metrics jump, runs the watches as after any ingest and one delivery pass: the time from the start
 * of the ingest to the receiver having the notification. Prints wall and CPU time per round (median of
 * the rounds) with the load average, and how the watches' series were analysed (appended vs in full).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { addWatch, afterIngest, deliverDue, runWatches, validateChannel } from '../src/alerts/index.js';
import { ingestJson } from '../src/ingest/json.js';
import { insertChannel } from '../src/store/alerts.js';
import { openStore, type Store } from '../src/store/connect.js';
import { writeRun } from '../src/store/runs.js';
import { median } from './median.js';
import type { Benchmark } from './registry.js';

const BASE = Date.UTC(2025, 0, 1);
const BATCH = 2000;
const ROUNDS = 5;

function shape(): { watches: number; metrics: number; runs: number } {
  const [watches, metrics, runs] = (process.env.PERFHOUND_BENCH_ALERTS ?? '100,20,1000').split(',').map(Number);
  return { watches, metrics, runs };
}

/** Metric m of run r of test t: level 100 + m with a deterministic wobble (no change point). */
function value(t: number, m: number, r: number): number {
  return 100 + m + Math.sin(r * 7 + m * 3 + t) * 0.5;
}

function metadata(t: number, r: number): Record<string, unknown> {
  return { uuid: `t${t}-r${r}`, timestamp: new Date(BASE + r * 3_600_000 + t * 1000).toISOString(), benchmark: `bench-${t}`, platform: 'AWS', ocpVersion: `4.20.${r}`, buildUrl: `https://ci/${t}/${r}` };
}

/** The store as `ingest json` leaves it: one run per test and hour, one document of every metric. */
async function build(store: Store, s: ReturnType<typeof shape>): Promise<void> {
  const all = s.watches * s.runs;
  for (let from = 0; from < all; from += BATCH) {
    await store.transaction(async (trx) => {
      for (let i = from; i < Math.min(all, from + BATCH); i++) {
        const t = i % s.watches;
        const r = Math.floor(i / s.watches);
        const meta = metadata(t, r);
        const ts = BASE + r * 3_600_000 + t * 1000;
        const body: Record<string, unknown> = { uuid: meta.uuid, timestamp: meta.timestamp };
        for (let m = 0; m < s.metrics; m++) body[`m${m}`] = value(t, m, r);
        await writeRun(trx, { uuid: String(meta.uuid), timestampMs: ts, source: 'json', collection: 'results', metadata: meta, buildUrl: String(meta.buildUrl), version: String(meta.ocpVersion) }, [
          { collection: 'results', timestampMs: ts, metricName: null, body: JSON.stringify(body) },
        ]);
      }
    });
  }
}

function config(t: number, metrics: number): string {
  const lines = ['tests:', `  - name: bench-${t}`, '    metadata:', `      benchmark.keyword: bench-${t}`, '      platform: AWS', '    metrics:'];
  for (let m = 0; m < metrics; m++) lines.push(`      - name: m${m}`, `        metric_of_interest: m${m}`);
  return lines.join('\n') + '\n';
}

export const alertsBenchmark: Benchmark = {
  name: 'alerts',
  description: 'ingest of one run into a store of 100 watches × 20 metrics × 1 000 runs → its notification received (PERFHOUND_BENCH_ALERTS=W,M,R)',
  async run() {
    const s = shape();
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-bench-alerts-'));
    let onReceive: (() => void) | undefined;
    let received = 0;
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.end('ok');
        received++;
        onReceive?.();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const store = await openStore(`sqlite:${join(dir, 'db.sqlite')}`);
    try {
      const started = performance.now();
      await build(store, s);
      await insertChannel(store.db, validateChannel({ name: 'hook', kind: 'webhook', settings: { url, secret: 'bench-secret-0123456789' } }), Date.now());
      for (let t = 0; t < s.watches; t++) await addWatch(store, { name: `watch-${t}`, config: config(t, s.metrics), channels: ['hook'] });
      console.log(`store: ${s.watches} watches × ${s.metrics} metrics × ${s.runs} runs built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const warm = performance.now();
      const first = await runWatches(store);
      console.log(`first pass of every watch (from nothing): ${((performance.now() - warm) / 1000).toFixed(1)} s, ${first.reduce((n, o) => n + o.notifications, 0)} notifications`);
      while ((await deliverDue(store, { batch: 1000 })).delivered > 0);

      const wall: number[] = [];
      const cpu: number[] = [];
      const phases: string[] = [];
      let last = '';
      for (let round = 0; round < ROUNDS; round++) {
        // A new run of test t whose every metric is 3 × its usual level: a change point at the run.
        const t = (round * 37) % s.watches;
        const r = s.runs + round;
        const meta = metadata(t, r);
        const metrics: Record<string, number> = {};
        for (let m = 0; m < s.metrics; m++) metrics[`m${m}`] = 3 * value(t, m, r);
        const file = join(dir, `new-${round}.json`);
        writeFileSync(file, JSON.stringify([{ uuid: meta.uuid, timestamp: meta.timestamp, metadata: meta, metrics }]));
        const arrived = new Promise<void>((resolve) => (onReceive = resolve));
        const before = received;
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const report = await ingestJson(store, file, { collection: 'results', runCollection: 'results', versionField: 'ocpVersion', runMeta: {} });
        const t1 = performance.now();
        const { outcomes } = await afterIngest(store, report.runs.map((x) => x.uuid), { deliver: true });
        await arrived;
        const elapsed = performance.now() - t0;
        phases.push(`${(t1 - t0).toFixed(0)}+${(performance.now() - t1).toFixed(0)}`);
        const used = process.cpuUsage(cpu0);
        if (received !== before + 1) throw new Error(`round ${round}: ${received - before} notifications received, expected 1`);
        wall.push(elapsed);
        cpu.push((used.user + used.system) / 1000);
        const touched = outcomes.filter((o) => o.touched);
        last = `watches analysed ${touched.length} of ${outcomes.length}; series appended ${touched.reduce((n, o) => n + o.series.appended, 0)}, in full ${touched.reduce((n, o) => n + o.series.full, 0)}`;
      }
      console.log(`ingest → notification received: median ${median(wall).toFixed(0)} ms wall, ${median(cpu).toFixed(0)} ms CPU over ${ROUNDS} rounds (all, as ingest + watches and delivery: ${phases.join(', ')} ms); ${last}; load ${loadavg()[0].toFixed(2)}`);
    } finally {
      await store.close();
      receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
