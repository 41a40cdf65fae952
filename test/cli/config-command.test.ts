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
});
