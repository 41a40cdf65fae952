import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Store } from '../store/connect.js';
import { parseStoreUrl, resolveDbUrl } from '../store/url.js';
import { UserError } from '../util/errors.js';
import { toJson } from '../util/json.js';

/** Adds `--db URL` (documented once, the same everywhere). */
export function addDbOption(cmd: Command): Command {
  return cmd.option('--db <url>', 'database: sqlite:PATH, postgres://…, mysql://… (default: $PERFHOUND_DB or sqlite:./perfhound.db)');
}

/**
 * Opens the store the command's `--db` names, runs `fn`, always closes it. The store's code (kysely, the
 * migrations) is loaded here, when a command opens it: `analyze --es-server` never does.
 */
export async function withStore<T>(dbFlag: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  const { openStore } = await import('../store/connect.js');
  const store = await openStore(resolveDbUrl(dbFlag));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/**
 * For commands that only read: a SQLite file that does not exist is "no database", not a new empty one
 * (opening would create and migrate it wherever the command happened to run).
 */
export function assertDatabaseExists(dbFlag: string | undefined): void {
  const location = parseStoreUrl(resolveDbUrl(dbFlag));
  if (location.dialect !== 'sqlite' || location.target === ':memory:' || existsSync(location.target)) return;
  throw new UserError(`there is no database at ${location.display} (ingest data first, or name yours with --db URL or $PERFHOUND_DB)`, { field: '--db' });
}

/** {@link withStore} for commands that only read: no database is an error, not a new empty one. */
export async function withExistingStore<T>(dbFlag: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  assertDatabaseExists(dbFlag);
  return withStore(dbFlag, fn);
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function printJson(value: unknown): void {
  process.stdout.write(toJson(value, 2) + '\n');
}

export function parseOutput<T extends string>(value: string, allowed: readonly T[], flag = '--output'): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UserError(`${flag} must be one of ${allowed.join(', ')} (got "${value}")`, { field: flag });
  }
  return value as T;
}

export { parseDate, parseInteger, parseNumber, parsePairs, parsePositiveInt } from '../util/params.js';
