/**
 * Inheritance as Orion resolves it, checked on Orion's own CI configs (their EXPECTED.md names the
 * columns each must produce) and on small cases of the merge rules.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAnalysisConfig } from '../../src/config/index.js';
import { mergeMetadata, mergeMetrics } from '../../src/config/inherit.js';

const CI = 'test/fixtures/orion-examples/orion-ci/configurations';
const load = (file: string) => loadAnalysisConfig(join(CI, file), { inputVars: { version: '4.20' }, env: {} });
const columns = async (file: string) => (await load(file)).tests[0]?.metrics.flatMap((m) => m.series.map((s) => s.column));

describe('inheritance on Orion\'s CI configs (EXPECTED.md)', () => {
  it('ci-tests-inherits: metricsFile metrics first, then the test\'s; parent metadata merged', async () => {
    expect(await columns('ci-tests-inherits.yaml')).toEqual(['OCP-84094_catalogdCPU_GCP_sum_sum', 'OCP-84094_catalogdCPU_GCP_avg']);
    const test = (await load('ci-tests-inherits.yaml')).tests[0];
    expect(test?.selector.match).toMatchObject({ platform: 'GCP', masterNodesCount: 3, 'benchmark.keyword': 'olm', jobType: 'periodic' });
    expect(test?.selector.wildcard).toEqual({ ocpVersion: '4.20*' });
    expect(test?.selector.not).toEqual({ stream: ['okd'] });
  });

  it('IgnoreGlobal / IgnoreGlobalMetrics drop the parent\'s metadata and metrics', async () => {
    expect(await columns('ci-tests-inherits-ignore-global.yaml')).toEqual(['OCP-84094_catalogdCPU_GCP_avg']);
    const test = (await load('ci-tests-inherits-ignore-global.yaml')).tests[0];
    expect(test?.selector).toEqual({ match: { jobType: 'periodic' }, not: { stream: ['okd'] }, wildcard: {} });
  });

  it('local_metrics come before the test\'s, global ones before both', async () => {
    expect(await columns('ci-tests-inherits-local-metrics.yaml')).toEqual([
      'OCP-84094_catalogdCPU_GCP_sum_sum',
      'OCP-84094_catalogdCPU_GCP_max_max',
      'OCP-84094_catalogdCPU_GCP_avg',
    ]);
    expect(await columns('ci-tests-inherits-local-metrics-with-ignore.yaml')).toEqual([
      'OCP-84094_catalogdCPU_GCP_max_max',
      'OCP-84094_catalogdCPU_GCP_avg',
    ]);
  });

  it('local_config wins over parentConfig (hence EXPECTED.md\'s exit 3: 6 masters match no run)', async () => {
    const test = (await load('ci-tests-inherits-local-metadata.yaml')).tests[0];
    expect(test?.selector.match).toMatchObject({ masterNodesCount: 6, workerNodesCount: 6, platform: 'GCP' });
  });

  it('version_field may be dotted (metrics-only config)', async () => {
    const test = (await load('ci-tests-metrics-only.yaml')).tests[0];
    expect([test?.versionField, test?.selector.wildcard]).toEqual(['metadata.ocpMajorVersion', { 'metadata.ocpMajorVersion': '4.20*' }]);
  });
});

describe('merge rules', () => {
  it('metadata: shallow, the test\'s keys win (a child wildcard replaces the parent\'s)', () => {
    expect(mergeMetadata({ a: 1, wildcard: { x: '1*' } }, { a: 2, b: 3, wildcard: { y: '2*' } })).toEqual({ a: 1, b: 3, wildcard: { x: '1*' } });
    expect(mergeMetadata(null, { b: 3 })).toEqual({ b: 3 });
  });

  it('metrics: an inherited metric is dropped only for the same name and the same metricName(.keyword)', () => {
    const inherited = [
      { name: 'lat', metricName: 'p99', x: 'parent' },
      { name: 'cpu', 'metricName.keyword': 'c', x: 'parent' },
      { name: 'mem', metricName: 'm', x: 'parent' },
      { name: 'io', x: 'parent' },
    ];
    const own = [
      { name: 'lat', metricName: 'p99', x: 'own' },
      { name: 'cpu', 'metricName.keyword': 'c', x: 'own' },
      { name: 'mem', metricName: 'other', x: 'own' },
      { name: 'io', x: 'own' },
    ];
    expect(mergeMetrics(own, inherited).map((m) => `${m.name}:${m.x}`)).toEqual([
      'mem:parent', 'io:parent', 'lat:own', 'cpu:own', 'mem:own', 'io:own',
    ]);
  });
});
