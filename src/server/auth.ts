import type { FastifyReply, FastifyRequest } from 'fastify';
import { findToken, scopeAllows, type TokenInfo, type TokenScope } from '../auth/tokens.js';
import type { Store } from '../store/connect.js';
import { UserError } from '../util/errors.js';

/**
 * Who may call a route: `public` (health, metrics, the OpenAPI document), `read` (public with
 * `--read-public`, else a token of any scope), or a token scope (admin may do everything).
 */
export type Access = 'public' | 'read' | TokenScope;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** The caller's token, when one was presented and is valid. */
    token?: TokenInfo;
  }
}

export interface AuthOptions {
  store: Store;
  readPublic: boolean;
}

/**
 * An onRequest hook: runs before the body is read, so an unauthenticated upload is refused without
 * reading it. Tokens are looked up in the store on every request (see src/auth/tokens.ts for why).
 */
export function authHook(options: AuthOptions) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const access: Access = request.routeOptions.config.access ?? 'read';
    // An unknown route answers 404 to anyone: it reveals nothing.
    if (access === 'public' || request.is404) return;
    const header = request.headers.authorization;
    if (header === undefined) {
      if (access === 'read' && options.readPublic) return;
      return deny(reply, 401, 'this route needs "Authorization: Bearer <token>"');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return deny(reply, 401, 'the Authorization header must be "Bearer <token>"');
    const token = await findToken(options.store.db, match[1]);
    if (!token) return deny(reply, 401, 'the token is unknown or revoked');
    request.token = token;
    if (access !== 'read' && !scopeAllows(token.scope, access)) {
      return deny(reply, 403, `this route needs a token of scope ${access} (this one has scope ${token.scope})`);
    }
  };
}

/**
 * For what a route does only on request (an analysis that records its regressions): 401 without a
 * token, 403 when its scope does not allow `scope`. The route's own access was checked by the hook.
 */
export function requireScope(request: FastifyRequest, scope: TokenScope, what: string): void {
  if (!request.token) throw new UserError(`${what} needs "Authorization: Bearer <token>" of scope ${scope}`, { field: 'authorization' }, 401);
  if (!scopeAllows(request.token.scope, scope)) {
    throw new UserError(`${what} needs a token of scope ${scope} (this one has scope ${request.token.scope})`, { field: 'authorization' }, 403);
  }
}

async function deny(reply: FastifyReply, status: 401 | 403, message: string): Promise<void> {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="perfhound"');
  await reply.code(status).send({ error: message });
}
