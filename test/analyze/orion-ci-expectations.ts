/**
 * Every row of test/fixtures/analyze/EXPECTED.md (what Orion prints on its CI corpus) as vitest cases,
 * run through `perfhound analyze` against a target: the OpenSearch test server or a store holding the
 * same corpus. `target()` gives the flags that select the target (`--es-server …` or `--db …`).
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { filesFlags } from '../support/analyze-flags.js';
import { jsonValues } from '../support/json-stream.js';

const CONFIGS = 'test/fixtures/analyze/configurations';
const METADATA_INDEX = 'orion-integration-test-data*';
const METRICS_INDEX = 'orion-integration-test-metrics*';
const CHANGEPOINT_AT = 'Changepoint at:      4.20.0-0.nightly-2026-01-15-195655';
const PREVIOUS_VERSION = 'Previous version:    4.20.0-0.nightly-2026-01-14-195655';
const CHANGED_RUN = 'd4e5f6a7-b8c9-4012-d345-e6f7a8b9c012';
const UPSTREAM_JOB = 'periodic-ci-openshift-eng-ocp-qe-perfscale-ci-main-gcp-4.20-nightly-x86-olmv1-benchmark-test';

export function analyzeCi(target: string[], config: string, extra: string[] = [], indices = { metadata: METADATA_INDEX, benchmark: METRICS_INDEX }): Promise<CliResult> {
  // EXPECTED.md's runs name their algorithm; without one Orion (and perfhound) analyses nothing.
  const algorithm = extra.some((a) => ['--hunter-analyze', '--cmr', '--anomaly-detection'].includes(a)) ? [] : ['--hunter-analyze'];
  return runCli([
    'analyze',
    ...algorithm,
    ...target,
    '--config', `${CONFIGS}/${config}`,
    '--metadata-index', indices.metadata,
    '--benchmark-index', indices.benchmark,
    '--lookback', '15d',
    '--since', '2026-01-20',
    '--node-count', 'true',
    '--input-vars', '{"version": "4.20"}',
    ...filesFlags(),
    ...extra,
  ]);
}

/** The corpus' run metadata documents (uuid, time, benchmark), read from the fixture itself. */
function corpusRuns(): { uuid: string; timestampMs: number; benchmark?: string }[] {
  const lines = readFileSync('test/fixtures/opensearch/bulk.ndjson', 'utf8').split('\n').filter(Boolean);
  const runs: { uuid: string; timestampMs: number; benchmark?: string }[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const action = JSON.parse(lines[i]) as { index: { _index: string } };
    if (!action.index._index.startsWith('orion-integration-test-data')) continue;
    const doc = JSON.parse(lines[i + 1]) as { uuid: string; timestamp: string; benchmark?: string };
    runs.push({ uuid: doc.uuid, timestampMs: Date.parse(doc.timestamp), benchmark: doc.benchmark });
  }
  return runs.sort((a, b) => a.timestampMs - b.timestampMs);
}

type JsonRow = { uuid: string; is_changepoint: boolean; upstreamJob?: string; metrics: Record<string, { value: number; percentage_change: number }> };

/** The rows Orion prints for the config's one test: a bare array per test. */
function rowsOf(stdout: string): JsonRow[] {
  const values = jsonValues<JsonRow[]>(stdout);
  expect(values).toHaveLength(1);
  return values[0];
}

export function orionExpectations(target: () => string[]): void {
  it('--hunter-analyze, text: exit 2, +404.5%, the change point and previous versions', async () => {
    const r = await analyzeCi(target(), 'ci-tests.yaml', ['--hunter-analyze']);
    expect(r.stderr).not.toMatch(/perfhound:/);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('+404.5%');
    expect(r.stdout).toContain(CHANGEPOINT_AT);
    expect(r.stdout).toContain(PREVIOUS_VERSION);
  });

  it('json: the changed run is the change point with percentage_change 404.549…', async () => {
    const r = await analyzeCi(target(), 'ci-tests.yaml', ['--output-format', 'json']);
    expect(r.code).toBe(2);
    const rows = rowsOf(r.stdout);
    expect(rows).toHaveLength(10);
    const changed = rows.filter((row) => row.is_changepoint);
    expect(changed.map((row) => row.uuid)).toEqual([CHANGED_RUN]);
    expect(changed[0].metrics['OCP-84094_catalogdCPU_GCP_avg'].percentage_change).toBeCloseTo(404.549, 3);
    expect(rows.filter((row) => !row.is_changepoint).every((row) => row.metrics['OCP-84094_catalogdCPU_GCP_avg'].percentage_change === 0)).toBe(true);
  });

  it('junit: one failure, the change point row of the psql table', async () => {
    const r = await analyzeCi(target(), 'ci-tests.yaml', ['--output-format', 'junit']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('failures="1"');
    expect(r.stdout).toContain('404.549 | https://prow.ci/2013174937652563968 | -- changepoint');
  });

  it('--display upstreamJob shows the field in text, JSON and JUnit', async () => {
    for (const format of ['text', 'json', 'junit']) {
      const r = await analyzeCi(target(), 'ci-tests.yaml', ['--display', 'upstreamJob', '-o', format]);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain(UPSTREAM_JOB);
    }
  });

  it('ci-tests-metrics-only.yaml with the metrics index as metadata index', async () => {
    const r = await analyzeCi(target(), 'ci-tests-metrics-only.yaml', [], { metadata: METRICS_INDEX, benchmark: METRICS_INDEX });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('+404.5%');
    expect(r.stdout).toContain('Changepoint at:      4.20');
    expect(r.stdout).toContain('Previous version:    4.20');
  });

  it('ci-tests-early-cp.yaml reports no early change point', async () => {
    const r = await analyzeCi(target(), 'ci-tests-early-cp.yaml');
    expect(r.code).not.toBe(2);
    expect(r.stdout).not.toContain('Regression(s) found');
  });

  it('--cmr: +160.9% and the JUnit row True | 160.879', async () => {
    const text = await analyzeCi(target(), 'ci-tests.yaml', ['--cmr']);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('+160.9%');
    const junit = await analyzeCi(target(), 'ci-tests.yaml', ['--cmr', '-o', 'junit']);
    expect(junit.stdout).toContain('True             |             160.879');
  });

  it('--anomaly-detection: +155.6%, +56.7%, +38.9% at …01-15 and …01-17', async () => {
    const text = await analyzeCi(target(), 'ci-tests.yaml', ['--anomaly-detection']);
    expect(text.code).toBe(2);
    for (const s of ['+155.6%', '+56.7%', '+38.9%']) expect(text.stdout).toContain(s);
    expect(text.stdout).toContain('Changepoint at:      4.20.0-0.nightly-2026-01-15-195655');
    expect(text.stdout).toContain('Changepoint at:      4.20.0-0.nightly-2026-01-17-195655');
    const json = await analyzeCi(target(), 'ci-tests.yaml', ['--anomaly-detection', '-o', 'json']);
    expect(rowsOf(json.stdout).filter((row) => row.is_changepoint)).toHaveLength(3);
    const junit = await analyzeCi(target(), 'ci-tests.yaml', ['--anomaly-detection', '-o', 'junit']);
    for (const s of ['155.648', '56.7208', '38.8858']) expect(junit.stdout).toContain(s);
  });

  it('ci-tests-inherits.yaml: the inherited _sum_sum column, +404.5% and the same versions', async () => {
    const r = await analyzeCi(target(), 'ci-tests-inherits.yaml');
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('OCP-84094_catalogdCPU_GCP_sum_sum');
    expect(r.stdout).toContain('+404.5%');
    expect(r.stdout).toContain(CHANGEPOINT_AT);
    expect(r.stdout).toContain(PREVIOUS_VERSION);
  });

  it('IgnoreGlobal / local_metrics variants have the expected columns', async () => {
    const ignore = await analyzeCi(target(), 'ci-tests-inherits-ignore-global.yaml');
    expect(ignore.stdout).not.toContain('_sum_sum');
    expect(ignore.stdout).toContain('OCP-84094_catalogdCPU_GCP_avg');
    const local = await analyzeCi(target(), 'ci-tests-inherits-local-metrics.yaml');
    for (const c of ['OCP-84094_catalogdCPU_GCP_max_max', 'OCP-84094_catalogdCPU_GCP_sum_sum', 'OCP-84094_catalogdCPU_GCP_avg']) expect(local.stdout).toContain(c);
    const withIgnore = await analyzeCi(target(), 'ci-tests-inherits-local-metrics-with-ignore.yaml');
    expect(withIgnore.stdout).toContain('OCP-84094_catalogdCPU_GCP_max_max');
    expect(withIgnore.stdout).toContain('OCP-84094_catalogdCPU_GCP_avg');
    expect(withIgnore.stdout).not.toContain('_sum_sum');
  });

  it('ci-tests-inherits-local-metadata.yaml: exit 3 (no matching runs)', async () => {
    const r = await analyzeCi(target(), 'ci-tests-inherits-local-metadata.yaml');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('no runs match');
  });

  it('--uuid: the runs sharing that run\'s hardware and benchmark, the same change point as the config\'s selection', async () => {
    const byConfig = rowsOf((await analyzeCi(target(), 'ci-tests.yaml', ['-o', 'json'])).stdout);
    // Version 4.19: the config's own selection (ocpVersion 4.19*) finds nothing; the --uuid run's metadata does.
    const other = ['--input-vars', '{"version": "4.19"}'];
    expect((await analyzeCi(target(), 'ci-tests.yaml', other)).code).toBe(3);
    const r = await analyzeCi(target(), 'ci-tests.yaml', [...other, '-o', 'json', '--uuid', CHANGED_RUN]);
    expect(r.stderr).not.toMatch(/perfhound:/);
    expect(r.code).toBe(2);
    const rows = rowsOf(r.stdout);
    // Every OLM run of the 15 days before --since (the RHOSO runs have another benchmark and hardware).
    const since = Date.parse('2026-01-20T00:00:00Z');
    const changed = corpusRuns().find((run) => run.uuid === CHANGED_RUN);
    const expected = corpusRuns().filter((run) => run.benchmark === changed?.benchmark && run.timestampMs > since - 15 * 86_400_000 && run.timestampMs < since);
    expect(rows.map((row) => row.uuid)).toEqual(expected.map((run) => run.uuid));
    expect(rows.filter((row) => row.is_changepoint).map((row) => row.uuid)).toEqual([CHANGED_RUN]);
    expect(rows).toEqual(byConfig);
  });

  it('--uuid of an unknown run: exit 1 naming --uuid', async () => {
    const r = await analyzeCi(target(), 'ci-tests.yaml', ['--uuid', 'no-such-run']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no-such-run');
    expect(r.stderr).toContain('--uuid');
    expect(r.stdout).toBe('');
  });

  it('--uuid with --baseline: exactly those runs, oldest first, whatever the time window', async () => {
    const runs = corpusRuns().filter((run) => run.benchmark === 'olm');
    const [oldest, , second] = runs;
    const newest = runs[runs.length - 1];
    const byConfig = rowsOf((await analyzeCi(target(), 'ci-tests.yaml', ['-o', 'json'])).stdout);
    // The newest baseline first (order comes from time), and a window (15 days before 2026-01-12) that
    // holds neither the uuid run nor the newest baseline.
    const window = ['--since', '2026-01-12'];
    expect(newest.timestampMs).toBeGreaterThan(Date.parse('2026-01-12T00:00:00Z'));
    const r = await analyzeCi(target(), 'ci-tests.yaml', [...window, '-o', 'json', '--uuid', CHANGED_RUN, '--baseline', `${newest.uuid},${oldest.uuid} ${second.uuid}`]);
    expect(r.stderr).not.toMatch(/perfhound:/);
    expect(r.code).not.toBe(1);
    const rows = rowsOf(r.stdout);
    const expected = [oldest, second, newest, runs.find((run) => run.uuid === CHANGED_RUN)].sort((a, b) => (a?.timestampMs ?? 0) - (b?.timestampMs ?? 0));
    expect(rows.map((row) => row.uuid)).toEqual(expected.map((run) => run?.uuid));
    // Each run's value is the one the full analysis reads for it.
    const metric = 'OCP-84094_catalogdCPU_GCP_avg';
    for (const row of rows) expect(row.metrics[metric].value).toBe(byConfig.find((b) => b.uuid === row.uuid)?.metrics[metric].value);
  });

  it('ci-tests-browbeat.yaml: the keystone metrics in text, JSON and JUnit', async () => {
    for (const format of ['text', 'json', 'junit']) {
      const r = await runCli([
        'analyze', ...target(),
        '--config', `${CONFIGS}/ci-tests-browbeat.yaml`,
        '--metadata-index', METADATA_INDEX, '--benchmark-index', METRICS_INDEX,
        '--lookback', '15d', '--since', '2026-02-23', '--node-count', 'true',
        '--display', '', '--input-vars', '{"version": "4.18"}', '-o', format, '--hunter-analyze', ...filesFlags(),
      ]);
      expect(r.stderr).not.toMatch(/perfhound:/);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('keystone_v3_list_users_avg_avg');
      expect(r.stdout).toContain('keystone_v3_list_users_P99_percentiles_99.0');
    }
  });
}
