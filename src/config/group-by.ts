/**
 * `group_by`: dynamic expansion of a metric template at query time (`orion/config.py:expand_group_by`).
 * The pipeline asks the source for the distinct values of the field among the test's runs' documents
 * that match the metric's filters ({@link groupByQuery} → `Source.distinctValues`), then
 * {@link expandGroupBy} makes one metric per value: `field: value` added as a filter and `${field}`
 * replaced in every string (so `name: containerCPU-${labels.container.keyword}` names each series).
 * No values → no metrics (Orion skips the template with a warning; so should the pipeline).
 *
 * @example
 * for (const metric of test.metrics) {
 *   if (!metric.groupBy) { expanded.push(metric); continue; }
 *   const values = await source.distinctValues(groupByQuery(test, metric, uuids, benchmarkIndex));
 *   if (!values.length) log.warn(`group_by ${metric.groupBy} found no values for ${metric.name}`);
 *   expanded.push(...expandGroupBy(test, metric, values));
 * }
 */
import type { DocumentQuery } from '../sources/types.js';
import { UserError } from '../util/errors.js';
import { normalizeMetric } from './metric.js';
import { substitutePlaceholders } from './placeholders.js';
import { metricSchema } from './schema.js';
import { check } from './validate.js';
import type { AnalysisMetric, AnalysisTest } from './types.js';

/** The discovery query for a `group_by` template: the metric's filters over the test's runs. */
export function groupByQuery(
  test: AnalysisTest,
  metric: AnalysisMetric,
  uuids: string[],
  index?: string,
): DocumentQuery & { field: string } {
  if (!metric.groupBy) throw new Error(`metric ${metric.name} has no group_by`);
  return {
    index: index ?? test.benchmarkIndex,
    uuidField: test.uuidField,
    timestampField: test.timestampField,
    uuids,
    filters: { ...metric.filters },
    not: { ...metric.not },
    field: metric.groupBy,
  };
}

/** One concrete metric per value, in the order given (Orion sorts the values). */
export function expandGroupBy(test: AnalysisTest, metric: AnalysisMetric, values: readonly (string | number | boolean)[]): AnalysisMetric[] {
  const field = metric.groupBy;
  if (!field) return [metric];
  const { group_by: _groupBy, ...template } = metric.raw;
  const expanded = values.map((value) => {
    const raw = substitutePlaceholders(template, { [field]: value });
    raw[field] = value;
    const parsed = check(metricSchema, raw);
    if (!parsed.success) {
      throw new UserError(`group_by value ${JSON.stringify(value)} makes an invalid metric: ${parsed.issues[0]?.message}`, metric.place);
    }
    return normalizeMetric(raw, parsed.data, { threshold: test.threshold, runThreshold: test.runThreshold, direction: test.direction, timestampField: test.timestampField }, metric.place);
  });
  const taken = new Set(test.metrics.flatMap((m) => m.series.map((s) => s.column)));
  for (const series of expanded.flatMap((m) => m.series)) {
    if (taken.has(series.column)) {
      throw new UserError(`group_by on ${field} produces the column ${series.column} twice`, metric.place);
    }
    taken.add(series.column);
  }
  return expanded;
}
