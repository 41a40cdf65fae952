import { sql } from 'kysely';
import { UserError, errorMessage } from '../util/errors.js';
import type { Store } from './connect.js';

/**
 * Read-only database access for others (seed 004's "public read-only access to the DB"): a login role that
 * may SELECT every perfhound table and write none.
 *
 * - PostgreSQL: the role gets CONNECT on the database, USAGE on the store's schema, SELECT on every table of
 *   it, and — through ALTER DEFAULT PRIVILEGES of the granting user — SELECT on the tables later migrations
 *   create (so migrations must run as the user that ran this). Any write privilege it held on the schema's
 *   tables, and CREATE on the schema, are revoked.
 * - MariaDB/MySQL: `SELECT ON db.*`, which covers tables created later; any other privilege on the database
 *   is revoked first.
 * - SQLite has no roles: {@link SQLITE_READONLY_ADVICE} says what stands in for one.
 *
 * Role names are restricted to letters, digits and `_` (at most 63): they are spliced into DDL.
 *
 * @example
 * await grantReadOnly(store, { user: 'perfhound_ro', password: 's3cret' });
 */
export interface ReadOnlyGrant {
  user: string;
  /** Sets (or changes) the role's password; without it a new role has none and an existing one keeps its own. */
  password?: string;
}

export interface GrantResult {
  /** Whether the role was created (false: it existed and was updated). */
  created: boolean;
  /** Where the grant applies: the PostgreSQL schema or the MariaDB/MySQL database. */
  scope: string;
}

export const SQLITE_READONLY_ADVICE = `SQLite has no database roles: nothing was changed.
Read-only access to a SQLite store is a matter of files:
  - give readers read permission on the database file and not write permission
    (e.g. chmod 644 perfhound.db, owned by the user that ingests);
  - readers open it read-only: sqlite3 -readonly perfhound.db, or the URI file:perfhound.db?mode=ro
    (Python: sqlite3.connect("file:perfhound.db?mode=ro", uri=True));
  - the store runs in WAL mode: a reader that may not write the folder needs the -wal and -shm files to
    exist; to publish a file nobody writes, hand out a copy made with sqlite3 perfhound.db ".backup copy.db".
For shared read access over the network, use PostgreSQL or MariaDB and perfhound db grant-readonly.
`;

const ROLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export async function grantReadOnly(store: Store, grant: ReadOnlyGrant): Promise<GrantResult> {
  if (!ROLE_NAME.test(grant.user)) {
    throw new UserError(`role name "${grant.user}" must be letters, digits and _ (at most 63, not starting with a digit)`, { field: '--user' });
  }
  if (grant.password !== undefined && (grant.password === '' || grant.password.includes('\0'))) {
    throw new UserError('the password is empty or holds a NUL character', { field: '--password-file' });
  }
  try {
    if (store.dialect === 'postgres') return await grantPostgres(store, grant);
    if (store.dialect === 'mysql') return await grantMysql(store.db, grant);
  } catch (err) {
    if (err instanceof UserError) throw err;
    // The driver's message never holds the password: it is sent as a literal the server does not echo.
    throw new UserError(`granting read-only access to ${grant.user} on ${store.display} failed: ${withoutSecret(errorMessage(err), grant.password)}`, { field: 'db' });
  }
  throw new UserError(SQLITE_READONLY_ADVICE.split('\n')[0]!, { field: 'db' });
}

async function grantPostgres(store: Store, grant: ReadOnlyGrant): Promise<GrantResult> {
  return store.transaction(async (trx) => {
    const role = sql.id(grant.user);
    const { rows: where } = await sql<{ db: string; schema: string }>`select current_database() as db, current_schema() as schema`.execute(trx);
    const { db, schema } = where[0]!;
    const { rows: existing } = await sql`select 1 from pg_roles where rolname = ${grant.user}`.execute(trx);
    const password = grant.password === undefined ? sql`` : sql` password ${sql.raw(postgresLiteral(grant.password))}`;
    if (existing.length) await sql`alter role ${role} login${password}`.execute(trx);
    else await sql`create role ${role} login${password}`.execute(trx);
    const schemaId = sql.id(schema);
    await sql`grant connect on database ${sql.id(db)} to ${role}`.execute(trx);
    await sql`grant usage on schema ${schemaId} to ${role}`.execute(trx);
    await sql`revoke create on schema ${schemaId} from ${role}`.execute(trx);
    await sql`revoke insert, update, delete, truncate, references, trigger on all tables in schema ${schemaId} from ${role}`.execute(trx);
    await sql`grant select on all tables in schema ${schemaId} to ${role}`.execute(trx);
    await sql`alter default privileges in schema ${schemaId} revoke insert, update, delete, truncate, references, trigger on tables from ${role}`.execute(trx);
    await sql`alter default privileges in schema ${schemaId} grant select on tables to ${role}`.execute(trx);
    return { created: existing.length === 0, scope: `schema ${schema} of database ${db}` };
  });
}

async function grantMysql(db: Store['db'], grant: ReadOnlyGrant): Promise<GrantResult> {
  // DDL commits at once on MariaDB/MySQL: each statement stands alone, and running the command again
  // completes what a stopped run left. User and password go as parameters (mysql2 quotes them).
  const { rows: where } = await sql<{ db: string | null }>`select database() as db`.execute(db);
  const database = where[0]?.db;
  if (!database) throw new UserError('the database URL names no database', { field: 'db' });
  const { rows: existing } = await sql`select 1 from mysql.user where user = ${grant.user} and host = '%'`.execute(db);
  const identified = grant.password === undefined ? sql`` : sql` identified by ${grant.password}`;
  if (existing.length) {
    if (grant.password !== undefined) await sql`alter user ${grant.user}@'%'${identified}`.execute(db);
    try {
      await sql`revoke all privileges on ${sql.id(database)}.* from ${grant.user}@'%'`.execute(db);
    } catch (err) {
      // 1141: the user held no privilege on this database — nothing to revoke.
      if ((err as { errno?: number }).errno !== 1141) throw err;
    }
  } else {
    await sql`create user ${grant.user}@'%'${identified}`.execute(db);
  }
  await sql`grant select on ${sql.id(database)}.* to ${grant.user}@'%'`.execute(db);
  return { created: existing.length === 0, scope: `database ${database}` };
}

/** A PostgreSQL string literal (role passwords cannot be bound parameters), as pg's escapeLiteral writes it. */
export function postgresLiteral(value: string): string {
  const quoted = value.replace(/'/g, "''");
  return value.includes('\\') ? `E'${quoted.replace(/\\/g, '\\\\')}'` : `'${quoted}'`;
}

function withoutSecret(message: string, secret: string | undefined): string {
  return secret ? message.split(secret).join('***') : message;
}
