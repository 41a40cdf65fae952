import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { openapi } from './contract/ops.js';

const DESCRIPTION =
  'Change point analysis, runs, series, regressions, ingestion and test analytics over the perfhound store. ' +
  'Errors are {"error": message, "place": {...}} in the caller\'s terms (no server paths, no database details); ' +
  '5xx answers are {"error", "requestId"}, the id the server log carries (also the x-request-id header of every answer). ' +
  'Unknown query parameters and body fields are refused (400), numbers are plain decimal text. ' +
  'JSON bodies are at most 64 levels deep. Reads need a token of any scope unless the daemon runs with --read-public; ' +
  'reads never write (analyses record regressions only with record=true and a token of scope ingest). See docs/security.md.';

/**
 * The OpenAPI 3.1 document, written by @fastify/swagger from the route declarations (src/server/contract/):
 * their zod schemas become the parameters, bodies and answers, shared schemas (`.meta({ id })`) become
 * `components.schemas`. Registered before any route, as it collects them when they are added.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'perfhound daemon', version: '1', description: DESCRIPTION },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'a token from `perfhound token create --scope ingest|ack|admin` (admin may do everything)' } },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: (document) => withoutUnusedSchemas(jsonSchemaTransformObject(document)),
  });
}


/**
 * The transform writes every named schema twice (as read and as written: `Run`, `RunInput`); only those
 * the paths refer to, directly or through each other, stay.
 */
function withoutUnusedSchemas<T extends ReturnType<typeof jsonSchemaTransformObject>>(document: T): T {
  // An OpenAPI 3 document (the Swagger 2 type of the union has no components).
  const doc = document as { paths?: unknown; components?: { schemas?: Record<string, unknown> } };
  const schemas = doc.components?.schemas ?? {};
  const used = new Set<string>();
  let frontier = JSON.stringify(doc.paths ?? {});
  for (;;) {
    const found = [...frontier.matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]).filter((name) => !used.has(name) && name in schemas);
    if (!found.length) break;
    for (const name of found) used.add(name);
    frontier = JSON.stringify(found.map((name) => schemas[name]));
  }
  return { ...doc, components: { ...doc.components, schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name))) } } as T;
}

/** `GET /openapi.json`: the document, built once (the routes do not change after start). */
export function serveOpenApi(app: FastifyInstance): void {
  let doc: Record<string, unknown> | undefined;
  app.withTypeProvider<ZodTypeProvider>().route({
    ...openapi,
    handler: async () => (doc ??= app.swagger() as unknown as Record<string, unknown>),
  });
}
