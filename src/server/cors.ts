import type { FastifyInstance } from 'fastify';

/**
 * CORS, off unless `--cors-origin` names origins (exact `https://dash.example` or `*`). A browser page of
 * an allowed origin may call every route; its Authorization header is allowed through preflight.
 */
export function enableCors(app: FastifyInstance, origins: readonly string[]): void {
  if (!origins.length) return;
  const any = origins.includes('*');
  const allowed = (origin: string | undefined) => origin !== undefined && (any || origins.includes(origin));
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!allowed(origin)) return;
    reply.header('access-control-allow-origin', any ? '*' : origin);
    if (!any) reply.header('vary', 'Origin');
  });
  app.options('/*', { config: { access: 'public' } }, async (request, reply) => {
    if (!allowed(request.headers.origin)) return reply.code(403).send({ error: 'origin not allowed' });
    reply.header('access-control-allow-methods', 'GET, POST, OPTIONS');
    reply.header('access-control-allow-headers', 'Authorization, Content-Type');
    reply.header('access-control-max-age', '600');
    return reply.code(204).send();
  });
}
