import { z } from 'zod';
import { anyObject, intText, limitText, manyText, offsetText, optionalText, page, query, sinceText, untilText } from './fields.js';
import { binary, error, json, route } from './route.js';

export const RUNS_PAGE_DEFAULT = 100;
export const RUNS_PAGE_MAX = 10_000;

export const Run = z
  .object({
    uuid: z.string(),
    timestamp: z.string().meta({ format: 'date-time' }),
    timestampMs: z.number().int(),
    start: z.string().nullable(),
    end: z.string().nullable(),
    status: z.string().nullable(),
    buildUrl: z.string().nullable(),
    version: z.string().nullable(),
    artifacts: z.string().nullable(),
    source: z.string(),
    collection: z.string(),
    passes: z.number().int().nullable(),
    fails: z.number().int().nullable(),
    skips: z.number().int().nullable(),
    runTime: z.number().nullable(),
    metadata: anyObject(),
  })
  .meta({ id: 'Run' });

const uuidParams = z.strictObject({ uuid: z.string().meta({ description: 'the run id' }) });

export const listRuns = route('GET', '/api/v1/runs', 'read', {
  summary: 'runs in time order (newest last); pages go back in time',
  tags: ['runs'],
  querystring: query(
    {
      where: manyText('metadata filter key=value (repeatable; dotted keys reach nested fields)'),
      'meta.KEY': optionalText('metadata filter KEY=value (any key after "meta.")'),
      since: sinceText(),
      until: untilText(),
      collection: optionalText('only runs of this metadata collection'),
      limit: limitText(RUNS_PAGE_MAX, RUNS_PAGE_DEFAULT),
      offset: offsetText(),
    },
    { metaPrefix: true },
  ),
  response: { 200: json(z.object({ runs: z.array(Run), ...page }), 'a page of runs, oldest first') },
});

export const getRun = route('GET', '/api/v1/runs/:uuid', 'read', {
  summary: 'one run with its document counts per collection',
  tags: ['runs'],
  params: uuidParams,
  querystring: query({}),
  response: {
    200: json(Run.extend({ documents: z.record(z.string(), z.number().int()) }), 'the run'),
    404: error('no such run'),
  },
});

/** Test result classes of subunit2sql: pass = success|xfail, fail = fail|uxsuccess, skip, other (exists, inprogress…). */
export const TEST_CLASSES = ['pass', 'fail', 'skip', 'other'] as const;

export const RunTest = z.object({
  test_id: z.string(),
  status: z.string().meta({ description: 'as stored: success, fail, skip, xfail, uxsuccess, …' }),
  start_us: z.number().int().nullable(),
  stop_us: z.number().int().nullable(),
  duration_s: z.number().nullable(),
});

export const runTests = route('GET', '/api/v1/runs/:uuid/tests', 'read', {
  summary: "a test run's results, slowest first (tests without a duration last), with counts per class",
  tags: ['tests', 'runs'],
  params: uuidParams,
  querystring: query({
    status: z.enum(TEST_CLASSES).optional().meta({ description: 'only tests of this class (pass = success|xfail, fail = fail|uxsuccess)' }),
    limit: intText({ min: 1, max: 100_000 }, 'at most this many tests (the counts stay those of the whole run)').optional(),
  }),
  response: {
    200: json(
      z.object({
        run: z.string(),
        counts: z.object({ pass: z.number().int(), fail: z.number().int(), skip: z.number().int(), other: z.number().int() }),
        tests: z.array(RunTest),
      }),
      "the run's test results",
    ),
    404: error('no such run'),
  },
});

export const runSubunit = route('GET', '/api/v1/runs/:uuid/subunit', 'read', {
  summary: 'a stored test run as a subunit v2 stream (sql2subunit)',
  tags: ['tests', 'runs'],
  params: uuidParams,
  querystring: query({}),
  response: { 200: binary('application/vnd.subunit.v2', 'subunit v2'), 404: error('no such run') },
});
