/**
 * The OpenAPI 3.1 document served at `/openapi.json`: every route with its parameters and answers. Written
 * as a typed object (not generated), so it reads as the API's reference; a test checks that it lists
 * exactly the routes the server has.
 */
interface Schema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null' | Array<'string' | 'object' | 'null' | 'number'>;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: string[];
  required?: string[];
  format?: string;
  default?: unknown;
  oneOf?: Schema[];
  $ref?: string;
}

interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  description: string;
  required?: boolean;
  schema: Schema;
  explode?: boolean;
  style?: 'form';
}

interface Response {
  description: string;
  content?: Record<string, { schema: Schema }>;
}

interface Operation {
  summary: string;
  description?: string;
  tags: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Parameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, Response>;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Partial<Record<'get' | 'post' | 'delete', Operation>>>;
  components: { securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; description: string }>; schemas: Record<string, Schema> };
}

const json = (schema: Schema, description: string): Response => ({ description, content: { 'application/json': { schema } } });
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string): Response => json(ref('Error'), description);
const q = (name: string, description: string, schema: Schema = { type: 'string' }, required = false): Parameter => ({ name, in: 'query', description, schema, required });
const path = (name: string, description: string): Parameter => ({ name, in: 'path', description, required: true, schema: { type: 'string' } });

const READ = [{ bearer: [] }];
const needs = (scope: string) => [{ bearer: [scope] }];
const READ_ERRORS = { '400': error('a bad query parameter (named in `place.field`)'), '401': error('no valid token (and the daemon is not --read-public)') };
const WRITE_ERRORS = { '401': error('missing, unknown or revoked token'), '403': error('the token has another scope') };

const SINCE = q('since', 'from this time on (YYYY-MM-DD or ISO time)', { type: 'string', format: 'date-time' });
const UNTIL = q('until', 'up to this time (YYYY-MM-DD or ISO time)', { type: 'string', format: 'date-time' });
const META = q('meta', 'one metadata pair key=value the runs must have');
const LIMIT = (dflt: number) => q('limit', `at most this many, at least 1 (default ${dflt})`, { type: 'integer', default: dflt });
const OFFSET = q('offset', 'skip this many (from the newest); plain digits, at most 1000000000', { type: 'integer', default: 0 });
const RECORD_FIELD: Schema = {
  type: 'boolean',
  default: false,
  description:
    'record the regressions found in the regressions table (as `perfhound analyze` does); needs a token of scope ingest or admin (401/403 otherwise). Without it the analysis writes nothing.',
};
const OBJ: Schema = { type: 'object', additionalProperties: true };
const list = (key: string): Schema => ({ type: 'object', properties: { [key]: { type: 'array', items: OBJ } } });

const INGEST_PARAMS: Parameter[] = [
  q('run-meta', 'key=value metadata added to every run (repeatable)'),
  q('metadata-collection', 'bulk: collections whose documents are runs (repeatable)'),
  q('uuid-field', 'bulk: run id fields tried in order (repeatable)'),
  q('timestamp-field', 'bulk: time field of metadata documents (default timestamp)'),
  q('version-field', 'bulk/kube-burner/json: version field (default ocpVersion)'),
  q('collection', 'kube-burner/csv/json/subunit/junit: collection of the documents'),
  q('run-collection', 'kube-burner/csv/json: collection of the runs'),
  q('time-column', 'csv: the time column (default time)'),
  q('metric', 'csv: a metric column (repeatable)'),
  q('attribute', 'csv: an attribute column (repeatable)'),
  q('uuid-column', 'csv: the run id column'),
  q('delimiter', 'csv: field delimiter (default ,)'),
  q('run-id', "subunit/junit: the run's public id"),
  q('run-at', 'subunit/junit: when the run happened (ISO time)'),
  q('artifacts', "subunit/junit: URL of the run's logs"),
  q('use-run-wall-time', 'subunit/junit: run_time = wall time', { type: 'boolean' }),
  q('attr-regex', 'subunit/junit: attrs in test ids (default \\[(.*)\\])'),
  q('test-attr-prefix', 'subunit/junit: attrs with this prefix become test metadata'),
  q('remove-test-attr-prefix', 'subunit/junit: strip that prefix', { type: 'boolean' }),
  q('store-attachments', 'subunit/junit: store attachments', { type: 'boolean' }),
  q('non-subunit-name', 'subunit: keep non-subunit bytes as a file of this name'),
  q('lenient', 'subunit/junit: keep the good part of a damaged stream', { type: 'boolean' }),
  q('subunit-version', 'subunit: auto, 1 or 2', { type: 'string', enum: ['auto', '1', '2'] }),
  q('allow-empty', 'accept a body without records (refused otherwise)', { type: 'boolean' }),
  q('replace', 'rewrite a run the other kind of ingest wrote (benchmark ↔ test results)', { type: 'boolean' }),
];

const ANALYZE_OPTIONS: Schema = {
  type: 'object',
  description: "the CLI's long flags in camelCase: metadataIndex, benchmarkIndex, lookback, since, uuid, baseline, nodeCount, inputVars, source, cmr, …",
  additionalProperties: true,
  properties: { inputVars: { type: 'object', additionalProperties: true, description: 'template variables, e.g. {"version": "4.20"}' } },
};

export function openApiDocument(): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: {
      title: 'perfhound daemon',
      version: '1',
      description:
        'Change point analysis, runs, series, regressions, ingestion and test analytics over the perfhound store. ' +
        'Errors are {"error": message, "place": {...}} in the caller\'s terms (no server paths, no database details); ' +
        '5xx answers are {"error", "requestId"}, the id the server log carries (also the x-request-id header of every answer). ' +
        'JSON bodies are at most 64 levels deep. Reads need a token of any scope unless the daemon runs with --read-public; ' +
        'reads never write (analyses record regressions only with record=true and a token of scope ingest). See docs/security.md.',
    },
    paths: {
      '/healthz': { get: { summary: 'the daemon and its database answer', tags: ['ops'], responses: { '200': json(OBJ, 'ok'), '503': json(OBJ, 'the database does not answer') } } },
      '/metrics': { get: { summary: 'Prometheus metrics of this process', tags: ['ops'], responses: { '200': { description: 'text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
      '/openapi.json': { get: { summary: 'this document', tags: ['ops'], responses: { '200': json(OBJ, 'OpenAPI 3.1') } } },
      '/': { get: { summary: 'the web dashboard (regressions, series, runs, test health, reports, experiments); 503 when not built', tags: ['dashboard'], responses: { '200': { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } } } } },
      '/app.js': { get: { summary: "the dashboard's script bundle", tags: ['dashboard'], responses: { '200': { description: 'JavaScript', content: { 'text/javascript': { schema: { type: 'string' } } } } } } },
      '/style.css': { get: { summary: "the dashboard's style sheet", tags: ['dashboard'], responses: { '200': { description: 'CSS', content: { 'text/css': { schema: { type: 'string' } } } } } } },
      '/api/v1/analyze': {
        post: {
          summary: 'run an Orion-compatible analysis; the answer is keyed by test name',
          tags: ['analysis'],
          security: READ,
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['config'],
                  properties: {
                    config: { oneOf: [{ type: 'string', description: 'YAML text (templated)' }, { type: 'object', description: 'a config as JSON (not templated)' }] },
                    options: ANALYZE_OPTIONS,
                    record: RECORD_FIELD,
                  },
                },
              },
            },
          },
          responses: {
            '200': json(ref('AnalysisResult'), 'rows per test, as Orion\'s JSON output'),
            '400': error('bad body or config (field path and YAML line in `place`)'),
            '401': error('no valid token (or record without one)'),
            '403': error('record with a token of another scope than ingest/admin'),
            '501': error('analysis unavailable in this build'),
          },
        },
      },
      '/daemon/changepoint': {
        get: {
          summary: "Orion's daemon route: analyse a config of --config-dir by name",
          tags: ['analysis', 'orion'],
          security: READ,
          parameters: [
            q('test_name', 'config name in --config-dir', { type: 'string', default: 'small-scale-cluster-density' }),
            q('version', 'template variable version', { type: 'string', default: '4.17' }),
            q('uuid', 'analyse this run against runs with the same metadata'),
            q('baseline', 'comma-separated baseline uuids (with uuid)'),
            q('filter_changepoints', '"true": only change point rows'),
            q('lookback', 'e.g. 15d, 12h'),
            q('convert_tinyurl', "accepted for Orion's clients; ignored"),
            q('record', RECORD_FIELD.description!, { type: 'boolean', default: false }),
          ],
          responses: { '200': json(ref('AnalysisResult'), 'rows per test'), ...READ_ERRORS, '403': error('record with a token of another scope than ingest/admin'), '404': error('no such config, or no --config-dir'), '501': error('analysis unavailable in this build') },
        },
      },
      '/daemon/options': { get: { summary: 'configs available in --config-dir', tags: ['analysis', 'orion'], security: READ, responses: { '200': json({ type: 'object', properties: { options: { type: 'array', items: { type: 'string' } } } }, 'config names'), ...READ_ERRORS } } },
      '/api/v1/series': {
        get: {
          summary: 'one series of a config test and metric: points with run uuid, timestamp, value, build URL and change points',
          tags: ['analysis'],
          security: READ,
          parameters: [q('config', 'config name in --config-dir', { type: 'string' }, true), q('test', 'test name in the config', { type: 'string' }, true), q('metric', 'metric column name', { type: 'string' }, true), q('version', 'template variable version'), q('lookback', 'e.g. 15d'), SINCE],
          responses: { '200': json(OBJ, 'the series'), ...READ_ERRORS, '404': error('no such config, test or metric'), '501': error('analysis unavailable in this build') },
        },
      },
      '/api/v1/runs': {
        get: {
          summary: 'runs in time order (newest last); pages go back in time',
          tags: ['runs'],
          security: READ,
          parameters: [
            { ...q('where', 'metadata filter key=value (repeatable; dotted keys reach nested fields)'), explode: true, style: 'form' },
            q('meta.KEY', 'metadata filter KEY=value (any key after "meta.")'),
            SINCE, UNTIL, q('collection', 'only runs of this metadata collection'), LIMIT(100), OFFSET,
          ],
          responses: { '200': json({ type: 'object', properties: { runs: { type: 'array', items: ref('Run') }, limit: { type: 'integer' }, offset: { type: 'integer' }, nextOffset: { type: ['number', 'null'] } } }, 'a page of runs'), ...READ_ERRORS },
        },
      },
      '/api/v1/runs/{uuid}': { get: { summary: 'one run with its document counts per collection', tags: ['runs'], security: READ, parameters: [path('uuid', 'the run id')], responses: { '200': json(ref('Run'), 'the run'), ...READ_ERRORS, '404': error('no such run') } } },
      '/api/v1/experiments': { get: { summary: 'experiment campaigns (seed 003) with tests planned, done, passed, failed, remaining, the current test and the last failures', tags: ['experiments'], security: READ, responses: { '200': json({ type: 'object', properties: { experiments: { type: 'array', items: ref('Experiment') } } }, 'the experiments by name'), ...READ_ERRORS } } },
      '/api/v1/experiments/{name}': { get: { summary: "one experiment with every attempt (the ESS rows: start/end ms, test name, pings, SSH checks, end status, attempt, QoS settings, comments, run uuid)", tags: ['experiments'], security: READ, parameters: [path('name', 'the experiment_name')], responses: { '200': json({ type: 'object', properties: { attempts: { type: 'array', items: OBJ } }, additionalProperties: true, description: 'the Experiment fields plus attempts' }, 'the experiment'), ...READ_ERRORS, '404': error('no such experiment') } } },
      '/api/v1/runs/{uuid}/subunit': { get: { summary: 'a stored test run as a subunit v2 stream (sql2subunit)', tags: ['tests'], security: READ, parameters: [path('uuid', 'the run id')], responses: { '200': { description: 'subunit v2', content: { 'application/vnd.subunit.v2': { schema: { type: 'string', format: 'binary' } } } }, ...READ_ERRORS, '404': error('no such run') } } },
      '/api/v1/reports': {
        get: {
          summary: 'run reports (seed 002: results, Prometheus metrics, links per run), newest run last; pages go back in time',
          tags: ['reports'],
          security: READ,
          parameters: [q('cluster', 'only this cluster'), q('since', 'runs from this time on (YYYY-MM-DD or ISO time)', { type: 'string', format: 'date-time' }), UNTIL, LIMIT(100), OFFSET],
          responses: { '200': json({ type: 'object', properties: { reports: { type: 'array', items: ref('ReportSummary') }, limit: { type: 'integer' }, offset: { type: 'integer' }, nextOffset: { type: ['number', 'null'] } } }, 'a page of report summaries'), ...READ_ERRORS },
        },
      },
      '/api/v1/reports/{uuid}': { get: { summary: 'the report document of one run', tags: ['reports'], security: READ, parameters: [path('uuid', 'the run id')], responses: { '200': json(ref('Report'), 'the report'), ...READ_ERRORS, '404': error('no report for that run') } } },
      '/api/v1/regressions': {
        get: {
          summary: 'regressions found by analyses, newest first',
          tags: ['regressions'],
          security: READ,
          parameters: [q('status', 'lifecycle state', { type: 'string', enum: ['open', 'acknowledged', 'resolved'] }), q('test', 'test name'), q('metric', 'metric name'), LIMIT(100), OFFSET],
          responses: { '200': json(list('regressions'), 'a page of regressions'), ...READ_ERRORS },
        },
      },
      '/api/v1/regressions/{id}/ack': {
        post: {
          summary: 'acknowledge a regression (stored in acks; later analyses from CLI and API honour it)',
          tags: ['regressions'],
          security: needs('ack'),
          parameters: [path('id', 'the regression id')],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } }, additionalProperties: false, description: "who acknowledged is the token's name; a body's `by` is refused" } } } },
          responses: { '200': json(OBJ, 'the regression and the ack'), '400': error('no reason, bad id'), ...WRITE_ERRORS, '404': error('no such regression'), '409': error('the regression is resolved') },
        },
      },
      // Alerts (issue 15): watches, channels, lifecycle, the outbox.
      '/api/v1/watches': {
        get: { summary: 'watches: named analyses run after every ingest that writes runs', tags: ['alerts'], security: READ, responses: { '200': json(list('watches'), 'the watches'), ...READ_ERRORS } },
        post: { summary: 'add a watch {name, config (Orion YAML), options, channels}', tags: ['alerts'], security: needs('admin'), requestBody: { required: true, content: { 'application/json': { schema: OBJ } } }, responses: { '201': json(OBJ, 'the watch'), '400': error('bad config, options or unknown channel'), ...WRITE_ERRORS } },
      },
      '/api/v1/watches/{name}': { delete: { summary: 'remove a watch (its pending notifications are still delivered)', tags: ['alerts'], security: needs('admin'), parameters: [path('name', 'watch name')], responses: { '200': json(OBJ, 'removed'), ...WRITE_ERRORS, '404': error('no such watch') } } },
      '/api/v1/channels': {
        get: { summary: 'notification channels (secrets hidden)', tags: ['alerts'], security: READ, responses: { '200': json(list('channels'), 'the channels'), ...READ_ERRORS } },
        post: { summary: 'add a channel {name, kind: webhook|slack|email, settings, routes}; checked when saved', tags: ['alerts'], security: needs('admin'), requestBody: { required: true, content: { 'application/json': { schema: OBJ } } }, responses: { '201': json(OBJ, 'the channel'), '400': error('bad URL, missing secret, bad address…'), ...WRITE_ERRORS } },
      },
      '/api/v1/channels/{name}': { delete: { summary: 'remove a channel no watch uses', tags: ['alerts'], security: needs('admin'), parameters: [path('name', 'channel name')], responses: { '200': json(OBJ, 'removed'), ...WRITE_ERRORS, '404': error('no such channel') } } },
      '/api/v1/regressions/{id}/resolve': { post: { summary: 'resolve a regression by hand {reason}', tags: ['regressions'], security: needs('ack'), parameters: [path('id', 'the regression id')], requestBody: { required: true, content: { 'application/json': { schema: OBJ } } }, responses: { '200': json(OBJ, 'the regression'), ...WRITE_ERRORS, '404': error('no such regression') } } },
      '/api/v1/silences': { post: { summary: 'silence new regressions of a metric {metric, test?, for: "7d", reason}', tags: ['regressions'], security: needs('ack'), requestBody: { required: true, content: { 'application/json': { schema: OBJ } } }, responses: { '201': json(OBJ, 'the silence'), ...WRITE_ERRORS } } },
      '/api/v1/notify/status': { get: { summary: 'notifications pending, delivered, failed', tags: ['alerts'], security: READ, responses: { '200': json(OBJ, 'counts'), ...READ_ERRORS } } },
      '/api/v1/regressions/{id}/unack': {
        post: {
          summary: 'un-acknowledge a regression: its acks rows go (later analyses report it again) and it is open again; the reason and who are logged and answered, not stored',
          tags: ['regressions'],
          security: needs('ack'),
          parameters: [path('id', 'the regression id')],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } }, additionalProperties: false } } } },
          responses: { '200': json(OBJ, 'the regression and the un-ack'), '400': error('no reason, bad id'), ...WRITE_ERRORS, '404': error('no such regression'), '409': error('the regression is not acknowledged') },
        },
      },
      '/api/v1/ingest/{format}': {
        post: {
          summary: 'ingest a result file streamed as the body, one transaction per run',
          description: 'The body is what `perfhound ingest <format>` reads; any content type. Options are the CLI flags as query parameters (kebab-case or camelCase).',
          tags: ['ingest'],
          security: needs('ingest'),
          parameters: [{ name: 'format', in: 'path', required: true, description: 'input format', schema: { type: 'string', enum: ['bulk', 'kube-burner', 'csv', 'json', 'subunit', 'junit'] } }, ...INGEST_PARAMS],
          requestBody: { required: true, content: { '*/*': { schema: { type: 'string', format: 'binary' } } } },
          responses: {
            '200': json(ref('IngestReport'), 'every run written'),
            '400': json({ type: 'object', properties: { error: { type: 'string' }, report: ref('IngestReport') } }, 'a run or line was refused (named with its line); the report says what was still written'),
            ...WRITE_ERRORS,
            '404': error('unknown format'),
            '413': error("body over the ingest limit, or the daemon's upload space for all uploads in flight is full"),
          },
        },
      },
      '/api/v1/tokens': {
        get: { summary: 'API tokens (never their secrets)', tags: ['admin'], security: needs('admin'), responses: { '200': json(list('tokens'), 'tokens'), ...WRITE_ERRORS } },
        post: {
          summary: 'create a token; the answer holds the secret, shown this once',
          tags: ['admin'],
          security: needs('admin'),
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['name', 'scope'], properties: { name: { type: 'string' }, scope: { type: 'string', enum: ['ingest', 'ack', 'admin'] } } } } } },
          responses: { '201': json(OBJ, 'the token (with `token`, the secret)'), '400': error('bad name or scope, or a valid token of that name exists'), ...WRITE_ERRORS },
        },
      },
      '/api/v1/tokens/{name}/revoke': { post: { summary: 'revoke a valid token by name (a name is never read as an id)', tags: ['admin'], security: needs('admin'), parameters: [path('name', 'token name')], responses: { '200': json(OBJ, 'the revoked token'), ...WRITE_ERRORS, '404': error('no valid token of that name') } } },
      '/api/v1/tests/runs-by-key': { get: { summary: 'test runs grouped by a metadata key per time bucket (pass/fail counts, run times)', tags: ['tests'], security: READ, parameters: [q('key', 'metadata key', { type: 'string' }, true), q('resolution', 'bucket size', { type: 'string', enum: ['sec', 'min', 'hour', 'day'], default: 'day' }), SINCE, UNTIL], responses: { '200': json(list('buckets'), 'buckets'), ...READ_ERRORS } } },
      '/api/v1/tests/history': { get: { summary: 'status history and run time trend of one test', tags: ['tests'], security: READ, parameters: [q('test', 'test id', { type: 'string' }, true), q('window', 'rolling window of the trend', { type: 'integer' }), META, SINCE, UNTIL], responses: { '200': json({ type: 'object', properties: { results: { type: 'array', items: OBJ }, trend: { type: 'array', items: OBJ } } }, 'history'), ...READ_ERRORS } } },
      '/api/v1/tests/rates': { get: { summary: 'pass/fail/skip counts and failure rate per test', tags: ['tests'], security: READ, parameters: [META, SINCE, UNTIL], responses: { '200': json(list('tests'), 'tests'), ...READ_ERRORS } } },
      '/api/v1/tests/never-failed': { get: { summary: 'tests that passed and never failed', tags: ['tests'], security: READ, parameters: [META, SINCE, UNTIL], responses: { '200': json(list('tests'), 'tests'), ...READ_ERRORS } } },
      '/api/v1/tests/slowest': { get: { summary: 'slowest tests by mean successful duration', tags: ['tests'], security: READ, parameters: [LIMIT(10), META, SINCE, UNTIL], responses: { '200': json(list('tests'), 'tests'), ...READ_ERRORS } } },
      '/api/v1/tests/flaky': { get: { summary: 'tests that both passed and failed for one value of a metadata key', tags: ['tests'], security: READ, parameters: [q('key', 'metadata key', { type: 'string' }, true), SINCE, UNTIL], responses: { '200': json(list('tests'), 'tests'), ...READ_ERRORS } } },
      '/api/v1/tests/failed-runs': { get: { summary: 'latest runs with failures per value of a metadata key', tags: ['tests'], security: READ, parameters: [q('key', 'metadata key', { type: 'string' }, true), q('value', 'only this value'), LIMIT(10)], responses: { '200': json(list('runs'), 'runs'), ...READ_ERRORS } } },
      '/api/v1/tests/timing': {
        get: {
          summary: 'mean test durations for schedulers: JSON, a subunit v2 stream, or a partition into workers',
          tags: ['tests'],
          security: READ,
          parameters: [q('format', 'json or subunit', { type: 'string', enum: ['json', 'subunit'], default: 'json' }), q('workers', 'partition the tests into this many workers', { type: 'integer' }), q('test', 'tests to partition (repeatable; default all)'), META, SINCE, UNTIL],
          responses: { '200': { description: 'durations', content: { 'application/json': { schema: OBJ }, 'application/vnd.subunit.v2': { schema: { type: 'string', format: 'binary' } } } }, ...READ_ERRORS },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from `perfhound token create --scope ingest|ack|admin` (admin may do everything)' } },
      schemas: {
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, place: { type: 'object', additionalProperties: true }, problems: { type: 'array', items: OBJ }, requestId: { type: 'string' } } },
        Run: {
          type: 'object',
          properties: {
            uuid: { type: 'string' }, timestamp: { type: 'string', format: 'date-time' }, timestampMs: { type: 'integer' }, buildUrl: { type: ['string', 'null'] },
            version: { type: ['string', 'null'] }, status: { type: ['string', 'null'] }, source: { type: 'string' }, collection: { type: 'string' }, metadata: OBJ,
          },
          additionalProperties: true,
        },
        Experiment: {
          type: 'object',
          properties: {
            name: { type: 'string' }, status: { type: 'string', enum: ['running', 'stopped', 'completed', 'interrupted', 'failed'] }, plannedTests: { type: ['number', 'null'] },
            testsDone: { type: 'integer' }, testsPassed: { type: 'integer' }, testsFailed: { type: 'integer' }, remaining: { type: ['number', 'null'] }, attempts: { type: 'integer' },
            currentTest: { type: ['string', 'null'] }, lastFailures: { type: 'array', items: OBJ }, createdMs: { type: 'integer' }, updatedMs: { type: 'integer' },
          },
        },
        IngestReport: {
          type: 'object',
          properties: {
            file: { type: 'string' }, format: { type: 'string' },
            runs: { type: 'array', items: { type: 'object', properties: { uuid: { type: 'string' }, outcome: { type: 'string', enum: ['created', 'replaced', 'failed'] }, documents: { type: 'integer' }, error: { type: 'string' } } } },
            errors: { type: 'array', items: { type: 'string' } },
          },
        },
        ReportSummary: {
          type: 'object',
          properties: { uuid: { type: 'string' }, cluster: { type: ['string', 'null'] }, reportType: { type: ['string', 'null'] }, timestamp: { type: 'string', format: 'date-time' }, generatedAt: { type: 'string', format: 'date-time' }, warnings: { type: 'integer' } },
        },
        Report: {
          type: 'object',
          description: 'metrics: profile → query → group → aggregation (avg, max, min, p50, p95, p99, last) → value; warnings: {name, message} per failed or empty query or bad run field',
          properties: {
            uuid: { type: 'string' }, report_type: { type: ['string', 'null'] }, generated_at: { type: 'string', format: 'date-time' },
            openshift_cluster_name: { type: ['string', 'null'] }, openshift_cluster_version: { type: ['string', 'null'] }, openshift_network_type: { type: ['string', 'null'] }, openshift_platform: { type: ['string', 'null'] },
            metadata: OBJ, results: OBJ, metrics: OBJ, links: { type: 'object', additionalProperties: { type: 'string' } },
            warnings: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
        AnalysisResult: {
          type: 'object',
          description: 'test name → rows {uuid, timestamp, buildUrl, metrics: {column: {value, percentage_change}}, is_changepoint}',
          additionalProperties: { type: 'array', items: OBJ },
        },
      },
    },
  };
}
