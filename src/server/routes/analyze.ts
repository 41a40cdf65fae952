import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { TestReport } from '../../analyze/index.js';
import type { AnalysisConfig } from '../../config/index.js';
import { testToJsonRows } from '../../output/json.js';
import { NotFoundError, UserError } from '../../util/errors.js';
import { toJson } from '../../util/json.js';
import { requestAnalysis } from '../analysis.js';
import { requireScope } from '../auth.js';
import { configInput, type CachedAnalysis, type ParsedConfig, type Snapshot } from '../cached-analysis.js';
import { configNames, configPath } from '../config-dir.js';
import * as contract from '../contract/analysis.js';
import { serializeSeries, seriesOf } from '../series-json.js';

function objectOrThrow(value: unknown, field: string, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UserError(`${field} must be ${what}`, { field });
  return value as Record<string, unknown>;
}

/** The seed's JSON shape: test name → rows. */
function seedJson(reports: readonly TestReport[], collapse: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const test of reports) out[test.name] = testToJsonRows(test, { collapse });
  return out;
}

/** Sends an already serialised JSON answer as it is. */
function sendJson(reply: FastifyReply, body: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(body);
}

/** Template variables from `version` (Orion's daemon) and `input-vars` (a JSON object) query parameters. */
function queryInputVars(query: { version?: string; 'input-vars'?: string }, defaultVersion?: string): Record<string, unknown> {
  const raw = query['input-vars'];
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
  const version = query.version ?? defaultVersion;
  return version === undefined ? vars : { ...vars, version };
}

/** The scope that may record regressions: its holders write the data analyses are made of already. */
export const RECORD_SCOPE = 'ingest';

/**
 * The reports of every test of the config; recorded in `regressions` (as `perfhound analyze` does) only
 * when the caller asked for it (`record`) with a token of {@link RECORD_SCOPE} (or admin): these are read
 * routes, and a read must not write rows (with test names of the caller's choosing) into the store.
 */
function reportsOf(analyses: CachedAnalysis, parsed: ParsedConfig, at: Snapshot, record: boolean): Promise<TestReport[]> {
  return record ? analyses.recordedReports(parsed, allTests(parsed.config), at) : analyses.testReports(parsed, allTests(parsed.config), at);
}

/** Whether to record: checked before any work, so a caller without the scope gets its 401/403 at once. */
function recording(request: FastifyRequest, record: boolean): boolean {
  if (record) requireScope(request, RECORD_SCOPE, 'recording regressions (record=true)');
  return record;
}

/**
 * `POST /api/v1/analyze`, Orion's `GET /daemon/changepoint` and `GET /daemon/options`, and
 * `GET /api/v1/series`: thin adapters over the analysis service (src/analyze) on the daemon's store,
 * memoised by {@link CachedAnalysis} under the store's data version. POST /analyze (`"record": true`) and
 * /daemon/changepoint (`record=true`) record their regressions when asked, by a token of scope ingest.
 */
export function analyzeRoutes(app: FastifyInstance, analyses: CachedAnalysis, configDir: string | undefined): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.route({
    ...contract.analyze,
    handler: async (request, reply) => {
      const body = request.body;
      const record = recording(request, body.record === true);
      const rawOptions = body.options ?? {};
      const inputVars = rawOptions.inputVars === undefined ? undefined : objectOrThrow(rawOptions.inputVars, 'options.inputVars', 'a JSON object (template variables)');
      const { options, collapse } = requestAnalysis(rawOptions);
      // Configs from the network may not read the daemon's files (parentConfig, metricsFile…).
      const parsed = await analyses.bodyConfig(configInput(body.config), inputVars);
      const at = await analyses.snapshot(options);
      const reports = await reportsOf(analyses, parsed, at, record);
      return sendJson(reply, await analyses.body(parsed, at, ['analyze', collapse], async () => toJson(seedJson(reports, collapse))));
    },
  });

  r.route({ ...contract.daemonOptions, handler: async () => ({ options: await configNames(configDir) }) });

  r.route({
    ...contract.changepoint,
    handler: async (request, reply) => {
      const query = request.query;
      const record = recording(request, query.record ?? false);
      // Orion's defaults (orion/daemon.py before its removal).
      const path = await configPath(configDir, query.test_name ?? 'small-scale-cluster-density');
      const parsed = await analyses.fileConfig(path, queryInputVars(query, '4.17'));
      const { options } = requestAnalysis({ uuid: query.uuid || undefined, baseline: query.baseline || undefined, lookback: query.lookback || undefined });
      // Orion's default is "" (every row); "true" keeps only the change points.
      const onlyChangePoints = query.filter_changepoints ? flag(query.filter_changepoints, 'filter_changepoints') : false;
      const at = await analyses.snapshot(options);
      const reports = await reportsOf(analyses, parsed, at, record);
      return sendJson(
        reply,
        await analyses.body(parsed, at, ['changepoint', onlyChangePoints], async () => {
          const result = seedJson(reports, false);
          if (onlyChangePoints) {
            for (const [test, rows] of Object.entries(result)) result[test] = (rows as { is_changepoint: boolean }[]).filter((r) => r.is_changepoint);
          }
          return toJson(result);
        }),
      );
    },
  });

  r.route({
    ...contract.series,
    handler: async (request, reply) => {
      const query = request.query;
      const parsed = await analyses.fileConfig(await configPath(configDir, query.config), queryInputVars(query));
      const testIndex = pickTest(parsed.config, query.test);
      const { options } = requestAnalysis({
        lookback: query.lookback,
        since: query.since,
        lookbackSize: query['lookback-size'],
        uuid: query.uuid,
        metadataIndex: query['metadata-index'],
        benchmarkIndex: query['benchmark-index'],
        nodeCount: query['node-count'],
      });
      // A read: the analysis does not record regressions.
      const at = await analyses.snapshot(options);
      const body = await analyses.body(parsed, at, ['series', testIndex, query.metric ?? null], async () => {
        const [report] = await analyses.testReports(parsed, [testIndex], at);
        return serializeSeries(seriesOf(report, query.metric));
      });
      return sendJson(reply, body);
    },
  });
}

/** `true`/`1`/`yes` or `false`/`0`/`no` (Orion's clients send these). */
function flag(text: string, field: string): boolean {
  const t = text.toLowerCase();
  if (['true', '1', 'yes'].includes(t)) return true;
  if (['false', '0', 'no'].includes(t)) return false;
  throw new UserError(`must be true or false (got "${text}")`, { field });
}

const allTests = (config: AnalysisConfig): number[] => config.tests.map((_, i) => i);

/** The index of the config's test named `name` (the only test when no name is given). */
function pickTest(config: AnalysisConfig, name: string | undefined): number {
  if (name === undefined) {
    if (config.tests.length === 1) return 0;
    throw new UserError(`query parameter test is required (tests: ${config.tests.map((t) => t.name).join(', ')})`, { field: 'test' });
  }
  const index = config.tests.findIndex((t) => t.name === name);
  if (index < 0) throw new NotFoundError(`no test "${name}" in the config (tests: ${config.tests.map((t) => t.name).join(', ')})`, { field: 'test' });
  return index;
}
