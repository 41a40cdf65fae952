/**
 * The distinct collections of `runs`, by a loose index scan over `ix_runs_collection (collection,
 * timestamp_ms)`: one index probe per collection, so the cost follows the number of collections, not of
 * runs. `SELECT DISTINCT collection FROM runs` reads every run instead — 283 ms beside 110 000 runs on
 * PostgreSQL, in every analysis (`npm run bench -- scale`). Recursive CTEs are in all three dialects
 * (SQLite 3.8.3, PostgreSQL 8.4, MariaDB 10.2, MySQL 8).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

export async function runCollections(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ collection: string }>`
    WITH RECURSIVE c (collection) AS (
      SELECT MIN(collection) FROM runs
      UNION ALL
      SELECT (SELECT MIN(r.collection) FROM runs r WHERE r.collection > c.collection) FROM c WHERE c.collection IS NOT NULL
    )
    SELECT collection FROM c WHERE collection IS NOT NULL`.execute(db);
  return rows.map((r) => r.collection);
}
