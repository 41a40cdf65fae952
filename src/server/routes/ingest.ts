import type { FastifyInstance } from 'fastify';
import { hasFailures } from '../../ingest/report.js';
import type { Store } from '../../store/connect.js';
import { UserError } from '../../util/errors.js';
import { HTTP_INGEST_FORMATS, INGEST_FORMAT_NAMES, ingestQuery } from '../ingest-formats.js';
import type { ServerMetrics } from '../metrics.js';
import type { Query } from '../params.js';
import { withSpooledBody } from '../spool.js';

/**
 * `POST /api/v1/ingest/{format}`: the body is the file `perfhound ingest <format>` would read, streamed
 * to a temporary file whatever its content type; options are query parameters. 200 with the ingest report
 * when every run was written; 400 naming the first bad place (file line, field) when a run or line was
 * refused — the report then says which runs were still written (one transaction per run).
 */
export function ingestRoutes(app: FastifyInstance, store: Store, metrics: ServerMetrics, limit: number): void {
  void app.register(async (scope) => {
    // Bodies are read as raw streams here, never parsed or buffered by Fastify.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    scope.post('/api/v1/ingest/:format', { config: { access: 'ingest' } }, async (request, reply) => {
      const name = (request.params as { format: string }).format;
      const format = HTTP_INGEST_FORMATS.find((f) => f.name === name);
      if (!format) throw new UserError(`unknown format "${name}" (known: ${INGEST_FORMAT_NAMES.join(', ')})`, { field: 'format' }, 404);
      const query = ingestQuery(format, request.query as Query);
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > limit) {
        throw new UserError(`the body is larger than the limit of ${limit} bytes`, { field: 'body' }, 413);
      }
      const report = await withSpooledBody(request.raw, limit, (path, size) => {
        if (size === 0) throw new UserError(`the body is empty (send the ${format.name} file as the request body)`, { field: 'body' });
        return format.ingest(store, path, query);
      });
      for (const outcome of ['created', 'replaced', 'failed'] as const) {
        metrics.observeIngest(format.name, outcome, report.runs.filter((r) => r.outcome === outcome).length);
      }
      if (!hasFailures(report)) return report;
      const first = report.runs.find((r) => r.outcome === 'failed')?.error ?? report.errors[0];
      return reply.code(400).send({ error: first, report });
    });
  });
}
