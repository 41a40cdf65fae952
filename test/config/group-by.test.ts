/** group_by templates: the discovery query and the expansion into one metric per value. */
import { describe, expect, it } from 'vitest';
import { expandGroupBy, groupByQuery, loadAnalysisConfig } from '../../src/config/index.js';

const FILE = 'test/fixtures/orion-examples/examples/trt-external-payload-cluster-density-group-by.yaml';

describe('group_by', () => {
  it('builds the discovery query from the metric\'s filters and the test\'s runs', async () => {
    const test = (await loadAnalysisConfig(FILE, { inputVars: { version: '4.20' }, env: {} })).tests[0];
    if (!test) throw new Error('no test');
    const template = test.metrics[0];
    if (!template) throw new Error('no metric');
    expect(groupByQuery(test, template, ['u1', 'u2'], 'ripsaw-kube-burner*')).toEqual({
      index: 'ripsaw-kube-burner*',
      uuidField: 'uuid',
      timestampField: 'timestamp',
      uuids: ['u1', 'u2'],
      filters: { 'metricName.keyword': 'containerCPU' },
      not: {},
      field: 'labels.container.keyword',
    });
  });

  it('expands a template into one metric per value, field added as a filter, ${field} substituted', async () => {
    const test = (await loadAnalysisConfig(FILE, { inputVars: { version: '4.20' }, env: {} })).tests[0];
    const template = test?.metrics[2];
    if (!test || !template) throw new Error('no metric');
    const expanded = expandGroupBy(test, template, ['openshift-etcd', 'openshift-kube-apiserver']);
    expect(expanded.map((m) => [m.name, m.filters, m.series.map((s) => s.column), m.threshold, m.groupBy])).toEqual([
      ['containerMemory-openshift-etcd', { 'metricName.keyword': 'containerMemory', 'labels.namespace.keyword': 'openshift-etcd' }, ['containerMemory-openshift-etcd_sum'], 10, undefined],
      ['containerMemory-openshift-kube-apiserver', { 'metricName.keyword': 'containerMemory', 'labels.namespace.keyword': 'openshift-kube-apiserver' }, ['containerMemory-openshift-kube-apiserver_sum'], 10, undefined],
    ]);
    expect(expandGroupBy(test, template, [])).toEqual([]);
    expect(expanded[0]?.place).toEqual(template.place);
  });

  it('leaves ordinary metrics alone', async () => {
    const config = await loadAnalysisConfig('test/fixtures/orion-examples/orion-ci/configurations/ci-tests.yaml', { inputVars: { version: '4.20' }, env: {} });
    const test = config.tests[0];
    const metric = test?.metrics[0];
    if (!test || !metric) throw new Error('no metric');
    expect(expandGroupBy(test, metric, ['x'])).toEqual([metric]);
    expect(() => groupByQuery(test, metric, [])).toThrow(/has no group_by/);
  });
});
