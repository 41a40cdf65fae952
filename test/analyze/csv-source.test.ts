/**
 * `perfhound analyze --source csv` over a CSV in Otava's layout: the pipeline end to end without a
 * server — the step is found, a decrease is no regression with direction 1 and one with direction -1, a
 * run missing a metric is left out of that series with a warning naming it, detection still runs.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { filesFlags } from '../support/analyze-flags.js';
import { jsonValues } from '../support/json-stream.js';

const CSV = 'test/fixtures/analyze/otava-layout.csv';
const CONFIG = 'test/fixtures/analyze/csv-config.yaml';

function analyze(extra: string[] = []) {
  return runCli(['analyze', '--source', 'csv', '--csv', CSV, '--config', CONFIG, '-o', 'json', '--hunter-analyze', ...filesFlags(), ...extra]);
}

type Row = { uuid: string; is_changepoint: boolean; metrics: Record<string, { value: number | null; percentage_change: number }> };

describe('analyze over a CSV file', () => {
  it('finds the cpu step, names the run missing mem, ignores the latency decrease', async () => {
    const r = await analyze();
    expect(r.code).toBe(2);
    const rows = jsonValues<Row[]>(r.stdout)[0];
    expect(rows).toHaveLength(20);
    const changed = rows.filter((row) => row.is_changepoint);
    expect(changed.map((row) => row.uuid)).toEqual(['run-12']);
    expect(changed[0].metrics.cpu_cpu.percentage_change).toBeGreaterThan(40);
    expect(rows[5].metrics.mem_mem.value).toBeNull();
    expect(r.stderr).toMatch(/mem_mem has no value for run\(s\) run-05/);
  });

  it('direction -1 reports the latency decrease', async () => {
    const r = await analyze(['--input-vars', '{"latency_direction": -1}']);
    const rows = jsonValues<Row[]>(r.stdout)[0];
    expect(rows[8].is_changepoint).toBe(true);
    expect(rows[8].metrics.latency_latency.percentage_change).toBeLessThan(-20);
  });

  it('--lookback-size keeps the newest runs; --collapse keeps rows around change points', async () => {
    const r = await analyze(['--lookback-size', '10', '--collapse']);
    const rows = jsonValues<Row[]>(r.stdout)[0];
    expect(rows.map((row) => row.uuid)).toEqual(['run-11', 'run-12', 'run-13']);
  });

  it('--explain adds why to each change point, and nothing else; without it the rows are Orion\'s', async () => {
    const plain = jsonValues<Row[]>((await analyze()).stdout)[0];
    const explained = jsonValues<(Row & { metrics: Record<string, { explanation?: Record<string, unknown> }> })[]>((await analyze(['--explain'])).stdout)[0];
    expect(plain.some((row) => Object.values(row.metrics).some((m) => 'explanation' in m))).toBe(false);
    const why = explained[12].metrics.cpu_cpu.explanation!;
    expect(Object.keys(why).sort()).toEqual(['mean_after', 'mean_before', 'pvalue', 'relative_magnitude', 'rule', 'stddev_after', 'stddev_before']);
    expect(why.relative_magnitude as number).toBeCloseTo((explained[12].metrics.cpu_cpu.percentage_change) / 100, 10);
    expect(why.pvalue as number).toBeLessThan(0.001);
    expect(why.stddev_before as number).toBeGreaterThanOrEqual(0);
    expect(why.rule).toMatch(/^otava: .*; kept: an increase is a regression .*threshold/);
    // only the change point's metric has one, and removing it gives back the plain rows exactly
    for (const row of explained) for (const m of Object.values(row.metrics)) delete m.explanation;
    expect(explained).toEqual(plain);
  });

  it('rejects mutually exclusive algorithms and bad flags with exit 1', async () => {
    expect((await analyze(['--cmr', '--anomaly-detection'])).code).toBe(1);
    expect((await analyze(['--node-count', 'maybe'])).code).toBe(1);
    expect((await analyze(['--input-vars', '{bad'])).code).toBe(1);
  });
});
