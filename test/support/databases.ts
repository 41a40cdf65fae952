/**
 * Fresh databases for tests, one per test file and dialect: a temp SQLite file, a new PostgreSQL database
 * on 127.0.0.1:5432, a new MariaDB database on 127.0.0.1:3306. The servers must be running — a missing
 * server fails the suite (it is never skipped).
 *
 * @example
 * for (const dialect of DIALECTS) {
 *   describe(dialect, () => {
 *     const db = useTestDatabase(dialect);      // db.url is ready in beforeAll, dropped in afterAll
 *     it('…', async () => { const store = await openStore(db.url); … });
 *   });
 * }
 */
import { afterAll, beforeAll } from 'vitest';
import type { DialectName } from '../../src/store/url.js';
import { createTestDatabase } from './create-database.js';

export { createTestDatabase };

export const DIALECTS: DialectName[] = ['sqlite', 'postgres', 'mysql'];


export interface TestDatabase {
  /** The store URL; valid between beforeAll and afterAll. */
  url: string;
}

export function useTestDatabase(dialect: DialectName): TestDatabase {
  const handle: TestDatabase = { url: '' };
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const created = await createTestDatabase(dialect);
    handle.url = created.url;
    drop = created.drop;
  });
  afterAll(async () => {
    await drop?.();
  });
  return handle;
}

