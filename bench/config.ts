/**
 * `npm run bench -- config`: median time to load an Orion config — a generated one of 50 tests × 20
 * metrics (the analysis benchmark's shape: templated metadata, avg/percentile/standard metrics), and
 * Orion's largest real example (quay-load-test-stable.yaml, 28 tests' worth of metrics in 2 tests).
 */
import { existsSync } from 'node:fs';
import { loadAnalysisConfig, parseAnalysisConfig } from '../src/config/index.js';
import type { Benchmark } from './registry.js';

function generatedConfig(tests: number, metrics: number): string {
  const lines = ['tests:'];
  for (let t = 0; t < tests; t++) {
    lines.push(
      `  - name: test-${t}`,
      '    metadata:',
      '      platform: AWS',
      `      workerNodesCount: ${t % 7}`,
      `      benchmark.keyword: bench-${t}`,
      '      jobType: "{{ jobtype | default(\'periodic\') }}"',
      '      wildcard: {ocpVersion: "{{ version }}*"}',
      '      not: {stream: okd}',
      '    metrics:',
    );
    for (let m = 0; m < metrics; m++) {
      const agg = m % 3 === 0 ? '' : m % 3 === 1 ? '\n        agg: {agg_type: avg}' : '\n        agg: {agg_type: percentiles, percents: [50, 95, 99]}';
      lines.push(
        `      - name: metric-${m}`,
        `        metricName.keyword: m${m}`,
        `        labels.namespace.keyword: ns-${m}`,
        `        metric_of_interest: value${agg}`,
        '        not: {jobName.keyword: garbage-collection}',
        '        labels: ["[Jira: PerfScale]"]',
        '        threshold: 10',
      );
    }
  }
  return lines.join('\n') + '\n';
}

async function medianMs(fn: () => Promise<unknown>, repeats: number): Promise<number> {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

async function run(): Promise<void> {
  const text = generatedConfig(50, 20);
  const options = { inputVars: { version: '4.20' }, env: {} };
  const loaded = await parseAnalysisConfig(text, options);
  const series = loaded.tests.reduce((n, t) => n + t.metrics.reduce((k, m) => k + m.series.length, 0), 0);
  const ms = await medianMs(() => parseAnalysisConfig(text, options), 9);
  console.log(`generated 50 tests × 20 metrics (${(text.length / 1024).toFixed(0)} KiB, ${series} series): ${ms.toFixed(1)} ms`);
  const quay = 'test/fixtures/orion-examples/examples/quay-load-test-stable-stage.yaml';
  if (existsSync(quay)) {
    const quayVars = { ocp_version: '4.20', quay_version: '3.15', quay_image_push_pull_index: 'q*' };
    const quayMs = await medianMs(() => loadAnalysisConfig(quay, { inputVars: quayVars, env: {} }).catch(() => undefined), 9);
    console.log(`quay-load-test-stable-stage.yaml (fails on its correlation, as expected): ${quayMs.toFixed(1)} ms`);
  }
}

export const configBenchmark: Benchmark = {
  name: 'config',
  description: 'loading and validating Orion analysis configs',
  run,
};
