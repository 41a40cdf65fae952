import type { FastifyInstance } from 'fastify';
import type { AnalysisReport, TestReport } from '../../analyze/index.js';
import { loadAnalysisConfig, parseAnalysisConfig, type AnalysisConfig } from '../../config/index.js';
import { testToJsonRows } from '../../output/json.js';
import type { Store } from '../../store/connect.js';
import { NotFoundError, UserError } from '../../util/errors.js';
import { analyzeStore, requestAnalysis } from '../analysis.js';
import { configNames, configPath } from '../config-dir.js';
import { boolParam, rejectUnknown, single, type Query } from '../params.js';

function objectOrThrow(value: unknown, field: string, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UserError(`${field} must be ${what}`, { field });
  return value as Record<string, unknown>;
}

/** The seed's JSON shape: test name → rows. */
function seedJson(report: AnalysisReport, collapse: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const test of report.tests) out[test.name] = testToJsonRows(test, { collapse });
  return out;
}

/** Template variables from `version` (Orion's daemon) and `input-vars` (a JSON object) query parameters. */
function queryInputVars(query: Query, defaultVersion?: string): Record<string, unknown> {
  const raw = single(query, 'input-vars');
  let vars: Record<string, unknown> = {};
  if (raw !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new UserError('input-vars must be a JSON object', { field: 'input-vars' });
    }
    vars = objectOrThrow(parsed, 'input-vars', 'a JSON object');
  }
  const version = single(query, 'version') ?? defaultVersion;
  return version === undefined ? vars : { ...vars, version };
}

/**
 * `POST /api/v1/analyze`, Orion's `GET /daemon/changepoint` and `GET /daemon/options`, and
 * `GET /api/v1/series`: thin adapters over the analysis service (src/analyze) on the daemon's store.
 */
export function analyzeRoutes(app: FastifyInstance, store: Store, configDir: string | undefined): void {
  app.post('/api/v1/analyze', async (request) => {
    const body = objectOrThrow(request.body, 'body', 'a JSON object {"config": …, "options": {…}}');
    for (const key of Object.keys(body)) {
      if (key !== 'config' && key !== 'options') throw new UserError(`unknown body field "${key}" (known: config, options)`, { field: key });
    }
    const rawOptions = objectOrThrow(body.options ?? {}, 'options', "a JSON object of the CLI's flags in camelCase");
    const inputVars = rawOptions.inputVars === undefined ? undefined : objectOrThrow(rawOptions.inputVars, 'options.inputVars', 'a JSON object (template variables)');
    const { options, collapse } = requestAnalysis(rawOptions);
    const config = body.config;
    if (typeof config !== 'string' && (config === null || typeof config !== 'object' || Array.isArray(config))) {
      throw new UserError('config is required: YAML text or a JSON object', { field: 'config' });
    }
    // Configs from the network may not read the daemon's files (parentConfig, metricsFile…).
    const parsed = await parseAnalysisConfig(config as string | Record<string, unknown>, { file: 'config', inputVars, allowIncludes: false, env: {} });
    return seedJson(await analyzeStore(store, parsed, options), collapse);
  });

  app.get('/daemon/options', async () => ({ options: await configNames(configDir) }));

  app.get('/daemon/changepoint', async (request) => {
    const query = request.query as Query;
    rejectUnknown(query, ['test_name', 'version', 'uuid', 'baseline', 'filter_changepoints', 'lookback', 'convert_tinyurl']);
    // Orion's defaults (orion/daemon.py before its removal).
    const path = await configPath(configDir, single(query, 'test_name') ?? 'small-scale-cluster-density');
    const config = await loadAnalysisConfig(path, { inputVars: queryInputVars(query, '4.17') });
    const { options } = requestAnalysis({ uuid: single(query, 'uuid') || undefined, baseline: single(query, 'baseline') || undefined, lookback: single(query, 'lookback') || undefined });
    const result = seedJson(await analyzeStore(store, config, options), false);
    // Orion's default is "" (every row); "true" keeps only the change points.
    if (!single(query, 'filter_changepoints') || !boolParam(query, 'filter_changepoints')) return result;
    for (const [test, rows] of Object.entries(result)) result[test] = (rows as { is_changepoint: boolean }[]).filter((r) => r.is_changepoint);
    return result;
  });

  app.get('/api/v1/series', async (request) => {
    const query = request.query as Query;
    rejectUnknown(query, ['config', 'test', 'metric', 'version', 'input-vars', 'lookback', 'since', 'lookback-size', 'uuid', 'metadata-index', 'benchmark-index', 'node-count']);
    const name = single(query, 'config');
    const testName = single(query, 'test');
    const metric = single(query, 'metric');
    if (!name) throw new UserError('query parameter config is required (a config name of --config-dir)', { field: 'config' });
    const config = await loadAnalysisConfig(await configPath(configDir, name), { inputVars: queryInputVars(query) });
    const test = pickTest(config, testName);
    const { options } = requestAnalysis({
      lookback: single(query, 'lookback'),
      since: single(query, 'since'),
      lookbackSize: single(query, 'lookback-size'),
      uuid: single(query, 'uuid'),
      metadataIndex: single(query, 'metadata-index'),
      benchmarkIndex: single(query, 'benchmark-index'),
      nodeCount: single(query, 'node-count'),
    });
    // A read: the analysis does not record regressions.
    const report = await analyzeStore(store, { ...config, tests: [test] }, options, false);
    return seriesOf(report.tests[0], metric);
  });
}

function pickTest(config: AnalysisConfig, name: string | undefined) {
  if (name === undefined) {
    if (config.tests.length === 1) return config.tests[0];
    throw new UserError(`query parameter test is required (tests: ${config.tests.map((t) => t.name).join(', ')})`, { field: 'test' });
  }
  const test = config.tests.find((t) => t.name === name);
  if (!test) throw new NotFoundError(`no test "${name}" in the config (tests: ${config.tests.map((t) => t.name).join(', ')})`, { field: 'test' });
  return test;
}

/** One metric column of a test as points plus its change points. */
function seriesOf(test: TestReport, metric: string | undefined) {
  const columns = test.columns.filter((c) => !c.isMetadata).map((c) => c.name);
  const column = metric ?? (columns.length === 1 ? columns[0] : undefined);
  if (column === undefined) throw new UserError(`query parameter metric is required (metrics: ${columns.join(', ')})`, { field: 'metric' });
  if (!test.noData && !columns.includes(column)) throw new NotFoundError(`no metric "${column}" in test ${test.name} (metrics: ${columns.join(', ')})`, { field: 'metric' });
  return {
    test: test.name,
    metric: column,
    points: test.rows.map((r) => ({ uuid: r.uuid, timestamp: new Date(r.timestampMs).toISOString(), value: r.values[column] ?? null, buildUrl: r.buildUrl ?? null, version: r.version ?? null })),
    changePoints: test.changePoints
      .filter((cp) => cp.column === column)
      .map((cp) => ({ index: cp.index, uuid: cp.uuid, percentageChange: cp.percentageChange, meanBefore: cp.meanBefore, meanAfter: cp.meanAfter, pvalue: cp.pvalue })),
    warnings: test.warnings,
  };
}
