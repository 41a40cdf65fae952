export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<void>;
}

/** Every benchmark; add yours with one line. */
export const benchmarks: Benchmark[] = [];
benchmarks.push((await import('./detect.js')).detectBenchmark);
benchmarks.push((await import('./ingest.js')).ingestBenchmark);
benchmarks.push((await import('./config.js')).configBenchmark);
benchmarks.push((await import('./subunit.js')).subunitBenchmark);
benchmarks.push((await import('./junit.js')).junitBenchmark);
benchmarks.push((await import('./analyze.js')).analyzeBenchmark);
benchmarks.push((await import('./server.js')).serverBenchmark);
benchmarks.push((await import('./report.js')).reportBenchmark);
benchmarks.push((await import('./experiment.js')).experimentBenchmark);
benchmarks.push((await import('./scale.js')).scaleBenchmark);
benchmarks.push((await import('./dashboard.js')).dashboardBenchmark);
benchmarks.push((await import('./alerts.js')).alertsBenchmark);
benchmarks.push((await import('./startup.js')).startupBenchmark);
