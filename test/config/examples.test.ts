/**
 * Every config of Orion's examples (and of its CI scenario) either loads — with the template variables
 * it needs — or fails with a named error. The table says which, per file, from reading each one.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAnalysisConfig } from '../../src/config/index.js';
import { UserError } from '../../src/util/errors.js';

const ROOT = 'test/fixtures/orion-examples';

interface Loads {
  tests: number;
  /** Series (output columns) over all tests; group_by templates count 0 until expanded. */
  series: number;
  warnings: number;
}
interface Fails {
  /** Error message pattern. */
  error: RegExp;
  /** The file the error must name (default: the config itself). */
  file?: string;
}
const loads = (tests: number, series: number, warnings: number): Loads => ({ tests, series, warnings });
const fails = (error: RegExp, file?: string): Fails => ({ error, file });

const V = { version: '4.20' };
const PLATFORM = {
  ...V,
  platform: 'AWS',
  clusterType: 'self-managed',
  masterNodesType: 'm6a.xlarge',
  masterNodesCount: 3,
  workerNodesType: 'm6a.xlarge',
  workerNodesCount: 24,
};
const KRKN = {
  ...V,
  scenario_type: 'node_scenarios',
  cloud_infrastructure: 'AWS',
  cloud_type: 'self-managed',
  total_node_count: 9,
  node_instance_type: '*xlarge*',
  network_plugins: 'OVNKubernetes',
  scenario_file: '*node_scenario.yaml',
  pod_namespace: 'openshift-etcd',
  label_selector: 'app=etcd',
  etcd_enabled: 'false',
  fips_enabled: 'false',
  ipsec_enabled: 'false',
  run_tag: 'nightly',
};
const QUAY = {
  ocp_version: '4.20',
  quay_version: '3.15',
  quay_load_test_index: 'quay-vegeta-results*',
  quay_image_push_pull_index: 'quay-push-pull*',
};
const OLS = { ...V, ols_test_workers: 10 };

/** Files included by other configs (parentConfig / metricsFile targets): not configs themselves. */
const INCLUDE = /a config must be a mapping with a tests list|tests: is required/;

const TABLE: [file: string, inputVars: Record<string, unknown>, expected: Loads | Fails][] = [
  ['examples/cluster-density.yaml', PLATFORM, loads(1, 28, 0)],
  ['examples/crd-scale.yaml', PLATFORM, loads(1, 9, 0)],
  ['examples/label-small-scale-cluster-density.yaml', V, loads(1, 5, 0)],
  ['examples/large-scale-cluster-density.yaml', V, loads(1, 11, 0)],
  ['examples/large-scale-cudn-density-l2.yaml', V, loads(1, 17, 0)],
  ['examples/large-scale-cudn-density-l3.yaml', V, loads(1, 17, 0)],
  ['examples/large-scale-node-density-cni.yaml', V, loads(1, 23, 0)],
  ['examples/large-scale-node-density.yaml', V, loads(1, 6, 0)],
  ['examples/large-scale-udn-l2.yaml', V, loads(1, 17, 0)],
  ['examples/large-scale-udn-l3.yaml', V, loads(1, 17, 0)],
  ['examples/med-scale-cluster-density.yaml', V, loads(1, 11, 0)],
  ['examples/med-scale-cudn-density-l2.yaml', V, loads(1, 17, 0)],
  ['examples/med-scale-cudn-density-l3.yaml', V, loads(1, 17, 0)],
  ['examples/med-scale-node-density-cni.yaml', V, loads(1, 23, 0)],
  ['examples/med-scale-node-density.yaml', V, loads(1, 6, 0)],
  ['examples/med-scale-udn-l2.yaml', V, loads(1, 17, 0)],
  ['examples/med-scale-udn-l3.yaml', V, loads(1, 17, 0)],
  ['examples/metal-perfscale-cpt-data-path.yaml', V, loads(1, 25, 0)],
  ['examples/metal-perfscale-cpt-ingress.yaml', V, loads(1, 14, 0)],
  ['examples/metal-perfscale-cpt-node-density-heavy.yaml', V, loads(1, 8, 0)],
  ['examples/metal-perfscale-cpt-node-density.yaml', V, loads(1, 9, 0)],
  ['examples/metal-perfscale-cpt-rds-core.yaml', V, loads(1, 47, 0)],
  ['examples/metal-perfscale-cpt-virt-datapath.yaml', V, loads(1, 10, 0)],
  ['examples/metal-perfscale-cpt-virt-density-nomount.yaml', V, loads(1, 8, 0)],
  ['examples/metal-perfscale-cpt-virt-density.yaml', V, loads(1, 8, 0)],
  ['examples/metal-perfscale-cpt-virt-udn-density.yaml', V, loads(1, 8, 0)],
  ['examples/netobserv-diff-meta-index.yaml', { ...V, benchmark: "netobserv-diff" }, loads(1, 13, 0)],
  ['examples/netpol-24nodes.yaml', V, loads(1, 23, 0)],
  ['examples/node-density-cni.yaml', PLATFORM, loads(1, 29, 0)],
  ['examples/node-density.yaml', PLATFORM, loads(1, 30, 0)],
  ['examples/node_scenarios.yaml', KRKN, loads(1, 57, 0)],
  ['examples/okd-control-plane-cluster-density.yaml', V, loads(1, 7, 0)],
  ['examples/okd-control-plane-crd-scale.yaml', V, loads(1, 2, 0)],
  ['examples/okd-control-plane-node-density-cni.yaml', V, loads(1, 19, 0)],
  ['examples/okd-control-plane-node-density.yaml', V, loads(1, 6, 0)],
  ['examples/okd-data-plane-data-path.yaml', V, loads(1, 25, 0)],
  ['examples/olmv1.yaml', V, loads(1, 13, 0)],
  ['examples/payload-scale.yaml', V, loads(2, 10, 0)],
  ['examples/readout-control-plane-cdv2.yaml', V, loads(7, 19, 0)],
  ['examples/readout-control-plane-node-density.yaml', V, loads(7, 10, 0)],
  ['examples/readout-ingress.yaml', V, loads(1, 8, 0)],
  ['examples/readout-netperf-tcp.yaml', V, loads(1, 25, 0)],
  ['examples/rhbok.yaml', { benchmark: "rhbok" }, loads(1, 4, 0)],
  ['examples/rhoso/rhoso-barbican.yaml', {}, loads(1, 7, 1)],
  ['examples/rhoso/rhoso-cinder.yaml', {}, loads(1, 6, 1)],
  ['examples/rhoso/rhoso-glance.yaml', {}, loads(1, 1, 1)],
  ['examples/rhoso/rhoso-keystone.yaml', {}, loads(1, 7, 1)],
  ['examples/rhoso/rhoso-neutron.yaml', {}, loads(1, 23, 1)],
  ['examples/rhoso/rhoso-nova.yaml', {}, loads(1, 16, 1)],
  ['examples/rhoso/rhoso-octavia.yaml', {}, loads(1, 2, 1)],
  ['examples/rhoso/rhoso-swift.yaml', {}, loads(1, 6, 1)],
  ['examples/rosa-hcp-cluster-density.yaml', PLATFORM, loads(1, 30, 0)],
  ['examples/rosa-hcp-crd-scale.yaml', PLATFORM, loads(1, 7, 0)],
  ['examples/rosa-hcp-node-density-cni.yaml', PLATFORM, loads(1, 30, 0)],
  ['examples/rosa-hcp-node-density.yaml', PLATFORM, loads(1, 32, 0)],
  ['examples/rosa-hcp-udn-density-pods.yaml', PLATFORM, loads(1, 31, 0)],
  ['examples/servicemesh-ingress.yaml', { ...V, service_mesh_mode: "ambient" }, loads(1, 6, 0)],
  ['examples/servicemesh-netperf-tcp.yaml', { ...V, service_mesh_mode: "ambient" }, loads(1, 12, 0)],
  ['examples/small-rosa-control-plane-node-density.yaml', V, loads(5, 8, 0)],
  ['examples/small-rosa-hcp-cluster-density.yaml', V, loads(1, 9, 1)],
  ['examples/small-rosa-hcp-crd-scale.yaml', V, loads(1, 4, 1)],
  ['examples/small-rosa-hcp-node-density-cni.yaml', V, loads(1, 9, 1)],
  ['examples/small-rosa-hcp-node-density.yaml', V, loads(1, 9, 1)],
  ['examples/small-rosa-hcp-udn-l2.yaml', V, loads(1, 9, 1)],
  ['examples/small-scale-cluster-density-report.yaml', V, loads(1, 18, 0)],
  ['examples/small-scale-cluster-density.yaml', V, loads(1, 9, 0)],
  ['examples/small-scale-cudn-churn-250.yaml', V, loads(1, 17, 0)],
  ['examples/small-scale-cudn-density-l2-multi-ns.yaml', V, loads(1, 17, 1)],
  ['examples/small-scale-cudn-density-single-ns-250.yaml', V, loads(1, 17, 0)],
  ['examples/small-scale-cudn-density-single-ns-500.yaml', V, loads(1, 17, 0)],
  ['examples/small-scale-cudn-incremental-1000.yaml', V, loads(1, 17, 0)],
  ['examples/small-scale-cudn-pod-churn-250.yaml', V, loads(1, 17, 0)],
  ['examples/small-scale-node-density-cni.yaml', V, loads(1, 23, 0)],
  ['examples/small-scale-node-density.yaml', V, loads(1, 6, 0)],
  ['examples/small-scale-udn-l2.yaml', V, loads(1, 17, 0)],
  ['examples/small-scale-udn-l3.yaml', V, loads(1, 17, 0)],
  ['examples/stackrox-cluster-density.yaml', { ...V, es_metadata_index: "perf_scale_ci*", es_benchmark_index: "ripsaw-kube-burner*" }, loads(1, 10, 3)],
  ['examples/trt-external-payload-cluster-density-group-by.yaml', V, loads(1, 0, 0)],
  ['examples/trt-external-payload-cluster-density-percentiles.yaml', V, loads(1, 10, 1)],
  ['examples/trt-external-payload-cluster-density.yaml', V, loads(1, 28, 0)],
  ['examples/trt-external-payload-cpu.yaml', { ...V, benchmark: "cluster-density-v2" }, loads(1, 57, 0)],
  ['examples/trt-external-payload-crd-scale.yaml', V, loads(1, 2, 0)],
  ['examples/trt-external-payload-cudn-density-l2.yaml', V, loads(1, 17, 0)],
  ['examples/trt-external-payload-cudn-density-l3.yaml', V, loads(1, 17, 0)],
  ['examples/trt-external-payload-node-density-cni.yaml', V, loads(1, 29, 0)],
  ['examples/trt-external-payload-node-density.yaml', V, loads(1, 30, 0)],
  ['examples/trt-external-payload-udn-density-pods.yaml', V, loads(1, 29, 0)],
  ['examples/trt-external-payload-udn-l2.yaml', V, loads(1, 17, 0)],
  ['examples/trt-external-payload-udn-l3.yaml', V, loads(1, 17, 0)],
  ['examples/udn-density-pods.yaml', PLATFORM, loads(1, 29, 0)],
  ['orion-ci/configurations/ci-tests-browbeat.yaml', V, loads(1, 8, 0)],
  ['orion-ci/configurations/ci-tests-early-cp.yaml', V, loads(1, 1, 0)],
  ['orion-ci/configurations/ci-tests-metrics-only.yaml', {}, loads(1, 1, 0)],
  ['orion-ci/configurations/ci-tests.yaml', V, loads(1, 1, 0)],
  ['examples/chaos_tests.yaml', KRKN, loads(1, 56, 0)],
  ['examples/ols-load-generator.yaml', OLS, loads(3, 192, 0)],
  ['examples/ols-load-generator-mcp.yaml', OLS, loads(3, 192, 0)],
  // `type: recovered` is no metric type; Orion silently ignores it since `type` became reserved (#383).
  ['examples/pod_disruption_scenarios.yaml', KRKN, fails(/type: the only metric type is "metadata".*\(got "recovered"\)/)],
  // Stale correlation names: the referenced metrics are now named *_sum / *_status_codes.200 columns;
  // Orion would silently drop every change point of these metrics.
  ['examples/quay-load-test-stable.yaml', QUAY, fails(/correlation refers to create_users_status_codes\.200, which is no column/)],
  ['examples/quay-load-test-stable-stage.yaml', QUAY, fails(/correlation refers to image_pulls_success_count, which is no column/)],
  // The test's etcdCPU uses metricName, metrics.yaml's metricName.keyword: both kept, so Orion exits 1 too.
  ['examples/trt-external-payload-node-density-inherits.yaml', V, fails(/duplicate metric: the column etcdCPU_avg is produced twice \(first defined at line 48 of .*metrics\.yaml\)/)],
  ['orion-ci/configurations/ci-tests-inherits.yaml', V, loads(1, 2, 0)],
  ['orion-ci/configurations/ci-tests-inherits-ignore-global.yaml', V, loads(1, 1, 0)],
  ['orion-ci/configurations/ci-tests-inherits-local-metadata.yaml', V, loads(1, 2, 0)],
  ['orion-ci/configurations/ci-tests-inherits-local-metrics.yaml', V, loads(1, 3, 0)],
  ['orion-ci/configurations/ci-tests-inherits-local-metrics-with-ignore.yaml', V, loads(1, 2, 0)],
  // Included files, loaded on their own.
  ['examples/parent.yaml', {}, fails(INCLUDE)],
  ['examples/metrics.yaml', {}, fails(INCLUDE)],
  ['examples/rosa-hcp-metrics.yaml', {}, fails(INCLUDE)],
  ['examples/config/ols-load-generator-config.yaml', OLS, fails(INCLUDE)],
  ['examples/metrics/chaos-scenarios-metrics.yaml', {}, fails(INCLUDE)],
  ['examples/metrics/cudn-density-metrics.yaml', {}, fails(INCLUDE)],
  ['examples/metrics/ols-load-generator-metrics.yaml', {}, fails(INCLUDE)],
  ['orion-ci/configurations/parent.yaml', V, fails(INCLUDE)],
  ['orion-ci/configurations/local_parent.yaml', V, fails(INCLUDE)],
  ['orion-ci/configurations/metrics.yaml', {}, fails(INCLUDE)],
  ['orion-ci/configurations/local_metrics.yaml', {}, fails(INCLUDE)],
  ['orion-ci/ack/ols_all.yaml', {}, fails(INCLUDE)],
];

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [relative(ROOT, path)] : [];
  });
}

describe('Orion example configs', () => {
  it('the table lists every example file exactly once (104 examples + the CI scenario)', () => {
    const listed = TABLE.map(([file]) => file).sort();
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(yamlFiles(ROOT).sort());
    expect(listed.filter((f) => f.startsWith('examples/'))).toHaveLength(104);
  });

  it.each(TABLE)('%s', async (file, inputVars, expected) => {
    const load = loadAnalysisConfig(join(ROOT, file), { inputVars, env: {} });
    if ('error' in expected) {
      const err: unknown = await load.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UserError);
      const { message, place } = err as UserError;
      expect(message).toMatch(expected.error);
      expect(place.file).toContain(expected.file ?? file);
      expect(place.line).toBeGreaterThan(0);
      return;
    }
    const config = await load;
    expect(config.tests).toHaveLength(expected.tests);
    expect(config.tests.flatMap((t) => t.metrics.flatMap((m) => m.series))).toHaveLength(expected.series);
    expect(config.warnings).toHaveLength(expected.warnings);
    for (const test of config.tests) {
      expect(test.metrics.length).toBeGreaterThan(0);
      const columns = test.metrics.flatMap((m) => m.series.map((s) => s.column));
      expect(new Set(columns).size).toBe(columns.length);
    }
  });

  it('names the undefined variable, file and line when a variable is missing', async () => {
    await expect(loadAnalysisConfig(join(ROOT, 'orion-ci/configurations/ci-tests.yaml'), { env: {} })).rejects.toThrow(
      /ci-tests\.yaml:12: undefined template variable "version"/,
    );
    // The variable may be missing in an included file: that file is named.
    await expect(loadAnalysisConfig(join(ROOT, 'examples/ols-load-generator.yaml'), { inputVars: { ols_test_workers: 1 }, env: {} })).rejects.toThrow(
      /config\/ols-load-generator-config\.yaml:\d+: undefined template variable "version"/,
    );
  });

  it('takes variables from the lower-cased environment, input variables winning', async () => {
    const fromEnv = await loadAnalysisConfig(join(ROOT, 'orion-ci/configurations/ci-tests.yaml'), { env: { VERSION: '4.19' } });
    expect(fromEnv.tests[0]?.selector.wildcard).toEqual({ ocpVersion: '4.19*' });
    const both = await loadAnalysisConfig(join(ROOT, 'orion-ci/configurations/ci-tests.yaml'), {
      env: { VERSION: '4.19' },
      inputVars: { version: '4.21' },
    });
    expect(both.tests[0]?.selector.wildcard).toEqual({ ocpVersion: '4.21*' });
  });
});
