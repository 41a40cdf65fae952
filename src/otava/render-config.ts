/**
 * An Otava configuration as `perfhound config render` shows it: every test after `inherit` merged its
 * templates, in Otava's own keys with their defaults filled in, each metric with the column (csv,
 * postgres) or Graphite path it reads; the groups as they are.
 *
 * @example
 * stringify(renderOtavaConfig(await parseOtavaConfigText(text, 'otava.yaml')));
 */
import type { OtavaConfig, OtavaMetric, OtavaTest } from './config.js';

function metricsOf(metrics: OtavaMetric[], extra: (m: OtavaMetric) => Record<string, unknown> = () => ({})): Record<string, unknown> {
  return Object.fromEntries(metrics.map((m) => [m.name, { column: m.column, direction: m.direction, scale: m.scale, ...extra(m) }]));
}

function renderTest(test: OtavaTest): Record<string, unknown> {
  switch (test.type) {
    case 'csv':
      return { type: test.type, file: test.file, time_column: test.timeColumn, attributes: test.attributes, csv_options: { delimiter: test.delimiter, quote_char: test.quoteChar }, metrics: metricsOf(test.metrics) };
    case 'postgres':
      return { type: test.type, query: test.query, update_statement: test.updateStatement, time_column: test.timeColumn, attributes: test.attributes, metrics: metricsOf(test.metrics) };
    case 'graphite':
      return {
        type: test.type,
        prefix: test.prefix,
        ...(test.branchPrefix !== null ? { branch_prefix: test.branchPrefix } : {}),
        tags: test.tags,
        annotate: test.annotate,
        metrics: metricsOf(test.metrics, (m) => {
          const g = test.metrics.find((x) => x.name === m.name);
          return { suffix: g?.suffix, annotate: g?.annotate, path: `${test.prefix}.${g?.suffix}` };
        }),
      };
    case 'json':
      return { type: test.type, file: test.file, ...(test.baseBranch !== null ? { base_branch: test.baseBranch } : {}), metrics: '(the names in the file: perfhound otava list-metrics)' };
    case 'histostat':
      return { type: test.type, file: test.file, metrics: '(<tag>.<statistic> of the tags in the file: perfhound otava list-metrics)' };
  }
}

export function renderOtavaConfig(config: OtavaConfig): Record<string, unknown> {
  return {
    tests: Object.fromEntries([...config.tests].map(([name, test]) => [name, renderTest(test)])),
    ...(config.groups.size > 0 ? { test_groups: Object.fromEntries(config.groups) } : {}),
  };
}
