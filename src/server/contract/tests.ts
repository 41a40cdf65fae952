import { z } from 'zod';
import { RESOLUTIONS } from '../../test-analytics/analytics.js';
import { intText, jsonNumber, limitText, manyText, optionalText, pairText, query, requiredText, sinceText, untilText } from './fields.js';
import { Bytes, json, route } from './route.js';

const period = { since: sinceText(), until: untilText() };
const meta = { meta: pairText('one metadata pair key=value the runs must have') };

const RunPoint = z.object({ uuid: z.string(), timestampMs: z.number().int(), pass: z.number().int(), fail: z.number().int(), skip: z.number().int(), runTime: z.number().nullable() });
const RunGroup = z.object({ runs: z.array(RunPoint), passed: z.number().int(), failed: z.number().int(), meanRunTime: z.number().nullable() });
export const TestRate = z
  .object({
    test: z.string(),
    passes: z.number().int(),
    failures: z.number().int(),
    skips: z.number().int(),
    failureRate: jsonNumber().meta({ description: 'failures / (passes + failures); "NaN" without any' }),
    meanRunTime: z.number().nullable(),
  })
  .meta({ id: 'TestRate' });
const tests = (description: string) => json(z.object({ tests: z.array(TestRate) }), description);

export const runsByKey = route('GET', '/api/v1/tests/runs-by-key', 'read', {
  summary: 'test runs grouped by a metadata key per time bucket (pass/fail counts, run times)',
  tags: ['tests'],
  querystring: query({
    key: requiredText('metadata key'),
    resolution: z.enum(RESOLUTIONS).optional().meta({ description: 'bucket size; a week is named by its Monday (UTC)', default: 'day' }),
    ...period,
  }),
  response: { 200: json(z.object({ buckets: z.array(z.object({ bucket: z.string(), groups: z.record(z.string(), RunGroup) })) }), 'buckets, oldest first') },
});

export const testHistory = route('GET', '/api/v1/tests/history', 'read', {
  summary: 'status history and run time trend of one test',
  tags: ['tests'],
  querystring: query({ test: requiredText('test id'), window: intText({ min: 1, max: 100_000 }, 'rolling window of the trend (default 20)').optional(), ...meta, ...period }),
  response: {
    200: json(
      z.object({
        results: z.array(z.object({ runUuid: z.string(), status: z.string(), startUs: z.number().int().nullable(), duration: z.number().nullable() })),
        trend: z.array(z.object({ startUs: z.number().int(), duration: z.number(), mean: z.number(), std: z.number().nullable() })),
      }),
      'history',
    ),
  },
});

export const testRates = route('GET', '/api/v1/tests/rates', 'read', {
  summary: 'pass/fail/skip counts and failure rate per test',
  tags: ['tests'],
  querystring: query({ ...meta, ...period }),
  response: { 200: tests('tests by name') },
});

export const neverFailed = route('GET', '/api/v1/tests/never-failed', 'read', {
  summary: 'tests that passed and never failed',
  tags: ['tests'],
  querystring: query({ ...meta, ...period }),
  response: { 200: tests('tests by name') },
});

export const slowestTests = route('GET', '/api/v1/tests/slowest', 'read', {
  summary: 'slowest tests by mean successful duration',
  tags: ['tests'],
  querystring: query({ limit: limitText(100_000, 10), ...meta, ...period }),
  response: { 200: tests('slowest first') },
});

export const flakyTests = route('GET', '/api/v1/tests/flaky', 'read', {
  summary: 'tests that both passed and failed for one value of a metadata key',
  tags: ['tests'],
  querystring: query({ key: requiredText('metadata key'), ...period }),
  response: { 200: json(z.object({ tests: z.array(z.object({ test: z.string(), value: z.string(), passes: z.number().int(), failures: z.number().int() })) }), 'most failures first') },
});

export const failedRuns = route('GET', '/api/v1/tests/failed-runs', 'read', {
  summary: 'latest runs with failures per value of a metadata key',
  tags: ['tests'],
  querystring: query({ key: requiredText('metadata key'), value: optionalText('only this value'), limit: limitText(10_000, 10) }),
  response: {
    200: json(
      z.object({ runs: z.array(z.object({ uuid: z.string(), timestampMs: z.number().int(), artifacts: z.string().nullable(), value: z.string(), failedTests: z.array(z.string()) })) }),
      'newest first',
    ),
  },
});

export const testTiming = route('GET', '/api/v1/tests/timing', 'read', {
  summary: 'mean test durations for schedulers: JSON, a subunit v2 stream, or a partition into workers',
  tags: ['tests'],
  querystring: query({
    format: z.enum(['json', 'subunit']).optional().meta({ description: 'json or subunit', default: 'json' }),
    workers: intText({ min: 1, max: 10_000 }, 'partition the tests into this many workers').optional(),
    test: manyText('tests to partition (repeatable; default all)'),
    ...meta,
    ...period,
  }),
  response: {
    200: {
      description: 'durations (s) by test; with workers, the partition',
      content: {
        'application/json': {
          schema: z.object({
            durations: z.record(z.string(), z.number()),
            partitions: z.array(z.object({ worker: z.number().int(), total: z.number(), tests: z.array(z.string()) })).optional(),
          }),
        },
        'application/vnd.subunit.v2': { schema: Bytes },
      },
    },
  },
});

