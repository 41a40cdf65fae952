import type { FastifyInstance } from 'fastify';
import { createToken, listTokens, parseScope, revokeToken } from '../../auth/tokens.js';
import type { Store } from '../../store/connect.js';
import { UserError } from '../../util/errors.js';

/** Admin routes: tokens created, listed and revoked through any daemon (the first admin token comes from the CLI). */
export function tokensRoutes(app: FastifyInstance, store: Store): void {
  const admin = { config: { access: 'admin' as const } };

  app.get('/api/v1/tokens', admin, async () => ({ tokens: await listTokens(store.db) }));

  app.post('/api/v1/tokens', admin, async (request, reply) => {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new UserError('the body must be a JSON object {"name": …, "scope": …}', { field: 'body' });
    const { name, scope } = body as { name?: unknown; scope?: unknown };
    if (typeof name !== 'string') throw new UserError('name is required (a string)', { field: 'name' });
    if (typeof scope !== 'string') throw new UserError('scope is required: ingest, ack or admin', { field: 'scope' });
    const created = await createToken(store.db, { name, scope: parseScope(scope) });
    return reply.code(201).send({ ...created.info, token: created.token });
  });

  app.post('/api/v1/tokens/:name/revoke', admin, async (request) => {
    const { name } = request.params as { name: string };
    return revokeToken(store.db, { name });
  });
}
