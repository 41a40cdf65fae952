import { Command, Option } from 'commander';
import { migrateToLatest, openStore, resolveDbUrl, schemaStatus } from '../store/connect.js';
import { tableCounts } from '../store/runs.js';
import { renderTable } from '../output/table.js';
import { addDbOption, parsePositiveInt, printJson, withStore } from './common.js';
import { expireRuns } from '../store/tests.js';
import { grantReadOnly, SQLITE_READONLY_ADVICE } from '../store/grants.js';
import { readFileSync } from 'node:fs';
import { UserError, errorMessage } from '../util/errors.js';

export function registerDb(program: Command): void {
  const db = program.command('db').description('database administration: migrations, status');

  addDbOption(db.command('migrate').description('apply pending schema migrations (also done on first use)')).action(
    async (flags: { db?: string }) => {
      const store = await openStore(resolveDbUrl(flags.db), { migrate: false });
      try {
        const applied = await migrateToLatest(store);
        process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'already up to date\n');
      } finally {
        await store.close();
      }
    },
  );

  addDbOption(
    db
      .command('status')
      .description('schema version and row count of every table')
      .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text')),
  ).action(async (flags: { db?: string; output: string }) => {
    const { status, counts, display } = await withStore(flags.db, async (store) => ({
      status: await schemaStatus(store),
      counts: await tableCounts(store.db),
      display: store.display,
    }));
    if (flags.output === 'json') {
      printJson({ database: display, version: status.version, pending: status.pending, counts });
      return;
    }
    process.stdout.write(`database: ${display}\nschema version: ${status.version ?? '(none)'}${status.pending.length ? ` (pending: ${status.pending.join(', ')})` : ''}\n\n`);
    process.stdout.write(renderTable(['table', 'rows'], Object.entries(counts), ['left', 'right']) + '\n');
  });

  addDbOption(db.command('expire').description('delete runs older than N days with their test results (tests aggregates are kept)').requiredOption('--days <n>', 'age in days (subunit2sql default: 186)')).action(
    async (flags: { db?: string; days: string }) => {
      const days = parsePositiveInt(flags.days, '--days');
      const result = await withStore(flags.db, (store) => expireRuns(store.db, Date.now() - days * 86_400_000));
      process.stdout.write(`deleted ${result.runs} runs and ${result.testRuns} test results older than ${days} days\n`);
    },
  );

  addDbOption(
    db
      .command('grant-readonly')
      .description('create or update a database role that can read every perfhound table and write none (PostgreSQL, MariaDB/MySQL)')
      .requiredOption('--user <name>', 'role (user) name: letters, digits, _')
      .option('--password-file <file>', 'file holding the role\'s password (first line); without it a new role has no password and an existing one keeps its own')
      .addHelpText(
        'after',
        `
PostgreSQL: SELECT on every table of the store's schema, and on the tables later migrations create
(ALTER DEFAULT PRIVILEGES: run migrations as the user that ran this command). MariaDB/MySQL: SELECT on
the database (user NAME@'%'). SQLite has no roles: the command explains the file-permission equivalent.

Examples:
  perfhound db grant-readonly --db postgres://admin@db.example/perfhound --user perfhound_ro --password-file ro.pass
  perfhound db grant-readonly --db mysql://root@db.example/perfhound --user perfhound_ro --password-file ro.pass`,
      ),
  ).action(async (flags: { db?: string; user: string; passwordFile?: string }) => {
    const password = flags.passwordFile === undefined ? undefined : readSecretFile(flags.passwordFile, '--password-file');
    const url = resolveDbUrl(flags.db);
    const store = await openStore(url);
    try {
      if (store.dialect === 'sqlite') {
        process.stdout.write(SQLITE_READONLY_ADVICE);
        return;
      }
      const result = await grantReadOnly(store, { user: flags.user, password });
      process.stdout.write(`${result.created ? 'created' : 'updated'} role ${flags.user}: SELECT on every table of ${result.scope}, no writes\n`);
    } finally {
      await store.close();
    }
  });
}

/** The first line of a password file, without its line ending; the file is named in errors, never its content. */
function readSecretFile(file: string, flag: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read the password file: ${errorMessage(err).replace(/^[A-Z]+: /, '')}`, { file, field: flag });
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (!line) throw new UserError('the password file is empty (the password is its first line)', { file, field: flag });
  return line;
}
