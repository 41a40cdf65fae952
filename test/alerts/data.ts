import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp folder with the watch config (test `t1`: metrics cpu and mem of platform AWS runs). */
export function alertFiles(): { dir: string; config: string } {
  const dir = mkdtempSync(join(tmpdir(), 'perfhound-alerts-'));
  const config = join(dir, 'watch.yaml');
  writeFileSync(
    config,
    'tests:\n  - name: t1\n    metadata:\n      platform: AWS\n    metrics:\n      - name: cpu\n        metric_of_interest: cpu\n        labels: ["[Jira: perf]"]\n      - name: mem\n        metric_of_interest: mem\n',
  );
  return { dir, config };
}

/** A small deterministic wobble (no change point in it). */
function noise(i: number): number {
  return ((i * 7919) % 13) / 13 - 0.5;
}

/**
 * Runs `from`…`to - 1` as a JSON ingest file: cpu is 10 (+ noise) before `cpuStepAt` and 20 from it on
 * (back to 10 from `cpuBackAt`), mem is 100 (+ noise) throughout unless `memStepAt` raises it to 150.
 */
export function runsFile(dir: string, name: string, from: number, to: number, steps: { cpuStepAt?: number; cpuBackAt?: number; memStepAt?: number } = {}): string {
  const runs = [];
  for (let i = from; i < to; i++) {
    const cpuHigh = steps.cpuStepAt !== undefined && i >= steps.cpuStepAt && !(steps.cpuBackAt !== undefined && i >= steps.cpuBackAt);
    const memHigh = steps.memStepAt !== undefined && i >= steps.memStepAt;
    runs.push({
      uuid: `run-${String(i).padStart(3, '0')}`,
      timestamp: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
      metadata: { platform: 'AWS', ocpVersion: `4.20.${i}`, buildUrl: `https://ci.example/job/${i}` },
      metrics: { cpu: (cpuHigh ? 20 : 10) + noise(i) * 0.2, mem: (memHigh ? 150 : 100) + noise(i + 3) },
    });
  }
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(runs));
  return path;
}
