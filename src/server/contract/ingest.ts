import { z } from 'zod';
import { ErrorBody } from './fields.js';
import { error, json, route } from './route.js';

export const IngestReport = z
  .object({
    file: z.string(),
    format: z.string(),
    runs: z.array(z.object({ uuid: z.string(), outcome: z.enum(['created', 'replaced', 'failed']), documents: z.number().int(), error: z.string().optional() })),
    errors: z.array(z.string()),
  })
  .meta({ id: 'IngestReport' });

const opt = (description: string) => z.union([z.string(), z.array(z.string())]).optional().meta({ type: 'string', description });

/**
 * The CLI's options as query parameters (kebab-case or camelCase). Which a format reads is checked by the
 * route (src/ingest/formats.ts is the table), so the object lets others through to it.
 */
const IngestQuery = z.looseObject({
  'run-meta': opt('key=value metadata added to every run (repeatable)'),
  'metadata-collection': opt('bulk: collections whose documents are runs (repeatable)'),
  'uuid-field': opt('bulk: run id fields tried in order (repeatable)'),
  'timestamp-field': opt('bulk: time field of metadata documents (default timestamp)'),
  'version-field': opt('bulk/kube-burner/json: version field (default ocpVersion)'),
  collection: opt('kube-burner/csv/json/subunit/junit: collection of the documents'),
  'run-collection': opt('kube-burner/csv/json: collection of the runs'),
  'time-column': opt('csv: the time column (default time)'),
  metric: opt('csv: a metric column (repeatable)'),
  attribute: opt('csv: an attribute column (repeatable)'),
  'uuid-column': opt('csv: the run id column'),
  delimiter: opt('csv: field delimiter (default ,)'),
  'run-id': opt("subunit/junit: the run's public id"),
  'run-at': opt('subunit/junit: when the run happened (ISO time)'),
  artifacts: opt("subunit/junit: URL of the run's logs"),
  'use-run-wall-time': opt('subunit/junit: run_time = wall time (true/false)'),
  'attr-regex': opt('subunit/junit: attrs in test ids (default \\[(.*)\\])'),
  'test-attr-prefix': opt('subunit/junit: attrs with this prefix become test metadata'),
  'remove-test-attr-prefix': opt('subunit/junit: strip that prefix (true/false)'),
  'store-attachments': opt('subunit/junit: store attachments (true/false)'),
  'non-subunit-name': opt('subunit: keep non-subunit bytes as a file of this name'),
  lenient: opt('subunit/junit: keep the good part of a damaged stream (true/false)'),
  'subunit-version': opt('subunit: auto, 1 or 2'),
  'allow-empty': opt('accept a body without records (refused otherwise; true/false)'),
  replace: opt('rewrite a run the other kind of ingest wrote (benchmark ↔ test results; true/false)'),
});

export const ingest = route('POST', '/api/v1/ingest/:format', 'ingest', {
  summary: 'ingest a result file streamed as the body; each run is written whole or not at all',
  description: 'The body is what `perfhound ingest <format>` reads; any content type. Options are the CLI flags as query parameters (kebab-case or camelCase).',
  tags: ['ingest'],
  params: z.strictObject({ format: z.string().meta({ description: 'input format: bulk, kube-burner, csv, json, subunit or junit' }) }),
  querystring: IngestQuery,
  response: {
    200: json(IngestReport, 'every run written'),
    400: json(z.union([z.object({ error: z.string(), report: IngestReport }), ErrorBody]), 'a run or line was refused (named with its line; the report says what was still written), or a bad option'),
    404: error('unknown format'),
    413: error("body over the ingest limit, or the daemon's upload space for all uploads in flight is full"),
  },
});
