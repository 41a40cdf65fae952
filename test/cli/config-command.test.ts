/** `perfhound config validate FILE` and `perfhound config render FILE --input-vars …` for Orion configs. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../support/cli.js';

const CI = 'test/fixtures/analyze/configurations';

describe('perfhound config', () => {
  it('validate: a good config is valid (exit 0) with its tests and columns counted', async () => {
    const r = await runCli(['config', 'validate', `${CI}/ci-tests.yaml`, '--input-vars', '{"version": "4.20"}']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/valid: 1 test\(s\), \d+ metric column\(s\)/);
  });

  it('validate: an error names file and line, exit 1', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'bad.yaml');
    writeFileSync(path, 'tests:\n  - name: t\n    metrics:\n      - name: cpu\n        agg:\n          agg_type: percentiles\n');
    const r = await runCli(['config', 'validate', path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+`));
    expect(r.stdout).toBe('');
  });

  it('render: the expanded config after templates and inheritance, with each metric block\'s columns', async () => {
    const r = await runCli(['config', 'render', `${CI}/ci-tests-inherits.yaml`, '--input-vars', '{"version": "4.20"}']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rendered = parse(r.stdout) as { tests: Array<{ name: string; metadata: Record<string, unknown>; metrics: Array<{ name: string; columns: string[] }> }> };
    expect(rendered.tests[0].name).toBe('olm-integration-test');
    expect(JSON.stringify(rendered.tests[0].metadata)).toContain('4.20*');
    const columns = rendered.tests[0].metrics.flatMap((m) => m.columns);
    expect(columns).toContain('OCP-84094_catalogdCPU_GCP_sum_sum');
    expect(r.stdout).not.toContain('{{');
  });

  describe('an Otava config (tests as a mapping, templates, groups)', () => {
    const otava = (body: string) => {
      const path = join(mkdtempSync(join(tmpdir(), 'otava-cfg-')), 'otava.yaml');
      writeFileSync(path, body);
      return path;
    };
    const GOOD = 'templates:\n  common:\n    type: csv\n    time_column: t\n    metrics:\n      tput: {direction: 1}\ntests:\n  a.test:\n    inherit: [common]\n    file: a.csv\n    metrics:\n      p99: {column: latency_p99, direction: -1, scale: 1.0e-6}\ntest_groups:\n  nightly: [a.test]\n';

    it('validate: valid, with its tests, metrics and groups counted', async () => {
      const r = await runCli(['config', 'validate', otava(GOOD)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('valid: Otava config, 1 test(s), 2 metric(s), 1 group(s)\n');
    });

    it('validate: each error names file and line (of the test or its key), exit 1', async () => {
      for (const [body, line, message] of [
        [GOOD.replace('direction: -1', 'direction: 2'), 12, 'test a.test: field metrics.p99.direction: direction must be 1 or -1 (got 2)'],
        [GOOD.replace('inherit: [common]', 'inherit: [nope]'), 9, 'test a.test: field inherit: no template named "nope"'],
        [GOOD.replace('nightly: [a.test]', 'nightly: [b.test]'), 14, 'field test_groups.nightly: group nightly names the unknown test "b.test"'],
        [GOOD.replace('    file: a.csv\n', ''), 8, 'test a.test: field file: missing key "file"'],
      ] as const) {
        const path = otava(body);
        const r = await runCli(['config', 'validate', path]);
        expect(r.code, message).toBe(1);
        expect(r.stderr).toBe(`perfhound: ${path}:${line}: ${message}\n`);
        expect(r.stdout).toBe('');
      }
    });

    it('render: the tests with their templates merged in and each metric\'s column', async () => {
      const r = await runCli(['config', 'render', otava(GOOD)]);
      expect(r.code).toBe(0);
      const rendered = parse(r.stdout) as { tests: Record<string, { type: string; file: string; time_column: string; metrics: Record<string, { column: string; direction: number }> }>; test_groups: Record<string, string[]> };
      expect(rendered.tests['a.test']).toMatchObject({ type: 'csv', file: 'a.csv', time_column: 't' });
      expect(rendered.tests['a.test'].metrics).toEqual({ tput: { column: 'tput', direction: 1, scale: 1 }, p99: { column: 'latency_p99', direction: -1, scale: 1e-6 } });
      expect(rendered.test_groups).toEqual({ nightly: ['a.test'] });
    });

    it('analyze --config of an Otava config points at perfhound otava', async () => {
      const r = await runCli(['analyze', '--hunter-analyze', '--config', otava(GOOD), '--source', 'csv', '--csv', 'a.csv']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/:7: field tests: must be a list of tests \(an Otava config, tests as a mapping, is read by perfhound otava\)/);
    });
  });
});
