/**
 * The config schemas (src/config/schema.ts, on src/config/validate.ts) against the zod schemas they replace
 * (zod-schema.ts): on generated values — YAML's kinds, mappings over every key the schemas know and a few
 * they do not, edge numbers and strings — both accept the same values with the same result, or report the
 * same issues in the same order: path, message as the user reads it, and zod's own message (group_by
 * quotes it).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { describeIssue } from '../../src/config/problems.js';
import * as mine from '../../src/config/schema.js';
import { check, type Checker, type Issue } from '../../src/config/validate.js';
import * as zod from './zod-schema.js';

const KEYS = [
  // top level, tests, metrics
  'tests', 'parentConfig', 'metricsFile', 'jira_url', 'name', 'metadata', 'metrics', 'threshold', 'direction', 'timestamp',
  'uuid_field', 'version_field', 'benchmark_index', 'local_config', 'IgnoreGlobal', 'IgnoreGlobalMetrics', 'metric_of_interest',
  'agg', 'not', 'labels', 'correlation', 'context', 'type', 'group_by', 'acceptable_range', 'dry_run',
  // agg, per-run thresholds, acks
  'agg_type', 'value', 'percents', 'target_percentile', 'test', 'window', 'lower_boundary', 'upper_boundary', 'min_sample_size',
  'ack', 'uuid', 'metric', 'reason', 'version',
  // filters and mistakes
  'jobName', 'metricName.keyword', 'percentile', 'windw', '0', '__proto__', 'constructor',
];

const STRINGS = ['', 'a', 'x y', '1', ' -2.5 ', '10', 'abc', 'metadata', 'avg', 'max', 'percentiles', 't_test', 'z_score', 'iqr', 'percentage', 'static', 'bogus', '-1', '0', '4.20', '${a}'];
const NUMBERS = [0, 1, -1, 2, -2, 0.5, 0.99, 1.5, 3, 50, 95, 99.9, 100, 101, -5, 1e20, -1e20, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

const leaf = fc.oneof(fc.constantFrom(...STRINGS), fc.constantFrom(...NUMBERS), fc.boolean(), fc.constant(null), fc.integer({ min: -3, max: 200 }), fc.string({ maxLength: 4 }));

/** Values as YAML gives them: scalars, lists, mappings (own keys, none inherited). */
const value: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('value')), { maxLength: 6 }).map((entries) => {
      const object: Record<string, unknown> = {};
      // defineProperty: an own `__proto__` key, as JSON.parse makes it.
      for (const [k, v] of entries) Object.defineProperty(object, k, { value: v, enumerable: true, writable: true, configurable: true });
      return object;
    }),
  ),
})).value;

/** Mostly well-formed metrics and tests (deep paths need their outer keys right), with any value mixed in. */
const metric = fc.record(
  { name: fc.oneof(fc.constantFrom('cpu', 'c-${a}', ''), value), metric_of_interest: fc.oneof(fc.constant('value'), value), extra: fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 4 }) },
  { requiredKeys: ['extra'] },
).map(({ extra, ...base }) => ({ ...base, ...extra }));
const test = fc.record({ name: fc.oneof(fc.constant('t'), value), metrics: fc.oneof(fc.array(metric, { maxLength: 2 }), value), extra: fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 3 }) }, { requiredKeys: ['extra'] })
  .map(({ extra, ...base }) => ({ ...base, ...extra }));
const threshold = fc.dictionary(fc.constantFrom('test', 'window', 'lower_boundary', 'upper_boundary', 'min_sample_size', 'windw'), fc.oneof(fc.constantFrom(...RUN_TESTS()), value), { maxKeys: 4 });
const agg = fc.dictionary(fc.constantFrom('agg_type', 'value', 'percents', 'target_percentile', 'percentile'), fc.oneof(fc.constantFrom('avg', 'percentiles'), fc.array(fc.constantFrom(...NUMBERS), { maxLength: 3 }), value), { maxKeys: 4 });
const ackFile = fc.record({ ack: fc.oneof(fc.array(fc.dictionary(fc.constantFrom('uuid', 'metric', 'reason', 'version', 'test', 'other'), value, { maxKeys: 5 }), { maxLength: 3 }), value) }, { requiredKeys: [] });

function RUN_TESTS(): string[] {
  return [...mine.RUN_THRESHOLD_TESTS];
}

/** What each side says of `input`: the data, or each issue's path, user message and raw message. */
function zodSays(schema: z.ZodType, input: unknown): unknown {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { data: result.data };
  return {
    issues: result.error.issues.map((issue) => {
      const described = describeIssue({ code: issue.code as Issue['code'], message: issue.message, input: issue.input, keys: 'keys' in issue ? issue.keys : undefined });
      return [issue.path, described, issue.message];
    }),
  };
}

function mineSays(checker: Checker, input: unknown): unknown {
  const result = check(checker, input);
  if (result.success) return { data: result.data };
  return { issues: result.issues.map((issue) => [issue.path, describeIssue(issue), issue.message]) };
}

const RUNS = { numRuns: 3000 };

/** The metric schema's own sub-schemas are reached through a metric: wrap the generated part in one. */
const inMetric = (key: string) => (part: unknown) => ({ name: 'm', metric_of_interest: 'v', [key]: part });

describe('the config schemas say what the zod schemas said', () => {
  const cases: [string, z.ZodType, Checker, fc.Arbitrary<unknown>][] = [
    ['top level', zod.topLevelSchema, mine.topLevelSchema, fc.oneof(value, fc.record({ tests: fc.oneof(fc.array(value, { maxLength: 2 }), value) }))],
    ['test', zod.testSchema, mine.testSchema, fc.oneof(test, value)],
    ['metric', zod.metricSchema, mine.metricSchema, fc.oneof(metric, value)],
    ['metric threshold', zod.metricSchema, mine.metricSchema, fc.oneof(threshold, value).map(inMetric('threshold'))],
    ['metric agg', zod.metricSchema, mine.metricSchema, fc.oneof(agg, value).map(inMetric('agg'))],
    ['metric group_by, labels, not, direction', zod.metricSchema, mine.metricSchema, fc.tuple(fc.constantFrom('group_by', 'labels', 'not', 'direction', 'context', 'timestamp', 'type'), value).map(([k, v]) => inMetric(k)(v))],
    ['ack file', zod.ackFileSchema, mine.ackFileSchema, fc.oneof(ackFile, value)],
  ];
  for (const [name, oracle, checker, arbitrary] of cases) {
    it(name, () => {
      fc.assert(
        fc.property(arbitrary, (input) => {
          expect(mineSays(checker, input)).toEqual(zodSays(oracle, input));
        }),
        RUNS,
      );
    });
  }

  it('the known keys are the same', () => {
    expect([...mine.KNOWN_TEST_KEYS]).toEqual(Object.keys(zod.testSchema.shape));
    expect([...mine.KNOWN_TOP_LEVEL_KEYS]).toEqual(Object.keys(zod.topLevelSchema.shape));
    expect([...mine.RUN_THRESHOLD_KEYS]).toEqual([...zod.RUN_THRESHOLD_KEYS]);
  });
});
