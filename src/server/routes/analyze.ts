import type { FastifyInstance } from 'fastify';
import { loadAnalysisConfig, parseAnalysisConfig } from '../../config/index.js';
import type { AnalysisConfig } from '../../config/types.js';
import type { Store } from '../../store/connect.js';
import { UserError } from '../../util/errors.js';
import { configNames, configPath } from '../config-dir.js';
import { boolParam, rejectUnknown, single, type Query } from '../params.js';

/** The analysis options of a request: the CLI's long flags in camelCase (`inputVars`, `lookback`, `uuid`…). */
export type AnalyzeOptions = Record<string, unknown>;

function optionsOf(body: Record<string, unknown>): AnalyzeOptions {
  const options = body.options ?? {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new UserError('options must be a JSON object of the CLI\'s flags in camelCase', { field: 'options' });
  }
  const inputVars = (options as AnalyzeOptions).inputVars;
  if (inputVars !== undefined && (inputVars === null || typeof inputVars !== 'object' || Array.isArray(inputVars))) {
    throw new UserError('options.inputVars must be a JSON object (template variables)', { field: 'options.inputVars' });
  }
  return options as AnalyzeOptions;
}

/** Config text (YAML, templated) or a JSON object from a request body — never allowed to read server files. */
async function configFromBody(config: unknown, options: AnalyzeOptions): Promise<AnalysisConfig> {
  if (typeof config !== 'string' && (config === null || typeof config !== 'object' || Array.isArray(config))) {
    throw new UserError('config is required: YAML text or a JSON object', { field: 'config' });
  }
  return parseAnalysisConfig(config as string | Record<string, unknown>, {
    file: 'config',
    inputVars: options.inputVars as Record<string, unknown> | undefined,
    allowIncludes: false,
  });
}

async function analyze(_store: Store, _config: AnalysisConfig, _options: AnalyzeOptions): Promise<Record<string, unknown>> {
  throw new UserError('analysis is not available in this build yet (the analysis service is missing)', {}, 501);
}

/**
 * `POST /api/v1/analyze`, Orion's `GET /daemon/changepoint` and `GET /daemon/options`, and
 * `GET /api/v1/series`: thin adapters over the analysis service.
 */
export function analyzeRoutes(app: FastifyInstance, store: Store, configDir: string | undefined): void {
  app.post('/api/v1/analyze', async (request) => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new UserError('the body must be a JSON object {"config": …, "options": {…}}', { field: 'body' });
    }
    const record = body as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (key !== 'config' && key !== 'options') throw new UserError(`unknown body field "${key}" (known: config, options)`, { field: key });
    }
    const options = optionsOf(record);
    const config = await configFromBody(record.config, options);
    return analyze(store, config, options);
  });

  app.get('/daemon/options', async () => ({ options: await configNames(configDir) }));

  app.get('/daemon/changepoint', async (request) => {
    const query = request.query as Query;
    rejectUnknown(query, ['test_name', 'version', 'uuid', 'baseline', 'filter_changepoints', 'lookback', 'convert_tinyurl']);
    // Orion's defaults (orion/daemon.py before its removal).
    const path = await configPath(configDir, single(query, 'test_name') ?? 'small-scale-cluster-density');
    const options: AnalyzeOptions = { inputVars: { version: single(query, 'version') ?? '4.17' } };
    const uuid = single(query, 'uuid');
    const baseline = single(query, 'baseline');
    const lookback = single(query, 'lookback');
    if (uuid) options.uuid = uuid;
    if (baseline) options.baseline = baseline;
    if (lookback) options.lookback = lookback;
    // Orion's default is "" (keep every row); "true" keeps only change points.
    const onlyChangepoints = single(query, 'filter_changepoints') ? boolParam(query, 'filter_changepoints') === true : false;
    const config = await loadAnalysisConfig(path, { inputVars: options.inputVars as Record<string, unknown> });
    const result = await analyze(store, config, options);
    return onlyChangepoints ? keepChangepoints(result) : result;
  });

  app.get('/api/v1/series', async () => {
    throw new UserError('series are not available in this build yet (the analysis service is missing)', {}, 501);
  });
}

/** Orion's `filter_changepoints=true`: only the rows flagged `is_changepoint`. */
function keepChangepoints(result: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [test, rows] of Object.entries(result)) {
    out[test] = Array.isArray(rows) ? rows.filter((r) => (r as { is_changepoint?: unknown }).is_changepoint === true) : rows;
  }
  return out;
}
