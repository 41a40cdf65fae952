import { Command, Option } from 'commander';
import { migrateToLatest, openStore, resolveDbUrl, schemaStatus } from '../store/connect.js';
import { tableCounts } from '../store/runs.js';
import { renderTable } from '../output/table.js';
import { addDbOption, parsePositiveInt, printJson, withExistingStore, withStore } from './common.js';
import { expireRuns } from '../store/tests.js';

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
    const { status, counts, display } = await withExistingStore(flags.db, async (store) => ({
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
}
