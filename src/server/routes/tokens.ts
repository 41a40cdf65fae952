import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { createToken, listTokens, revokeToken } from '../../auth/tokens.js';
import type { Store } from '../../store/connect.js';
import * as contract from '../contract/tokens.js';

/** Admin routes: tokens created, listed and revoked through any daemon (the first admin token comes from the CLI). */
export function tokensRoutes(app: FastifyInstance, store: Store): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.route({ ...contract.listTokens, handler: async () => ({ tokens: await listTokens(store.db) }) });
  r.route({
    ...contract.createToken,
    handler: async (request, reply) => {
      const created = await createToken(store.db, request.body);
      return reply.code(201).send({ ...created.info, token: created.token });
    },
  });
  r.route({ ...contract.revokeToken, handler: async (request) => revokeToken(store.db, { name: request.params.name }) });
}
