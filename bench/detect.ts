/**
 * `npm run bench -- detect`: median time of `analyzeSeries` (default options) on noisy step series of
 * 100 … 20 000 points and on 100 series of 500, then the whole-process time of
 * `node bin/perfhound.cjs detect` on a 5 000-point CSV (needs `npm run build` first).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeSeries, IncrementalSeries } from '../src/detect/analyze.js';
import { median } from './median.js';
import type { Benchmark } from './registry.js';

/** Deterministic noisy series with a level shift every ~250 points (LCG + Box–Muller). */
function series(n: number, seed: number): number[] {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  const out: number[] = [];
  let level = 100;
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % 250 === 0) level *= uniform() < 0.5 ? 0.95 : 1.05;
    out.push(level + Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
  }
  return out;
}

let lastMin = 0;

/** `global.gc` when node runs with --expose-gc (as `npm run bench` does). */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

/**
 * Median wall time of `fn` over `repeats` runs, after `warmUp` untimed runs (so the optimising compiler
 * has settled); the minimum is kept in `lastMin` (useful on a busy machine). A full GC runs once before
 * the warm-up, so garbage of earlier measurements is not collected inside this one's timed region. Not
 * before every run: a forced full GC makes the next run 10–20× slower (measured: 0.1 → 1.9 ms at 100
 * points), which would time the collector's after-effects instead of the engine.
 */
function timeMs(fn: () => void, repeats: number, warmUp = 3): number {
  collectGarbage?.();
  for (let w = 0; w < warmUp; w++) fn();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  lastMin = Math.min(...times);
  return median(times);
}

/** CPU milliseconds per run of `fn` (user + system, this process), after a warm-up of a fifth of the runs. */
function cpuMs(fn: () => void, repeats: number): number {
  collectGarbage?.();
  for (let w = 0; w < Math.max(3, repeats / 5); w++) fn();
  const start = process.cpuUsage();
  for (let r = 0; r < repeats; r++) fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / repeats;
}

const OTAVA_MS: Record<string, number> = { '100': 1.1, '1000': 20, '5000': 83, '20000': 392, '100x500': 1130 };

async function run(): Promise<void> {
  const line = (label: string, ms: number) => {
    const otava = OTAVA_MS[label];
    console.log(`${label.padStart(8)} points: median ${ms.toFixed(3).padStart(9)} ms, min ${lastMin.toFixed(3).padStart(9)} ms   (Otava 0.8: ${otava} ms, ×${(otava / ms).toFixed(0)} faster at the median)`);
  };
  for (const n of [100, 1000, 5000, 20000]) {
    const values = series(n, n);
    const repeats = n <= 1000 ? 201 : n <= 5000 ? 51 : 21;
    line(String(n), timeMs(() => analyzeSeries(values), repeats, n <= 1000 ? 50 : 5));
  }
  const many = Array.from({ length: 100 }, (_, k) => series(500, k + 1));
  line('100x500', timeMs(() => many.forEach((v) => analyzeSeries(v)), 15));

  // The default (perfhound) mode against otava mode on the same series: the issue allows at most 2×.
  // Compared by CPU time (the machine is shared: wall times drift with the load), alternating the two
  // modes in rounds so a change of load hits both alike.
  const modes = (label: string, fn: (mode: 'perfhound' | 'otava') => void, repeats: number) => {
    const perfhound = cpuMs(() => fn('perfhound'), repeats);
    const otava = cpuMs(() => fn('otava'), repeats);
    console.log(`  ${label}: perfhound ${perfhound.toFixed(3)} ms, otava ${otava.toFixed(3)} ms CPU per run (×${(perfhound / otava).toFixed(2)}; load ${loadavg()[0].toFixed(2)})`);
  };
  for (const n of [1000, 5000, 20000]) {
    const values = series(n, n);
    modes(`${String(n).padStart(6)} points`, (mode) => analyzeSeries(values, { mode }), n <= 1000 ? 201 : n <= 5000 ? 41 : 11);
  }
  modes('100x500', (mode) => many.forEach((v) => analyzeSeries(v, { mode })), 11);

  for (const w of [25, 50, 100, 200]) {
    const values = series(5000, 7);
    console.log(`  window ${String(w).padStart(3)}, 5000 points: ${timeMs(() => analyzeSeries(values, { windowLen: w }), 11).toFixed(3)} ms`);
  }

  const values = series(20000, 3);
  const inc = new IncrementalSeries();
  inc.append(values.slice(0, 19999)).result();
  const t0 = process.hrtime.bigint();
  inc.append(values.slice(19999)).result();
  console.log(`  incremental: 1 point appended to 19 999: ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(3)} ms`);

  const dir = mkdtempSync(join(tmpdir(), 'perfhound-bench-'));
  try {
    const csv = join(dir, 'series.csv');
    const points = series(5000, 11);
    writeFileSync(csv, 'time,value\n' + points.map((v, i) => `${1700000000 + i * 3600},${v}`).join('\n') + '\n');
    const bin = join(process.cwd(), 'bin', 'perfhound.cjs');
    const wall = timeMs(() => execFileSync(process.execPath, [bin, 'detect', csv, '--output', 'json'], { stdio: 'pipe' }), 5, 1);
    console.log(`  whole process: node bin/perfhound.cjs detect (5000-point CSV): median ${wall.toFixed(0)} ms, min ${lastMin.toFixed(0)} ms (Otava CLI: 2650 ms)`);
    const startup = timeMs(() => execFileSync(process.execPath, [bin, '--version'], { stdio: 'pipe' }), 5, 1);
    console.log(`  of which CLI start-up (node bin/perfhound.cjs --version): median ${startup.toFixed(0)} ms, min ${lastMin.toFixed(0)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const detectBenchmark: Benchmark = {
  name: 'detect',
  description: 'change point engine (analyzeSeries, default options) and the detect command',
  run,
};
