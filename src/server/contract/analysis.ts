import { z } from 'zod';
import { anyObject, boolText, jsonNumber, optionalText, query } from './fields.js';
import { error, json, route } from './route.js';

/** Orion's JSON output: test name → rows {uuid, timestamp, buildUrl, metrics: {column: {value, percentage_change}}, is_changepoint}. */
export const AnalysisResult = z.record(z.string(), z.array(anyObject())).meta({ id: 'AnalysisResult' });

const RECORD = 'record the regressions found in the regressions table (as `perfhound analyze` does); needs a token of scope ingest or admin (401/403 otherwise). Without it the analysis writes nothing.';
const recordErrors = { 403: error('record with a token of another scope than ingest/admin') };

export const analyze = route('POST', '/api/v1/analyze', 'read', {
  summary: 'run an Orion-compatible analysis; the answer is keyed by test name',
  tags: ['analysis'],
  body: z.strictObject({
    config: z.union([z.string().meta({ description: 'YAML text (templated)' }), anyObject().meta({ description: 'a config as JSON (not templated)' })]),
    options: anyObject()
      .optional()
      .meta({ description: "the CLI's long flags in camelCase: metadataIndex, benchmarkIndex, lookback, since, uuid, baseline, nodeCount, inputVars (template variables), source, cmr, …" }),
    record: z.boolean().optional().meta({ description: RECORD, default: false }),
  }),
  response: { 200: json(AnalysisResult, "rows per test, as Orion's JSON output"), ...recordErrors },
});

export const daemonOptions = route('GET', '/daemon/options', 'read', {
  summary: 'configs available in --config-dir',
  tags: ['analysis', 'orion'],
  response: { 200: json(z.object({ options: z.array(z.string()) }), 'config names') },
});

export const changepoint = route('GET', '/daemon/changepoint', 'read', {
  summary: "Orion's daemon route: analyse a config of --config-dir by name",
  tags: ['analysis', 'orion'],
  querystring: query({
    test_name: z.string().optional().meta({ description: 'config name in --config-dir', default: 'small-scale-cluster-density' }),
    version: z.string().optional().meta({ description: 'template variable version', default: '4.17' }),
    uuid: optionalText('analyse this run against runs with the same metadata'),
    baseline: optionalText('comma-separated baseline uuids (with uuid)'),
    filter_changepoints: optionalText('"true": only change point rows'),
    lookback: optionalText('e.g. 15d, 12h'),
    convert_tinyurl: optionalText("accepted for Orion's clients; ignored"),
    record: boolText(RECORD),
  }),
  response: { 200: json(AnalysisResult, 'rows per test'), ...recordErrors, 404: error('no such config, or no --config-dir') },
});

export const Series = z
  .object({
    test: z.string(),
    metric: z.string(),
    points: z.array(z.object({ uuid: z.string(), timestamp: z.string(), value: jsonNumber().nullable(), buildUrl: z.string().nullable(), version: z.string().nullable() })),
    changePoints: z.array(z.object({ index: z.number().int(), uuid: z.string(), percentageChange: jsonNumber(), meanBefore: jsonNumber(), meanAfter: jsonNumber(), pvalue: jsonNumber() })),
    warnings: z.array(z.string()),
  })
  .meta({ id: 'Series' });

export const series = route('GET', '/api/v1/series', 'read', {
  summary: 'one series of a config test and metric: points with run uuid, timestamp, value, build URL and change points',
  tags: ['analysis'],
  querystring: query({
    config: z.string().min(1).meta({ description: 'config name in --config-dir' }),
    test: optionalText('test name in the config (needed when it has several)'),
    metric: optionalText('metric column name (needed when the test has several)'),
    version: optionalText('template variable version'),
    'input-vars': optionalText('template variables as a JSON object'),
    lookback: optionalText('e.g. 15d'),
    since: optionalText('from this time on (YYYY-MM-DD or ISO time)'),
    'lookback-size': optionalText('at most this many runs'),
    uuid: optionalText('analyse this run against runs with the same metadata'),
    'metadata-index': optionalText('collection of the run documents'),
    'benchmark-index': optionalText('collection of the metric documents'),
    'node-count': optionalText('match runs on node count too'),
  }),
  response: { 200: json(Series, 'the series'), 404: error('no such config, test or metric') },
});
