/**
 * zod schemas of Orion's config shapes (orion.md §1.5) as they stand after templating and inheritance.
 * They accept what Orion accepts — unknown metric keys are document filters, numeric strings where Orion
 * calls `int()` — and reject what can only be a mistake: a `metrics` that is not a list, `direction: 2`,
 * an unknown `agg_type`, percentiles without `percents`.
 */
import { z } from 'zod';

export const scalarSchema = z.union([z.string(), z.number(), z.boolean()], {
  error: 'must be a string, number or boolean',
});

const nameSchema = z
  .union([z.string().min(1, { error: 'must not be empty' }), z.number()], { error: 'must be a string' })
  .transform(String);

/** Orion calls `int(x)`: numbers and numeric strings both work. */
const numberLike = z.union([z.number(), z.string().regex(/^\s*-?\d+(\.\d+)?\s*$/).transform(Number)], {
  error: 'must be a number',
});

export const directionSchema = numberLike.pipe(
  z.union([z.literal(1), z.literal(0), z.literal(-1)], { error: 'must be 1 (increases), -1 (decreases) or 0 (both)' }),
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
const runThresholdShape = z.strictObject(
  {
    test: z.enum(RUN_THRESHOLD_TESTS, { error: `must be one of ${RUN_THRESHOLD_TESTS.join(', ')}` }),
    window: z.number({ error: 'must be a whole number of runs' }).int({ error: 'must be a whole number of runs' }).min(1, { error: 'must be at least 1' }).optional(),
    lower_boundary: z.number({ error: 'must be a number' }).optional(),
    upper_boundary: z.number({ error: 'must be a number' }).optional(),
    min_sample_size: z.number({ error: 'must be a whole number of runs' }).int({ error: 'must be a whole number of runs' }).min(0, { error: 'must be 0 or more' }).optional(),
  },
  { error: 'must be a mapping' },
);

/** The keys of a per-run threshold mapping. */
export const RUN_THRESHOLD_KEYS = new Set(Object.keys(runThresholdShape.shape));

const runThresholdSchema = runThresholdShape.superRefine((t, ctx) => {
    for (const key of ['lower_boundary', 'upper_boundary'] as const) {
      const x = t[key];
      const problem = x === undefined ? undefined : boundaryProblem(t.test, x);
      if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem, input: x });
    }
    if (t.test === 'static' && t.lower_boundary === undefined && t.upper_boundary === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'a static threshold needs lower_boundary and/or upper_boundary' });
    }
  });

export type RawRunThreshold = z.infer<typeof runThresholdSchema>;

/**
 * A number: Orion's threshold, the percent a change point must reach (absolute value). A mapping:
 * perfhound's per-run threshold. Chosen by the value's type, so each form's own errors are reported.
 */
const thresholdSchema = z.unknown().transform((value, ctx): number | RawRunThreshold => {
  const mapping = value !== null && typeof value === 'object' && !Array.isArray(value);
  const result = mapping ? runThresholdSchema.safeParse(value, { reportInput: true }) : numberLike.transform(Math.abs).safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    if (mapping) ctx.addIssue({ ...issue, path: issue.path.filter((seg): seg is string | number => typeof seg !== 'symbol') } as Parameters<typeof ctx.addIssue>[0]);
    else ctx.addIssue({ code: 'custom', message: 'must be a number (percent) or a per-run threshold mapping', input: value });
  }
  return z.NEVER;
});

export const AGG_TYPES = ['avg', 'sum', 'max', 'min', 'count', 'percentiles'] as const;

const percentSchema = z
  .number({ error: 'must be a number' })
  .min(0, { error: 'must be between 0 and 100' })
  .max(100, { error: 'must be between 0 and 100' });

export const aggSchema = z
  .strictObject(
    {
      agg_type: z.enum(AGG_TYPES, { error: `must be one of ${AGG_TYPES.join(', ')}` }),
      /** The seed's legacy `agg.value` (a label once used in column names); Orion ignores it since #323. */
      value: z.union([z.string(), z.number()]).optional(),
      percents: z.array(percentSchema, { error: 'must be a list of numbers' }).min(1, { error: 'must not be empty' }).optional(),
      target_percentile: percentSchema.optional(),
    },
    { error: 'must be a mapping with agg_type' },
  )
  .superRefine((agg, ctx) => {
    if (agg.agg_type === 'percentiles') {
      if (!agg.percents) {
        ctx.addIssue({ code: 'custom', path: ['percents'], message: 'agg_type percentiles needs a percents list, e.g. [50, 95, 99]' });
      } else if (agg.target_percentile !== undefined && !agg.percents.includes(agg.target_percentile)) {
        ctx.addIssue({
          code: 'custom',
          path: ['target_percentile'],
          message: `must be one of percents [${agg.percents.join(', ')}]`,
        });
      }
    } else {
      for (const key of ['percents', 'target_percentile'] as const) {
        if (agg[key] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [key], message: `only applies to agg_type percentiles, not ${agg.agg_type}` });
        }
      }
    }
  });

const notSchema = z.record(
  z.string(),
  z.union([scalarSchema, z.array(scalarSchema).min(1, { error: 'must not be empty' })], {
    error: 'must be a value or a list of values',
  }),
  { error: 'must be a mapping of field: value(s)' },
);

const labelsSchema = z.union([z.string().transform((label) => [label]), z.array(z.string({ error: 'must be a string' }))], {
  error: 'must be a list of strings',
});

const groupBySchema = z
  .union([z.string().transform((field) => [field]), z.array(z.string({ error: 'must be a string' }))], {
    error: 'must be a field name',
  })
  .refine((fields) => fields.length === 1, { error: 'group_by supports exactly one field' })
  .transform((fields) => fields[0] as string);

/**
 * Orion's reserved metric keys (`RESERVED_METRIC_CONFIG_KEYS`); every other key is a document filter.
 * `acceptable_range` and `dry_run` are newer Orion settings perfhound does not implement (warned about).
 */
export const RESERVED_METRIC_KEYS = new Set([
  'acceptable_range', 'agg', 'context', 'correlation', 'direction', 'dry_run',
  'fan_out', 'group_by', 'labels', 'metric_of_interest', 'name', 'not', 'threshold', 'timestamp', 'type',
]);

export const metricSchema = z
  .object(
    {
      name: nameSchema,
      metric_of_interest: nameSchema,
      agg: aggSchema.optional(),
      not: notSchema.optional(),
      labels: labelsSchema.optional(),
      direction: directionSchema.optional(),
      threshold: thresholdSchema.optional(),
      timestamp: z.string({ error: 'must be a field name' }).min(1).optional(),
      correlation: z.string({ error: 'must be a column name such as podReadyLatency_P99' }).optional(),
      context: z.number({ error: 'must be a whole number of rows' }).int({ error: 'must be a whole number of rows' }).min(0).optional(),
      type: z.literal('metadata', { error: 'the only metric type is "metadata" (to filter documents on a field named type, use type.keyword)' }).optional(),
      group_by: groupBySchema.optional(),
      acceptable_range: z.unknown().optional(),
      dry_run: z.unknown().optional(),
    },
    { error: 'must be a mapping' },
  )
  .catchall(scalarSchema);

export type RawMetric = z.infer<typeof metricSchema>;

const optionalString = z.string({ error: 'must be a string' }).optional();
const booleanLike = z.boolean({ error: 'must be true or false' }).optional();

/** Test keys Orion reads; others are warned about (Orion ignores them). */
export const testSchema = z.looseObject(
  {
    name: nameSchema,
    metadata: z.record(z.string(), z.unknown(), { error: 'must be a mapping of field: value' }).nullish(),
    metrics: z.array(z.record(z.string(), z.unknown(), { error: 'must be a mapping' }), { error: 'must be a list of metrics' }).nullish(),
    threshold: thresholdSchema.optional(),
    direction: directionSchema.optional(),
    timestamp: optionalString,
    uuid_field: optionalString,
    version_field: optionalString,
    benchmark_index: optionalString,
    metadata_index: optionalString,
    local_config: optionalString,
    local_metrics: optionalString,
    IgnoreGlobal: booleanLike,
    IgnoreGlobalMetrics: booleanLike,
  },
  { error: 'must be a mapping' },
);

export const KNOWN_TEST_KEYS = new Set(Object.keys(testSchema.shape));

export const topLevelSchema = z.looseObject(
  {
    tests: z.array(z.record(z.string(), z.unknown(), { error: 'must be a mapping' }), { error: 'must be a list of tests' }),
    parentConfig: optionalString,
    metricsFile: optionalString,
    jira_url: optionalString,
    jira_token: optionalString,
    jira_email: optionalString,
    jira_uuid_field: optionalString,
    jira_metric_field: optionalString,
  },
  { error: 'a config must be a mapping with a tests list' },
);

export const KNOWN_TOP_LEVEL_KEYS = new Set(Object.keys(topLevelSchema.shape));

export const wildcardSchema = z.record(z.string(), scalarSchema, { error: 'must be a mapping of field: pattern' });
export { notSchema };

export const ackFileSchema = z.looseObject(
  {
    ack: z
      .array(
        z.looseObject(
          {
            uuid: nameSchema,
            metric: nameSchema,
            reason: z.union([z.string(), z.number()]).transform(String).optional(),
            version: z.union([z.string(), z.number()]).transform(String).optional(),
            test: z.union([z.string(), z.number()]).transform(String).optional(),
          },
          { error: 'must be a mapping with uuid and metric' },
        ),
        { error: 'must be a list of acks' },
      )
      .nullable(),
  },
  { error: 'an ack file must be a mapping with an ack list' },
);
