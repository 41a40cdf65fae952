import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { NotFoundError, UserError } from '../util/errors.js';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * API tokens of the daemon. A token is shown once when created; the store keeps only its SHA-256, so a
 * leaked database does not leak tokens. Every check reads the table (no cache in the process), so a token
 * created or revoked through one daemon is honoured at once by every other daemon on the same database.
 *
 * @example
 * const { token } = await createToken(store.db, { name: 'ci', scope: 'ingest' });
 * const info = await findToken(store.db, token);   // → { name: 'ci', scope: 'ingest', … }
 */
export type TokenScope = 'ingest' | 'ack' | 'admin';
export const TOKEN_SCOPES: readonly TokenScope[] = ['ingest', 'ack', 'admin'];

export interface TokenInfo {
  id: number;
  name: string;
  scope: TokenScope;
  created: string;
  /** When it was revoked; null while it is valid. */
  revoked: string | null;
}

/** Token prefix: makes perfhound tokens recognisable to secret scanners and people. */
const PREFIX = 'phk_';

export function parseScope(value: string): TokenScope {
  if (!(TOKEN_SCOPES as readonly string[]).includes(value)) {
    throw new UserError(`scope must be one of ${TOKEN_SCOPES.join(', ')} (got "${value}")`, { field: 'scope' });
  }
  return value as TokenScope;
}

/** Whether a token of scope `granted` may do what needs `needed`: admin may do everything. */
export function scopeAllows(granted: TokenScope, needed: TokenScope): boolean {
  return granted === needed || granted === 'admin';
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Creates a token; the returned `token` is the only time its secret exists outside the caller. */
export async function createToken(db: Db, request: { name: string; scope: TokenScope }): Promise<{ token: string; info: TokenInfo }> {
  const name = request.name.trim();
  if (!name) throw new UserError('a token needs a name', { field: 'name' });
  if (name.length > 255) throw new UserError('a token name has at most 255 characters', { field: 'name' });
  const active = await db.selectFrom('api_tokens').select('id').where('name', '=', name).where('revoked_ms', 'is', null).executeTakeFirst();
  if (active) throw new UserError(`a valid token named "${name}" exists already (revoke it first)`, { field: 'name' });
  const token = PREFIX + randomBytes(32).toString('base64url');
  const createdMs = Date.now();
  await db.insertInto('api_tokens').values({ name, scope: request.scope, token_hash: hashToken(token), created_ms: createdMs, revoked_ms: null }).execute();
  const row = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow();
  return { token, info: toInfo(row) };
}

/** Every token, valid and revoked, oldest first (never the secrets: they are not stored). */
export async function listTokens(db: Db): Promise<TokenInfo[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created_ms').orderBy('id').execute();
  return rows.map(toInfo);
}

/** Which token: by its name, or by its id (`token list` shows both). A name is never read as an id. */
export type TokenRef = { name: string } | { id: number };

/** Revokes the valid token of that name, or of that id; returns what was revoked. */
export async function revokeToken(db: Db, ref: TokenRef): Promise<TokenInfo> {
  const q = db.selectFrom('api_tokens').selectAll().where('revoked_ms', 'is', null);
  const row = await ('id' in ref ? q.where('id', '=', ref.id) : q.where('name', '=', ref.name)).executeTakeFirst();
  if (!row) {
    throw 'id' in ref
      ? new NotFoundError(`no valid token with id ${ref.id}`, { field: 'id' })
      : new NotFoundError(`no valid token named "${ref.name}"`, { field: 'name' });
  }
  const revokedMs = Date.now();
  await db.updateTable('api_tokens').set({ revoked_ms: revokedMs }).where('id', '=', row.id).execute();
  return toInfo({ ...row, revoked_ms: revokedMs });
}

/** The valid (not revoked) token with this secret, if any. */
export async function findToken(db: Db, token: string): Promise<TokenInfo | undefined> {
  if (!token.startsWith(PREFIX) || token.length > 200) return undefined;
  const row = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hashToken(token)).where('revoked_ms', 'is', null).executeTakeFirst();
  return row ? toInfo(row) : undefined;
}

function toInfo(row: { id: number; name: string; scope: string; created_ms: number; revoked_ms: number | null }): TokenInfo {
  return {
    id: Number(row.id),
    name: row.name,
    scope: row.scope as TokenScope,
    created: new Date(Number(row.created_ms)).toISOString(),
    revoked: row.revoked_ms === null ? null : new Date(Number(row.revoked_ms)).toISOString(),
  };
}
