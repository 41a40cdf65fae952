/**
 * docs/schema.md against the migrated schema of every dialect: each table, column and named index is
 * documented and nothing documented is missing; and each example query runs on a store loaded with subunit
 * fixtures, answering from the data (the never-failed query is checked against the results it summarises).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/store/connect.js';
import type { DialectName } from '../../src/store/url.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';
import { runCli } from '../support/cli.js';
import { fixtureBytes } from '../test-results/support.js';
import { readGuide, sqlBlocks } from './markdown.js';

const guide = readGuide('schema.md');

const DIALECT_NAMES: Record<DialectName, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL', mysql: 'MariaDB' };

/** Whether a documented row holds on `dialect`: all of them, unless it says `(only on X, Y)`. */
function onDialect(line: string, dialect: DialectName | undefined): boolean {
  const only = /\(only on ([A-Za-z, ]+)\)/.exec(line);
  return !only || dialect === undefined || only[1]!.split(/,\s*/).includes(DIALECT_NAMES[dialect]);
}

/** FTS5 keeps a virtual table's index in tables of its own, named after it (SQLite). */
const FTS5_SHADOWS = ['data', 'idx', 'docsize', 'config', 'content'];

/** `### \`table\`` sections and the `| \`column\` |` rows under each (those of `dialect`, when given). */
function documentedTables(markdown: string, dialect?: DialectName): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^### `([a-z_]+)`\s*$/.exec(line);
    if (heading) tables.set(heading[1]!, (current = []));
    else if (line.startsWith('## ')) current = undefined;
    else if (current) {
      const row = /^\| `([a-z_]+)` \|/.exec(line);
      if (row && onDialect(line, dialect)) current.push(row[1]!);
    }
  }
  return tables;
}

function documentedIndexes(markdown: string, dialect?: DialectName): string[] {
  const section = markdown.slice(markdown.indexOf('## Indexes'), markdown.indexOf('## Example queries'));
  return [...section.matchAll(/^\| `((?:ix|uq)_[a-z_]+)` \|.*$/gm)].filter((m) => onDialect(m[0], dialect)).map((m) => m[1]!).sort();
}

async function namedIndexes(store: Store, dialect: DialectName): Promise<string[]> {
  if (dialect === 'sqlite') {
    // SQLite names a unique constraint's index sqlite_autoindex_…; its name is in the table's DDL.
    const { rows } = await sql<{ name: string; ddl: string | null }>`select name, sql as ddl from sqlite_master where type in ('index', 'table')`.execute(store.db);
    const names = rows.flatMap((r) => [r.name, ...[...(r.ddl ?? '').matchAll(/constraint "?([a-z_]+)"? unique/gi)].map((m) => m[1]!)]);
    return names.filter((n) => /^(ix|uq)_/.test(n)).sort();
  }
  const query =
    dialect === 'postgres'
        ? sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema()`
        : sql<{ name: string }>`select distinct index_name as name from information_schema.statistics where table_schema = database()`;
  const { rows } = await query.execute(store.db);
  return rows.map((r) => r.name).filter((n) => /^(ix|uq)_/.test(n)).sort();
}

const dir = mkdtempSync(join(tmpdir(), 'perfhound-schema-guide-'));
const STREAMS: Array<[string, string, string]> = [
  ['generated_200_seed1', 'gate-tempest', '2024-03-01T10:00:00Z'],
  ['generated_200_seed2', 'gate-tempest', '2024-03-01T18:00:00Z'],
  ['generated_200_seed3', 'gate-tempest', '2024-03-02T10:00:00Z'],
  ['generated_200_allpass_seed1', 'gate-grenade', '2024-03-01T12:00:00Z'],
  ['generated_200_allpass_seed2', 'gate-grenade', '2024-03-03T12:00:00Z'],
];
for (const [name] of STREAMS) writeFileSync(join(dir, `${name}.subunit`), fixtureBytes(`streams/${name}.subunit.gz`));

it('the guide has the sections the tests read', () => {
  expect(documentedTables(guide).size).toBeGreaterThan(15);
  expect(documentedIndexes(guide).length).toBeGreaterThan(10);
  expect(sqlBlocks(guide).length).toBeGreaterThanOrEqual(5);
});

for (const dialect of DIALECTS) {
  describe(`schema guide on ${dialect}`, () => {
    const db = useTestDatabase(dialect);
    let store: Store;

    beforeAll(async () => {
      for (const [name, job, at] of STREAMS) {
        const r = await runCli(['ingest', 'subunit', join(dir, `${name}.subunit`), '--db', db.url, '--run-id', name, '--run-at', at, '--run-meta', `build_name:${job}`]);
        expect(r.code, r.stderr).toBe(0);
      }
      store = await openStore(db.url);
    });
    afterAll(async () => store?.close());

    it('documents every table and column of the migrated schema, and nothing else', async () => {
      const actual = new Map<string, string[]>();
      const tables = await store.db.introspection.getTables({ withInternalKyselyTables: true });
      const names = new Set(tables.map((t) => t.name));
      for (const t of tables) {
        const shadowOf = t.name.replace(new RegExp(`_(${FTS5_SHADOWS.join('|')})$`), '');
        if (dialect === 'sqlite' && shadowOf !== t.name && names.has(shadowOf)) {
          expect(guide, `FTS5 table ${t.name}`).toContain(`\`${t.name}\``);
          continue;
        }
        actual.set(t.name, t.columns.map((c) => c.name).sort());
      }
      const documented = documentedTables(guide, dialect);
      expect([...documented.keys()].sort(), 'tables').toEqual([...actual.keys()].sort());
      for (const [table, columns] of actual) {
        expect([...(documented.get(table) ?? [])].sort(), `columns of ${table}`).toEqual(columns);
      }
    });

    it('documents every named index', async () => {
      expect(documentedIndexes(guide, dialect)).toEqual(await namedIndexes(store, dialect));
    });

    it('runs every example query, each answering from the loaded results', async () => {
      for (const query of sqlBlocks(guide)) {
        const { rows } = await sql.raw(query).execute(store.db);
        expect(rows.length, query).toBeGreaterThan(0);
      }
    });

    it('the never-failed example names exactly the tests without a failing result', async () => {
      const query = sqlBlocks(guide).find((q) => q.includes('failure = 0'))!;
      const { rows } = await sql.raw<{ test_id: string }>(query).execute(store.db);
      const failing = store.db.selectFrom('test_runs').select('test_id').where('status', 'in', ['fail', 'uxsuccess']);
      const counted = store.db.selectFrom('test_runs').select('test_id').where('status', 'in', ['success', 'xfail', 'fail', 'uxsuccess']);
      const expected = await store.db
        .selectFrom('tests')
        .select('test_id')
        .where('id', 'not in', failing)
        .where('id', 'in', counted)
        .execute();
      expect(rows.map((r) => r.test_id).sort()).toEqual(expected.map((r) => r.test_id).sort());
      expect(rows.length).toBeGreaterThan(0);
    });

    it('the per-day failure example counts the loaded runs of each job', async () => {
      const query = sqlBlocks(guide).find((q) => q.includes('day_ms'))!;
      const { rows } = await sql.raw<{ job: string; runs: number | string }>(query).execute(store.db);
      const perJob = new Map<string, number>();
      for (const r of rows) perJob.set(r.job, (perJob.get(r.job) ?? 0) + Number(r.runs));
      expect(Object.fromEntries(perJob)).toEqual({ 'gate-grenade': 2, 'gate-tempest': 3 });
      expect(rows.filter((r) => r.job === 'gate-tempest')).toHaveLength(2);
    });
  });
}
