export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<void>;
}

/** Every benchmark; add yours with one line. */
export const benchmarks: Benchmark[] = [];
benchmarks.push((await import('./detect.js')).detectBenchmark);
