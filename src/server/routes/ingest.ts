import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { INGEST_FORMAT_NAMES, REPEATABLE_INGEST_OPTIONS, findIngestFormat } from '../../ingest/formats.js';
import { hasFailures } from '../../ingest/report.js';
import type { Store } from '../../store/connect.js';
import { UserError } from '../../util/errors.js';
import type { CallerTerms } from '../caller-terms.js';
import type { ServerMetrics } from '../metrics.js';
import { ingest as declared } from '../contract/ingest.js';
import { camelKeys, rejectUnknown, single, type Query } from '../params.js';
import { withSpooledBody, type SpoolBudget } from '../spool.js';

/** Ingest reports and errors name the request body as the file. */
const LABEL = 'body';

export interface IngestLimits {
  /** Largest body, bytes. */
  limit: number;
  /** The upload space all ingests in flight share. */
  budget: SpoolBudget;
  /** Puts the report's messages in the caller's terms. */
  terms: CallerTerms;
  /** Called with the run ids an ingest wrote (the watches that read them run again). */
  afterWrite?: (uuids: string[]) => Promise<void>;
}

/**
 * `POST /api/v1/ingest/{format}`: the body is the file `perfhound ingest <format>` would read, streamed
 * to a temporary file whatever its content type; the CLI's options are query parameters (`run-meta=k=v`,
 * repeatable ones repeated; camelCase accepted). 200 with the ingest report when every run was written;
 * 400 naming the first bad place (line, field) when a run or line was refused — the report then says which
 * runs were still written (each run whole or not at all). Every message of the report is in the caller's
 * terms (no path of the daemon, nothing the database said; those go to the log).
 */
export function ingestRoutes(app: FastifyInstance, store: Store, metrics: ServerMetrics, { limit, budget, terms, afterWrite }: IngestLimits): void {
  void app.register(async (scope) => {
    // Bodies are read as raw streams here, never parsed or buffered by Fastify.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

    scope.withTypeProvider<ZodTypeProvider>().route({
      ...declared,
      handler: async (request, reply) => {
        const name = request.params.format;
        const format = findIngestFormat(name);
        if (!format) throw new UserError(`unknown format "${name}" (known: ${INGEST_FORMAT_NAMES.join(', ')})`, { field: 'format' }, 404);
        const query = camelKeys(request.query as Query);
        rejectUnknown(query, format.options);
        // A single-valued option given twice is a 400, not a silent pick.
        for (const key of Object.keys(query)) if (!REPEATABLE_INGEST_OPTIONS.includes(key)) single(query, key);
        const declared = Number(request.headers['content-length']);
        if (Number.isFinite(declared) && declared > limit) {
          throw new UserError(`the body is larger than the limit of ${limit} bytes`, { field: 'body' }, 413);
        }
        const report = await withSpooledBody(request.raw, limit, budget, (path, size) => {
          if (size === 0) throw new UserError(`the body is empty (send the ${format.name} file as the request body)`, { field: 'body' });
          return format.ingest(store, path, LABEL, query);
        });
        for (const outcome of ['created', 'replaced', 'failed'] as const) {
          metrics.observeIngest(format.name, outcome, report.runs.filter((r) => r.outcome === outcome).length);
        }
        const plain = (message: string): string => {
          const said = terms.text(message);
          if (said !== message) request.log.warn({ refusal: message }, 'ingest refusal (answered in other words)');
          return said;
        };
        const written = report.runs.filter((r) => r.outcome !== 'failed').map((r) => r.uuid);
        if (written.length && afterWrite) await afterWrite(written);
        report.file = LABEL;
        report.errors = report.errors.map(plain);
        for (const run of report.runs) if (run.error !== undefined) run.error = plain(run.error);
        if (!hasFailures(report)) return report;
        const first = report.runs.find((r) => r.outcome === 'failed')?.error ?? report.errors[0];
        return reply.code(400).send({ error: first, report });
      },
    });
  });
}
