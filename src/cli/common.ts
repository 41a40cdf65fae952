import type { Command } from 'commander';
import { openStore, resolveDbUrl, type Store } from '../store/connect.js';
import { UserError } from '../util/errors.js';
import { toJson } from '../util/json.js';

/** Adds `--db URL` (documented once, the same everywhere). */
export function addDbOption(cmd: Command): Command {
  return cmd.option('--db <url>', 'database: sqlite:PATH, postgres://…, mysql://… (default: $PERFHOUND_DB or sqlite:./perfhound.db)');
}

/** Opens the store the command's `--db` names, runs `fn`, always closes it. */
export async function withStore<T>(dbFlag: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(resolveDbUrl(dbFlag));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
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
