import { UserError } from '../util/errors.js';
import { redactUrl } from '../util/redact.js';

export type DialectName = 'sqlite' | 'postgres' | 'mysql';

export interface StoreLocation {
  dialect: DialectName;
  /** File path for SQLite (':memory:' allowed); the connection URL otherwise. */
  target: string;
  /** The URL with any password replaced by `***`, for messages and logs. */
  display: string;
}

export const DEFAULT_DB_URL = 'sqlite:./perfhound.db';

/**
 * Reads a database URL: `sqlite:PATH` (also `sqlite://PATH`, or a bare path ending in .db/.sqlite),
 * `postgres://…` / `postgresql://…`, `mysql://…` / `mariadb://…`.
 *
 * @example
 * parseStoreUrl('sqlite:/tmp/x.db') // → { dialect: 'sqlite', target: '/tmp/x.db', … }
 */
export function parseStoreUrl(url: string): StoreLocation {
  const trimmed = url.trim();
  if (trimmed.startsWith('sqlite:')) {
    const path = trimmed.slice('sqlite:'.length).replace(/^\/\/(?=\/|\.|:memory:)/, '');
    if (!path) throw new UserError(`database URL "${url}" has no file path (use sqlite:PATH)`, { field: 'db' });
    return { dialect: 'sqlite', target: path, display: `sqlite:${path}` };
  }
  if (/^postgres(ql)?:\/\//.test(trimmed)) {
    return { dialect: 'postgres', target: trimmed, display: redactUrl(trimmed) };
  }
  if (/^(mysql|mariadb):\/\//.test(trimmed)) {
    return { dialect: 'mysql', target: trimmed.replace(/^mariadb:/, 'mysql:'), display: redactUrl(trimmed) };
  }
  if (/\.(db|sqlite3?)$/.test(trimmed) && !trimmed.includes('://')) {
    return { dialect: 'sqlite', target: trimmed, display: `sqlite:${trimmed}` };
  }
  throw new UserError(
    `unsupported database URL "${redactUrl(trimmed)}" (expected sqlite:PATH, postgres://… or mysql://…)`,
    { field: 'db' },
  );
}

/** The store the command names: `--db`, else `$PERFHOUND_DB`, else the default SQLite file. */
export function resolveDbUrl(flag?: string): string {
  return flag ?? process.env.PERFHOUND_DB ?? DEFAULT_DB_URL;
}
