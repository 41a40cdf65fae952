/**
 * `perfhound db grant-readonly` on the real servers: the role it makes reads every table of the migrated
 * store (loaded with subunit results), every write it tries is refused, and a table a later migration
 * creates is readable too. SQLite gets the explanation instead.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/store/connect.js';
import { createTestDatabase } from '../support/databases.js';
import { runCli } from '../support/cli.js';
import { fixtureBytes } from '../test-results/support.js';

const dir = mkdtempSync(join(tmpdir(), 'perfhound-grant-'));
const passwordFile = join(dir, 'ro.pass');
const password = `pw'\\${randomBytes(6).toString('hex')}`;
writeFileSync(passwordFile, `${password}\n`);
const stream = join(dir, 'run.subunit');
writeFileSync(stream, fixtureBytes('streams/generated_200_seed1.subunit.gz'));

const WRITES = [
  'insert into runs (uuid, timestamp_ms, source, collection, metadata, ingested_ms) values (\'x\', 1, \'json\', \'c\', \'{}\', 1)',
  'update tests set run_count = 0',
  'delete from test_runs',
  'create table ro_attempt (id integer)',
  'drop table runs',
  'alter table runs add column ro_attempt integer',
];

async function tableNames(store: Store): Promise<string[]> {
  const tables = await store.db.introspection.getTables({ withInternalKyselyTables: true });
  return tables.map((t) => t.name).sort();
}

async function refusal(store: Store, statement: string): Promise<string> {
  try {
    await sql.raw(statement).execute(store.db);
    return 'accepted';
  } catch (err) {
    return (err as Error).message;
  }
}

for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`db grant-readonly on ${dialect}`, () => {
    const user = `perfhound_ro_${randomBytes(4).toString('hex')}`;
    let url = '';
    let drop: () => Promise<void> = async () => undefined;
    let admin: Store;

    beforeAll(async () => {
      ({ url, drop } = await createTestDatabase(dialect));
      const ingest = await runCli(['ingest', 'subunit', stream, '--db', url, '--run-id', 'gate-1']);
      expect(ingest.code, ingest.stderr).toBe(0);
      admin = await openStore(url);
    });

    afterAll(async () => {
      await admin?.close();
      await drop();
      // The database is gone with its grants and default privileges; the role (cluster-wide) goes last.
      const cleanup = await openStore(url.replace(/\/[^/?]+(\?|$)/, dialect === 'postgres' ? '/postgres$1' : '/mysql$1'), { migrate: false });
      await sql.raw(dialect === 'postgres' ? `drop role if exists ${user}` : `drop user if exists '${user}'@'%'`).execute(cleanup.db);
      await cleanup.close();
    });

    function roleUrl(): string {
      const u = new URL(url);
      u.username = user;
      u.password = password;
      return u.toString();
    }

    it('creates the role; it reads every table and writes none', async () => {
      const granted = await runCli(['db', 'grant-readonly', '--db', url, '--user', user, '--password-file', passwordFile]);
      expect(granted.stderr).toBe('');
      expect(granted.code).toBe(0);
      expect(granted.stdout).toMatch(new RegExp(`^created role ${user}: SELECT on every table of `));
      expect(granted.stdout + granted.stderr).not.toContain(password);

      const reader = await openStore(roleUrl(), { migrate: false });
      try {
        const tables = await tableNames(admin);
        expect(tables).toContain('test_runs');
        for (const table of tables) {
          await expect(sql.raw(`select count(*) as n from ${table}`).execute(reader.db), table).resolves.toBeDefined();
        }
        const testRuns = await sql<{ n: number }>`select count(*) as n from test_runs`.execute(reader.db);
        expect(Number(testRuns.rows[0]!.n)).toBeGreaterThan(100);
        for (const statement of WRITES) {
          expect(await refusal(reader, statement), statement).toMatch(/denied|must be owner/i);
        }
      } finally {
        await reader.close();
      }
      // perfhound's own read commands work with the role (opening the migrated store writes nothing).
      const listed = await runCli(['runs', 'list', '--db', roleUrl(), '--output', 'json']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toContain('gate-1');
      const after = await sql<{ n: number }>`select count(*) as n from runs`.execute(admin.db);
      expect(Number(after.rows[0]!.n)).toBe(1);
    });

    it('a table created later (by the migrating user) is readable; running it again updates the role', async () => {
      await sql.raw('create table later_migration (id integer primary key, note varchar(20))').execute(admin.db);
      await sql.raw("insert into later_migration (id, note) values (1, 'later')").execute(admin.db);
      const again = await runCli(['db', 'grant-readonly', '--db', url, '--user', user]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(new RegExp(`^updated role ${user}`));
      // After the second grant on MariaDB, and through default privileges on PostgreSQL (created before it).
      await sql.raw('create table later_migration_2 (id integer primary key)').execute(admin.db);
      const reader = await openStore(roleUrl(), { migrate: false });
      try {
        const { rows } = await sql<{ note: string }>`select note from later_migration`.execute(reader.db);
        expect(rows).toEqual([{ note: 'later' }]);
        await expect(sql.raw('select count(*) from later_migration_2').execute(reader.db)).resolves.toBeDefined();
        expect(await refusal(reader, 'insert into later_migration_2 (id) values (1)')).toMatch(/denied/i);
      } finally {
        await reader.close();
      }
    });

    it('refuses a role name it would have to quote, naming the flag', async () => {
      const bad = await runCli(['db', 'grant-readonly', '--db', url, '--user', 'x; drop table runs']);
      expect(bad.code).toBe(1);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(/--user.*letters, digits and _/);
    });
  });
}

describe('db grant-readonly on sqlite', () => {
  it('changes nothing and explains the file-permission equivalent', async () => {
    const { url } = await createTestDatabase('sqlite');
    const result = await runCli(['db', 'grant-readonly', '--db', url, '--user', 'reader']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^SQLite has no database roles: nothing was changed/);
    expect(result.stdout).toContain('mode=ro');
  });
});
