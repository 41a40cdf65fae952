/** The report config (bundled default, user files over it, errors with places), PromQL placeholders, aggregation. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregateMatrix } from '../../src/report/aggregate.js';
import { loadReportConfig } from '../../src/report/config.js';
import { dashboardLink } from '../../src/report/links.js';
import { expandQuery } from '../../src/report/placeholders.js';

const file = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'report-config-')), 'r.yaml');
  writeFileSync(path, text);
  return path;
};

describe('report config', () => {
  it('the bundled default reproduces the DAG', async () => {
    const c = await loadReportConfig();
    expect(c.ignore_tags).toEqual(['baseline', 'install', 'scale_25', 'scale_50']);
    expect(c.metrics).toEqual({ when: { platform: 'AWS' }, profiles: ['control-plane'], stepSeconds: 10 });
    expect(c.profiles['control-plane']!.queries.map((q) => q.name).slice(0, 4)).toEqual(['podCPU', 'podMemory', 'masterCPU', 'masterMemoryUsage']);
    expect(c.dashboards.map((d) => [d.key, d.uid, d.name])).toEqual([['kube_burner_dashboard', '_XeYNzD7k', 'kube-burner-thanos'], ['cluster_dashboard', 'ueS4UNS7k', 'cluster-dash']]);
  });

  it('a user file replaces top-level keys and adds profiles', async () => {
    const c = await loadReportConfig(file('ignore_tags: [x]\nmetrics:\n  profiles: [mine, control-plane]\n  step: 30s\nprofiles:\n  mine:\n    queries:\n      - name: up\n        query: up{c="{{cluster}}"}\n'));
    expect(c.ignore_tags).toEqual(['x']);
    expect(c.metrics.stepSeconds).toBe(30);
    expect(Object.keys(c.profiles).sort()).toEqual(['control-plane', 'mine']);
    expect(c.profiles.mine!.queries[0]!.aggregations).toEqual(['avg', 'max']);
  });

  it('errors name the file, line and field', async () => {
    const path = file('metrics:\n  profiles: [nope]\n');
    await expect(loadReportConfig(path)).rejects.toThrow(`${path}:2: field metrics.profiles.0: no profile named "nope" (known: control-plane)`);
    const bad = file('profiles:\n  p:\n    queries:\n      - name: q\n        query: up{x="{{clustr}}"}\n');
    await expect(loadReportConfig(bad)).rejects.toThrow(/:5: field profiles\.p\.queries\.0\.query: unknown placeholder \{\{clustr\}\}/);
    const agg = file('profiles:\n  p:\n    queries:\n      - name: q\n        query: up\n        aggregations: [median]\n');
    await expect(loadReportConfig(agg)).rejects.toThrow(/:6: field profiles\.p\.queries\.0\.aggregations\.0: /);
  });
});

describe('placeholders, aggregation, links', () => {
  it('escapes the cluster and the masters for PromQL strings and regexes', () => {
    expect(expandQuery('a{c="{{cluster}}", i=~"{{ masters }}"}[{{duration}}] {{start}} {{end}} {{step}}', { cluster: 'c"1\\', masters: ['m.0', 'm1'], startS: 100, endS: 700, stepS: 10 })).toBe(
      'a{c="c\\"1\\\\", i=~"m\\\\.0|m1"}[600s] 100 700 10s',
    );
  });

  it('aggregates per group: avg of series means, max/min/last, nearest-rank percentiles, non-finite left out', () => {
    const out = aggregateMatrix(
      [
        { metric: { instance: 'a' }, values: [[0, 1], [10, 3], [20, NaN]] },
        { metric: { instance: 'b' }, values: [[0, 10], [10, Infinity]] },
      ],
      [],
      ['avg', 'max', 'min', 'last', 'p50', 'p99'],
    );
    expect(out).toEqual({ groups: { all: { avg: (2 + 10) / 2, max: 10, min: 1, last: (3 + 10) / 2, p50: 3, p99: 10 } }, nonFinite: 2 });
  });

  it('builds the DAG dashboard link with every value URL-encoded', () => {
    expect(dashboardLink('https://g.example/', { key: 'k', uid: 'u/1', name: 'd', vars: { datasource: 'thanos prod' } }, 'c&1', 1700000000999, 1700003600000)).toBe(
      'https://g.example/d/u%2F1/d?orgId=1&from=1700000000000&to=1700003600000&var-cluster_name=c%261&var-datasource=thanos%20prod',
    );
  });
});
