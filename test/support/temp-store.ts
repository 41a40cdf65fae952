import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openStore, type Store } from '../../src/store/connect.js';

/** A fresh SQLite store in a temp directory for the file's tests (the parsers' edges need no other dialect). */
export function useTempStore(prefix: string): { store: Store; dir: string } {
  const env = {} as { store: Store; dir: string };
  beforeAll(async () => {
    env.dir = mkdtempSync(join(tmpdir(), prefix));
    env.store = await openStore(`sqlite:${join(env.dir, 'db.sqlite')}`);
  });
  afterAll(async () => env.store.close());
  return env;
}
