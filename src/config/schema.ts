/**
 * The schemas of Orion's config shapes (orion.md §1.5) as they stand after templating and inheritance.
 * They accept what Orion accepts — unknown metric keys are document filters, numeric strings where Orion
 * calls `int()` — and reject what can only be a mistake: a `metrics` that is not a list, `direction: 2`,
 * an unknown `agg_type`, percentiles without `percents`.
 *
 * Built from validate.ts, which checks as zod 4 did (these were zod schemas; test/config/zod-schema.ts
 * keeps them as the oracle the generated-config test compares with), without zod's start-up cost.
 */
import * as v from './validate.js';

export const scalarSchema = v.union([v.string(), v.number(), v.boolean()], 'must be a string, number or boolean');

const nameSchema = v.transform(v.union([v.string(undefined, v.minLength(1, 'must not be empty')), v.number()], 'must be a string'), String);

/** Orion calls `int(x)`: numbers and numeric strings both work. */
const numberLike = v.union([v.number(), v.transform(v.string(undefined, v.matches(/^\s*-?\d+(\.\d+)?\s*$/)), Number)], 'must be a number');

export const directionSchema = v.pipe(
  numberLike,
  v.union([v.oneOf([1]), v.oneOf([0]), v.oneOf([-1])], 'must be 1 (increases), -1 (decreases) or 0 (both)'),
);

export const RUN_THRESHOLD_TESTS = ['t_test', 'z_score', 'iqr', 'percentage', 'static'] as const;

/** What a boundary means per test (a boundary names the side judged and sets its limit). */
const BOUNDARY_RULES: Record<(typeof RUN_THRESHOLD_TESTS)[number], { ok: (x: number) => boolean; says: string }> = {
  t_test: { ok: (x) => x > 0 && x < 1, says: 'a t_test boundary is a confidence between 0 and 1 (e.g. 0.99)' },
  z_score: { ok: (x) => x > 0, says: 'a z_score boundary is the largest z (standard deviations), above 0' },
  iqr: { ok: (x) => x >= 0, says: 'an iqr boundary is the multiplier of the interquartile range (e.g. 1.5), 0 or more' },
  percentage: { ok: (x) => x >= 0, says: 'a percentage boundary is a percent of the baseline (e.g. 10), 0 or more' },
  static: { ok: Number.isFinite, says: 'a static boundary is a value' },
};

/** Why `x` is no boundary of `test`, or undefined when it is one. */
export function boundaryProblem(test: (typeof RUN_THRESHOLD_TESTS)[number], x: number): string | undefined {
  return BOUNDARY_RULES[test].ok(x) ? undefined : BOUNDARY_RULES[test].says;
}

/**
 * perfhound's per-run threshold (Bencher's model): a metric's newest run judged against the last `window`
 * runs before it by `test`. `lower_boundary` / `upper_boundary` name the side(s) judged and their limit
 * (static: the value itself); without them the metric's direction names the side, at the test's default.
 */
const wholeRuns = 'must be a whole number of runs';
const RUN_THRESHOLD_SHAPE = {
  test: v.oneOf(RUN_THRESHOLD_TESTS, `must be one of ${RUN_THRESHOLD_TESTS.join(', ')}`),
  window: v.optional(v.number(wholeRuns, v.integer(wholeRuns), v.atLeast(1, 'must be at least 1'))),
  lower_boundary: v.optional(v.number('must be a number')),
  upper_boundary: v.optional(v.number('must be a number')),
  min_sample_size: v.optional(v.number(wholeRuns, v.integer(wholeRuns), v.atLeast(0, 'must be 0 or more'))),
};

/** The keys of a per-run threshold mapping. */
export const RUN_THRESHOLD_KEYS = new Set(Object.keys(RUN_THRESHOLD_SHAPE));

const runThresholdSchema = v.refine(v.mapping(RUN_THRESHOLD_SHAPE, 'strict', 'must be a mapping'), (t, ctx) => {
    for (const key of ['lower_boundary', 'upper_boundary'] as const) {
      const x = t[key];
      const problem = x === undefined ? undefined : boundaryProblem(t.test, x);
      if (problem) ctx.addIssue({ path: [key], message: problem, input: x });
    }
    if (t.test === 'static' && t.lower_boundary === undefined && t.upper_boundary === undefined) {
      ctx.addIssue({ path: [], message: 'a static threshold needs lower_boundary and/or upper_boundary' });
    }
  });

export type RawRunThreshold = v.Output<typeof runThresholdSchema>;

/**
 * A number: Orion's threshold, the percent a change point must reach (absolute value). A mapping:
 * perfhound's per-run threshold. Chosen by the value's type, so each form's own errors are reported.
 */
const thresholdSchema = v.transform(v.unknown(), (value, ctx): number | RawRunThreshold => {
  const mapping = value !== null && typeof value === 'object' && !Array.isArray(value);
  const result = mapping ? v.check(runThresholdSchema, value) : v.check(v.transform(numberLike, Math.abs), value);
  if (result.success) return result.data;
  for (const issue of result.issues) {
    if (mapping) ctx.addIssue(issue);
    else ctx.addIssue({ path: [], message: 'must be a number (percent) or a per-run threshold mapping', input: value });
  }
  return 0;
});

export const AGG_TYPES = ['avg', 'sum', 'max', 'min', 'count', 'percentiles'] as const;

const percentSchema = v.number('must be a number', v.atLeast(0, 'must be between 0 and 100'), v.atMost(100, 'must be between 0 and 100'));

export const aggSchema = v.refine(
  v.mapping(
    {
      agg_type: v.oneOf(AGG_TYPES, `must be one of ${AGG_TYPES.join(', ')}`),
      /** The seed's legacy `agg.value` (a label once used in column names); Orion ignores it since #323. */
      value: v.optional(v.union([v.string(), v.number()])),
      percents: v.optional(v.list(percentSchema, 'must be a list of numbers', v.minLength(1, 'must not be empty'))),
      target_percentile: v.optional(percentSchema),
    },
    'strict',
    'must be a mapping with agg_type',
  ),
  (agg, ctx) => {
    if (agg.agg_type === 'percentiles') {
      if (!agg.percents) {
        ctx.addIssue({ path: ['percents'], message: 'agg_type percentiles needs a percents list, e.g. [50, 95, 99]' });
      } else if (agg.target_percentile !== undefined && !agg.percents.includes(agg.target_percentile)) {
        ctx.addIssue({
          path: ['target_percentile'],
          message: `must be one of percents [${agg.percents.join(', ')}]`,
        });
      }
    } else {
      for (const key of ['percents', 'target_percentile'] as const) {
        if (agg[key] !== undefined) {
          ctx.addIssue({ path: [key], message: `only applies to agg_type percentiles, not ${agg.agg_type}` });
        }
      }
    }
  },
);

const notSchema = v.record(
  v.union([scalarSchema, v.list(scalarSchema, undefined, v.minLength(1, 'must not be empty'))], 'must be a value or a list of values'),
  'must be a mapping of field: value(s)',
);

const labelsSchema = v.union([v.transform(v.string(), (label) => [label]), v.list(v.string('must be a string'))], 'must be a list of strings');

const groupBySchema = v.transform(
  v.refine(v.union([v.transform(v.string(), (field) => [field]), v.list(v.string('must be a string'))], 'must be a field name'), (fields, ctx) => {
    if (fields.length !== 1) ctx.addIssue({ path: [], message: 'group_by supports exactly one field' });
  }),
  (fields) => fields[0] as string,
);

/**
 * Orion's reserved metric keys (`RESERVED_METRIC_CONFIG_KEYS`); every other key is a document filter.
 * `acceptable_range` and `dry_run` are newer Orion settings perfhound does not implement (warned about).
 */
export const RESERVED_METRIC_KEYS = new Set([
  'acceptable_range', 'agg', 'context', 'correlation', 'direction', 'dry_run',
  'fan_out', 'group_by', 'labels', 'metric_of_interest', 'name', 'not', 'threshold', 'timestamp', 'type',
]);

const wholeRows = 'must be a whole number of rows';

export const metricSchema = v.mapping(
  {
    name: nameSchema,
    metric_of_interest: nameSchema,
    agg: v.optional(aggSchema),
    not: v.optional(notSchema),
    labels: v.optional(labelsSchema),
    direction: v.optional(directionSchema),
    threshold: v.optional(thresholdSchema),
    timestamp: v.optional(v.string('must be a field name', v.minLength(1))),
    correlation: v.optional(v.string('must be a column name such as podReadyLatency_P99')),
    context: v.optional(v.number(wholeRows, v.integer(wholeRows), v.atLeast(0))),
    type: v.optional(v.oneOf(['metadata'], 'the only metric type is "metadata" (to filter documents on a field named type, use type.keyword)')),
    group_by: v.optional(groupBySchema),
    acceptable_range: v.optional(v.unknown()),
    dry_run: v.optional(v.unknown()),
  },
  scalarSchema,
  'must be a mapping',
);

export type RawMetric = v.Output<typeof metricSchema>;

const optionalString = v.optional(v.string('must be a string'));
const booleanLike = v.optional(v.boolean('must be true or false'));

/** Test keys Orion reads; others are warned about (Orion ignores them). */
const TEST_SHAPE = {
    name: nameSchema,
    metadata: v.nullish(v.record(v.unknown(), 'must be a mapping of field: value')),
    metrics: v.nullish(v.list(v.record(v.unknown(), 'must be a mapping'), 'must be a list of metrics')),
    threshold: v.optional(thresholdSchema),
    direction: v.optional(directionSchema),
    timestamp: optionalString,
    uuid_field: optionalString,
    version_field: optionalString,
    benchmark_index: optionalString,
    metadata_index: optionalString,
    local_config: optionalString,
    local_metrics: optionalString,
    IgnoreGlobal: booleanLike,
    IgnoreGlobalMetrics: booleanLike,
};
export const testSchema = v.mapping(TEST_SHAPE, 'loose', 'must be a mapping');

export const KNOWN_TEST_KEYS = new Set(Object.keys(TEST_SHAPE));

const TOP_LEVEL_SHAPE = {
    tests: v.list(v.record(v.unknown(), 'must be a mapping'), 'must be a list of tests (an Otava config, tests as a mapping, is read by perfhound otava)'),
    parentConfig: optionalString,
    metricsFile: optionalString,
    jira_url: optionalString,
    jira_token: optionalString,
    jira_email: optionalString,
    jira_uuid_field: optionalString,
    jira_metric_field: optionalString,
};
export const topLevelSchema = v.mapping(TOP_LEVEL_SHAPE, 'loose', 'a config must be a mapping with a tests list');

export const KNOWN_TOP_LEVEL_KEYS = new Set(Object.keys(TOP_LEVEL_SHAPE));

const textOrNumber = v.optional(v.transform(v.union([v.string(), v.number()]), String));

export const ackFileSchema = v.mapping(
  {
    ack: v.nullable(
      v.list(
        v.mapping({ uuid: nameSchema, metric: nameSchema, reason: textOrNumber, version: textOrNumber, test: textOrNumber }, 'loose', 'must be a mapping with uuid and metric'),
        'must be a list of acks',
      ),
    ),
  },
  'loose',
  'an ack file must be a mapping with an ack list',
);
