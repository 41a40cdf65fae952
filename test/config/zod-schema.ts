/**
 * The oracle of test/config/schema-oracle.test.ts: the config schemas as they were written with zod, before
 * src/config/schema.ts rebuilt them on src/config/validate.ts (zod cost every analysis ~20 ms of start-up).
 * A change to a schema there is made here too, in zod's terms, so the test keeps comparing like with like.
 *
 * zod schemas of Orion's config shapes (orion.md §1.5) as they stand after templating and inheritance.
 * They accept what Orion accepts — unknown metric keys are document filters, numeric strings where Orion
 * calls `int()` — and reject what can only be a mistake: a `metrics` that is not a list, `direction: 2`,
 * an unknown `agg_type`, percentiles without `percents`.
 */
import { z } from 'zod';
// The data the schemas share with src/config/schema.ts (only the schemas themselves are the oracle).
import { AGG_TYPES, boundaryProblem, RUN_THRESHOLD_TESTS } from '../../src/config/schema.js';

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
const optionalStrings = (keys: string[]) => Object.fromEntries(keys.map((key) => [key, optionalString]));
const booleanLike = z.boolean({ error: 'must be true or false' }).optional();

/** Test keys Orion reads; others are warned about (Orion ignores them). */
export const testSchema = z.looseObject(
  {
    name: nameSchema,
    metadata: z.record(z.string(), z.unknown(), { error: 'must be a mapping of field: value' }).nullish(),
    metrics: z.array(z.record(z.string(), z.unknown(), { error: 'must be a mapping' }), { error: 'must be a list of metrics' }).nullish(),
    threshold: thresholdSchema.optional(),
    direction: directionSchema.optional(),
    ...optionalStrings(['timestamp', 'uuid_field', 'version_field', 'benchmark_index', 'metadata_index', 'local_config', 'local_metrics']),
    IgnoreGlobal: booleanLike,
    IgnoreGlobalMetrics: booleanLike,
  },
  { error: 'must be a mapping' },
);

export const KNOWN_TEST_KEYS = new Set(Object.keys(testSchema.shape));

export const topLevelSchema = z.looseObject(
  {
    tests: z.array(z.record(z.string(), z.unknown(), { error: 'must be a mapping' }), { error: 'must be a list of tests (an Otava config, tests as a mapping, is read by perfhound otava)' }),
    ...optionalStrings(['parentConfig', 'metricsFile', 'jira_url', 'jira_token', 'jira_email', 'jira_uuid_field', 'jira_metric_field']),
  },
  { error: 'a config must be a mapping with a tests list' },
);

export const KNOWN_TOP_LEVEL_KEYS = new Set(Object.keys(topLevelSchema.shape));


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
