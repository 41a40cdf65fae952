/** Every config error names the file, line, test, metric and field. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadAnalysisConfig, parseAnalysisConfig } from '../../src/config/index.js';
import { UserError } from '../../src/util/errors.js';

const parse = (text: string) => parseAnalysisConfig(text, { file: 'cfg.yaml', env: {} });

const withMetric = (metric: string) => `tests:
  - name: t
    metadata: {platform: AWS}
    metrics:
      - name: cpu
        metric_of_interest: value
${metric}`;

describe('config errors', () => {
  it.each([
    ['direction 2', withMetric('        direction: 2\n'), /^cfg\.yaml:7: test t: metric cpu: field tests\[0\]\.metrics\[0\]\.direction: must be 1 \(increases\), -1 \(decreases\) or 0 \(both\)/],
    ['unknown agg_type', withMetric('        agg: {agg_type: median}\n'), /^cfg\.yaml:7: test t: metric cpu: field tests\[0\]\.metrics\[0\]\.agg\.agg_type: must be one of avg, sum, max, min, count, percentiles \(got "median"\)/],
    ['percentiles without percents', withMetric('        agg: {agg_type: percentiles}\n'), /^cfg\.yaml:7: .*agg\.percents: agg_type percentiles needs a percents list/],
    ['target not among percents', withMetric('        agg: {agg_type: percentiles, percents: [50], target_percentile: 99}\n'), /agg\.target_percentile: must be one of percents \[50\]/],
    ['percents on avg', withMetric('        agg: {agg_type: avg, percents: [50]}\n'), /agg\.percents: only applies to agg_type percentiles, not avg/],
    ['unknown agg key', withMetric('        agg: {agg_type: avg, percentile: 9}\n'), /field tests\[0\]\.metrics\[0\]\.agg: unknown key "percentile"/],
    ['list as a filter value', withMetric('        jobName:\n          - a\n'), /^cfg\.yaml:7: test t: metric cpu: field tests\[0\]\.metrics\[0\]\.jobName: must be a string, number or boolean \(got a list\)/],
    ['context not a number', withMetric('        context: soon\n'), /\.context: must be a whole number of rows \(got "soon"\)/],
    ['metrics not a list', 'tests:\n  - name: t\n    metrics: {name: cpu}\n', /^cfg\.yaml:3: test t: field tests\[0\]\.metrics: must be a list of metrics \(got a mapping\)/],
    ['no metrics', 'tests:\n  - name: t\n    metadata: {a: b}\n', /^cfg\.yaml:2: test t: field tests\[0\]\.metrics: test has no metrics/],
    ['metric without metric_of_interest', 'tests:\n  - name: t\n    metrics:\n      - name: cpu\n', /^cfg\.yaml:4: test t: metric cpu: field tests\[0\]\.metrics\[0\]\.metric_of_interest: is required/],
    ['test without name', 'tests:\n  - metrics: []\n', /^cfg\.yaml:2: test tests\[0\]: field tests\[0\]\.name: is required/],
    ['tests missing', 'metadata: {}\n', /^cfg\.yaml:1: field tests: is required/],
    ['not a mapping', '- a\n- b\n', /a config must be a mapping with a tests list \(got a list\)/],
    ['duplicate YAML key', 'tests:\n  - name: t\n    name: u\n', /^cfg\.yaml:3: invalid YAML: Map keys must be unique/],
    ['invalid YAML', 'tests: [\n', /^cfg\.yaml:\d+: invalid YAML: /],
    ['template syntax', 'tests: {{ oops\n', /^cfg\.yaml:1: template error: expected variable end/],
    ['undefined variable', 'tests:\n  - name: {{ testname }}\n', /^cfg\.yaml:2: undefined template variable "testname"/],
  ])('%s', async (_case, text, message) => {
    const err: unknown = await parse(text).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(message);
  });

  it('collects every problem of every test, the first in the message', async () => {
    const text = `tests:
  - name: a
    metrics:
      - {name: x, metric_of_interest: v, direction: 5}
  - name: b
    metrics:
      - {name: y, metric_of_interest: v, agg: {agg_type: nope}}
`;
    const err = (await parse(text).catch((e: unknown) => e)) as ConfigError;
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/^cfg\.yaml:4: test a: metric x: .*direction.*\(and 1 more problem\)$/);
    expect(err.problems.map((p) => [p.place.line, p.place.test, p.place.metric, p.place.field])).toEqual([
      [4, 'a', 'x', 'tests[0].metrics[0].direction'],
      [7, 'b', 'y', 'tests[1].metrics[0].agg.agg_type'],
    ]);
  });

  it('names the metrics file a bad inherited metric comes from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-config-'));
    writeFileSync(join(dir, 'metrics.yaml'), '- name: ok\n  metric_of_interest: v\n- name: bad\n  metric_of_interest: v\n  threshold: lots\n');
    writeFileSync(join(dir, 'cfg.yaml'), 'metricsFile: metrics.yaml\ntests:\n  - name: t\n');
    const err = (await loadAnalysisConfig(join(dir, 'cfg.yaml'), { env: {} }).catch((e: unknown) => e)) as UserError;
    expect(err.message).toBe(`${join(dir, 'metrics.yaml')}:5: test t: metric bad: field [1].threshold: must be a number (percent) or a per-run threshold mapping (got "lots")`);
  });

  it('names the including file and key when an included file is missing', async () => {
    await expect(parseAnalysisConfig('parentConfig: nowhere.yaml\ntests: []\n', { file: 'cfg.yaml', baseDir: tmpdir(), env: {} })).rejects.toThrow(
      /^cfg\.yaml:1: field parentConfig: cannot read .*nowhere\.yaml: file not found$/,
    );
    await expect(loadAnalysisConfig(join(tmpdir(), 'no-such-config.yaml'), { env: {} })).rejects.toThrow(/no-such-config\.yaml: cannot read .*: file not found/);
  });

  it('refuses includes when asked to (daemon) and without a base directory', async () => {
    const text = 'parentConfig: parent.yaml\ntests: []\n';
    await expect(parseAnalysisConfig(text, { allowIncludes: false, env: {} })).rejects.toThrow(/line 1: field parentConfig: parentConfig: including other files is not allowed here/);
    await expect(parseAnalysisConfig(text, { env: {} })).rejects.toThrow(/relative path parent\.yaml needs a base directory/);
  });

  it('validates JSON objects the same way, without lines', async () => {
    const loaded = await parseAnalysisConfig({ tests: [{ name: 'j', metrics: [{ name: 'm', metric_of_interest: 'v', agg: { agg_type: 'max' } }] }] }, { env: {} });
    expect(loaded.tests[0]?.metrics[0]?.series[0]?.column).toBe('m_max');
    await expect(parseAnalysisConfig({ tests: [{ name: 'j', metrics: [{ name: 'm', metric_of_interest: 'v', direction: 3 }] }] }, { env: {} })).rejects.toThrow(
      /^test j: metric m: field tests\[0\]\.metrics\[0\]\.direction: must be 1/,
    );
  });
});
