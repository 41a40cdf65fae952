/** Each schema feature of the normalised model, from small configs written for the case. */
import { describe, expect, it } from 'vitest';
import { parseAnalysisConfig, type AnalysisConfig, type AnalysisMetric } from '../../src/config/index.js';

const parse = (text: string, inputVars: Record<string, unknown> = {}): Promise<AnalysisConfig> =>
  parseAnalysisConfig(text, { file: 'cfg.yaml', env: {}, inputVars });

/** A one-test config whose metrics block is `metrics` (YAML, indented for the list). */
function config(metrics: string, testExtra = '', metadata = '      platform: AWS'): string {
  return `tests:\n  - name: t\n${testExtra}    metadata:\n${metadata}\n    metrics:\n${metrics}`;
}

async function onlyMetric(metric: string, testExtra = ''): Promise<AnalysisMetric> {
  const loaded = await parse(config(metric, testExtra));
  const found = loaded.tests[0]?.metrics[0];
  if (!found) throw new Error('no metric');
  return found;
}

describe('metrics', () => {
  it('every non-reserved key is a filter, with its YAML type kept', async () => {
    const m = await onlyMetric(`      - name: lat
        metricName.keyword: podLatencyQuantilesMeasurement
        quantileName: Ready
        parallelism: 2
        hostNetwork: false
        metric_of_interest: P99
        labels: ["[Jira: PerfScale]"]
        direction: -1
        threshold: 10
        not: {jobName.keyword: garbage-collection}
`);
    expect(m.filters).toEqual({
      'metricName.keyword': 'podLatencyQuantilesMeasurement',
      quantileName: 'Ready',
      parallelism: 2,
      hostNetwork: false,
    });
    expect(m.not).toEqual({ 'jobName.keyword': ['garbage-collection'] });
    expect(m.kind).toBe('standard');
    expect(m.series).toEqual([
      {
        column: 'lat_P99',
        selector: {
          name: 'lat_P99',
          filters: m.filters,
          not: m.not,
          metricOfInterest: 'P99',
          timestampField: 'timestamp',
        },
      },
    ]);
    expect([m.direction, m.threshold, m.labels]).toEqual([-1, 10, ['[Jira: PerfScale]']]);
  });

  it('defaults: direction 1, threshold 0 (or the test\'s), context 5, no correlation', async () => {
    const m = await onlyMetric('      - {name: cpu, metric_of_interest: value}\n');
    expect([m.direction, m.threshold, m.context, m.correlation, m.isMetadata, m.labels]).toEqual([1, 0, 5, undefined, false, []]);
    const withTest = await onlyMetric('      - {name: cpu, metric_of_interest: value}\n', '    threshold: 7\n    direction: 0\n    timestamp: end_time\n');
    expect([withTest.direction, withTest.threshold, withTest.series[0]?.selector.timestampField]).toEqual([0, 7, 'end_time']);
  });

  it('names aggregation columns <name>_<agg_type>; the legacy agg.value is accepted and ignored', async () => {
    for (const agg of ['avg', 'sum', 'max', 'min', 'count'] as const) {
      const m = await onlyMetric(`      - name: cpu\n        metric_of_interest: value\n        agg: {value: cpu, agg_type: ${agg}}\n`);
      expect(m.kind).toBe('aggregated');
      expect(m.series.map((s) => [s.column, s.selector.agg])).toEqual([[`cpu_${agg}`, { type: agg }]]);
    }
  });

  it('names percentile columns <name>_percentiles_<p>: one per percent, or the target only', async () => {
    const all = await onlyMetric('      - name: lat\n        metric_of_interest: v\n        agg: {agg_type: percentiles, percents: [50, 99.9]}\n');
    expect(all.series.map((s) => s.column)).toEqual(['lat_percentiles_50.0', 'lat_percentiles_99.9']);
    expect(all.series[1]?.selector.agg).toEqual({ type: 'percentiles', percents: [50, 99.9], targetPercentile: 99.9 });
    const target = await onlyMetric('      - name: lat\n        metric_of_interest: v\n        agg: {agg_type: percentiles, percents: [50, 95], target_percentile: 95}\n');
    expect(target.series.map((s) => [s.column, s.percentile])).toEqual([['lat_percentiles_95.0', 95]]);
  });

  it('keeps dotted metric_of_interest, per-metric timestamp, correlation/context and type: metadata', async () => {
    const loaded = await parse(
      config(`      - name: create_users
        targets: create_users
        metric_of_interest: status_codes.200
        timestamp: end_time
      - name: lat
        metric_of_interest: p99
        correlation: create_users_status_codes.200
        context: 10
      - name: kubeBurnerVersion
        metric_of_interest: k8sVersion
        type: metadata
`),
    );
    const [codes, lat, version] = loaded.tests[0]?.metrics ?? [];
    expect(codes?.series[0]?.column).toBe('create_users_status_codes.200');
    expect(codes?.series[0]?.selector.timestampField).toBe('end_time');
    expect([lat?.correlation, lat?.context]).toEqual(['create_users_status_codes.200', 10]);
    expect([version?.isMetadata, version?.series[0]?.column]).toEqual([true, 'kubeBurnerVersion_k8sVersion']);
  });

  it('accepts Orion\'s int()-able strings and a single label string; threshold is absolute', async () => {
    const m = await onlyMetric('      - {name: a, metric_of_interest: v, direction: "-1", threshold: -15, labels: "[Jira: X]"}\n');
    expect([m.direction, m.threshold, m.labels]).toEqual([-1, 15, ['[Jira: X]']]);
  });

  it('accepts lists in a metric not', async () => {
    const m = await onlyMetric('      - {name: a, metric_of_interest: v, not: {mode: [ambient, sidecar]}}\n');
    expect(m.not).toEqual({ mode: ['ambient', 'sidecar'] });
  });
});

describe('test keys', () => {
  it('defaults uuid_field, version_field and timestamp; reads the indices', async () => {
    const plain = await parse(config('      - {name: a, metric_of_interest: v}\n'));
    const t = plain.tests[0];
    expect([t?.uuidField, t?.versionField, t?.timestampField, t?.benchmarkIndex, t?.metadataIndex]).toEqual([
      'uuid', 'ocpVersion', 'timestamp', undefined, undefined,
    ]);
    const custom = await parse(
      config('      - {name: a, metric_of_interest: v}\n', '    uuid_field: run_uuid\n    version_field: tags.sw_version\n    benchmark_index: quay*\n    metadata_index: meta*\n'),
    );
    const c = custom.tests[0];
    expect([c?.uuidField, c?.versionField, c?.benchmarkIndex, c?.metadataIndex]).toEqual(['run_uuid', 'tags.sw_version', 'quay*', 'meta*']);
  });

  it('warns about keys Orion ignores', async () => {
    const loaded = await parse(config('      - {name: a, metric_of_interest: v}\n', '    benchmarkIndex: x*\n'));
    expect(loaded.warnings.map((w) => [w.message, w.place.line])).toEqual([
      ['unknown test key "benchmarkIndex" is ignored (did you mean benchmark_index?)', 3],
    ]);
  });
});

describe('metadata selector', () => {
  const selectorOf = async (metadata: string, extra = '') =>
    (await parse(config('      - {name: a, metric_of_interest: v}\n', extra, metadata))).tests[0]?.selector;

  it('maps match, not (scalars and lists) and wildcard', async () => {
    expect(
      await selectorOf('      platform: AWS\n      masterNodesCount: 3\n      fips: false\n      not:\n        stream: okd\n        jobType: [pull, rehearse]\n      wildcard:\n        ocpVersion: "4.20*"'),
    ).toEqual({
      match: { platform: 'AWS', masterNodesCount: 3, fips: false },
      not: { stream: ['okd'], jobType: ['pull', 'rehearse'] },
      wildcard: { ocpVersion: '4.20*' },
    });
  });

  it('skips Orion\'s PR-mode placeholders: pullNumber 0 (not "0"), empty strings, empty organization/repository', async () => {
    const text = `tests:
  - name: t
    metadata:
      jobType: {{ jobtype | default('periodic') }}
      pullNumber: {{ pull_number | default(0) }}
      organization: {{ organization | default('') }}
      repository: "{{ repository | default('') }}"
      fips: ""
    metrics: [{name: a, metric_of_interest: v}]
`;
    expect((await parse(text)).tests[0]?.selector.match).toEqual({ jobType: 'periodic' });
    const quoted = text.replace('pullNumber: {{ pull_number | default(0) }}', 'pullNumber: "{{ pull_number | default(0) }}"');
    expect((await parse(quoted)).tests[0]?.selector.match).toEqual({ jobType: 'periodic', pullNumber: '0' });
  });

  it('matches an exact version field as a prefix (Orion ignores it) and warns', async () => {
    const loaded = await parse(config('      - {name: a, metric_of_interest: v}\n', '', '      ocpVersion: "4.19"'));
    expect(loaded.tests[0]?.selector).toEqual({ match: {}, not: {}, wildcard: { ocpVersion: '4.19*' } });
    expect(loaded.warnings[0]?.message).toMatch(/ocpVersion: 4.19 is matched as the prefix "4.19\*"/);
    expect(loaded.warnings[0]?.place).toMatchObject({ file: 'cfg.yaml', line: 4, test: 't' });
    const withWildcard = await selectorOf('      ocpVersion: "4.19"\n      wildcard: {ocpVersion: "4.1*"}');
    expect(withWildcard?.wildcard).toEqual({ ocpVersion: '4.1*' });
  });

  it('rejects metadata values that are lists or empty', async () => {
    await expect(parse(config('      - {name: a, metric_of_interest: v}\n', '', '      platform: [AWS, GCP]'))).rejects.toThrow(
      /cfg\.yaml:4: test t: field tests\[0\].metadata\.platform: must be a single value, not a list/,
    );
    await expect(parse(config('      - {name: a, metric_of_interest: v}\n', '', '      platform:'))).rejects.toThrow(/metadata field platform has no value/);
  });
});

describe('fan_out', () => {
  it('copies the template per entry, substituting ${var} and overriding matching keys', async () => {
    const loaded = await parse(
      config(`      - name: \${job}-latency
        jobName: \${job}
        parallelism: 1
        metric_of_interest: value
        labels: ["[Jira: \${team}]"]
        fan_out:
          - {job: a, team: X}
          - {job: b, team: Y, parallelism: 8}
`),
    );
    const metrics = loaded.tests[0]?.metrics ?? [];
    expect(metrics.map((m) => [m.name, m.filters, m.labels])).toEqual([
      ['a-latency', { jobName: 'a', parallelism: 1 }, ['[Jira: X]']],
      ['b-latency', { jobName: 'b', parallelism: 8 }, ['[Jira: Y]']],
    ]);
  });

  it('rejects reserved keys in entries and templates whose copies collide', async () => {
    await expect(parse(config('      - {name: x, metric_of_interest: v, fan_out: [{name: y}]}\n'))).rejects.toThrow(
      /cfg\.yaml:6: test t: metric x: field tests\[0\]\.metrics\[0\]\.fan_out\[0\]: name cannot be used in a fan_out entry/,
    );
    await expect(parse(config('      - {name: x, jobName: "${j}", metric_of_interest: v, fan_out: [{j: a}, {j: b}]}\n'))).rejects.toThrow(
      /duplicate metric: the column x_v is produced twice/,
    );
  });
});

describe('group_by', () => {
  it('keeps the template unexpanded with its field', async () => {
    const m = await onlyMetric('      - {name: "cpu-${labels.container.keyword}", metricName.keyword: containerCPU, metric_of_interest: value, group_by: [labels.container.keyword], agg: {agg_type: avg}}\n');
    expect([m.groupBy, m.series, m.filters]).toEqual(['labels.container.keyword', [], { 'metricName.keyword': 'containerCPU' }]);
  });

  it('requires exactly one field and the ${field} placeholder in the name', async () => {
    await expect(parse(config('      - {name: "c-${a}", metric_of_interest: v, group_by: [a, b]}\n'))).rejects.toThrow(/group_by supports exactly one field/);
    await expect(parse(config('      - {name: c, metric_of_interest: v, group_by: a}\n'))).rejects.toThrow(/must contain \$\{a\}/);
  });
});
