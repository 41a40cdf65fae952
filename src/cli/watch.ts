import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { addWatch, deliverDue, runWatches, type WatchOutcome } from '../alerts/index.js';
import { renderTable } from '../output/table.js';
import { deleteWatch, listWatches } from '../store/alerts.js';
import { UserError } from '../util/errors.js';
import { addDbOption, collect, parsePositiveInt, printJson, withStore } from './common.js';

interface AddFlags {
  db?: string;
  config: string;
  channel?: string[];
  lookback?: string;
  lookbackSize?: string;
  metadataIndex?: string;
  benchmarkIndex?: string;
  algorithm?: string;
}

/** `perfhound watch add|list|remove|run`: named analyses run again after every ingest that writes runs. */
export function registerWatch(program: Command): void {
  const watch = program.command('watch').description('watched analyses: run after every ingest, new regressions notified once');

  const add = watch
    .command('add')
    .description('store a named analysis (an Orion config + options) and the channels it notifies')
    .argument('<name>', 'the watch name')
    .requiredOption('--config <file>', 'Orion analysis config (YAML)')
    .option('--channel <name>', 'a channel to notify (repeatable; perfhound notify channel add)', collect)
    .option('--lookback <XdYh>', 'only runs newer than this')
    .option('--lookback-size <n>', 'newest N runs at most')
    .option('--metadata-index <pattern>', 'run collection pattern')
    .option('--benchmark-index <pattern>', 'document collection pattern')
    .addOption(new Option('--algorithm <name>', 'change point algorithm').choices(['hunter', 'cmr', 'anomaly']))
    .addHelpText('after', '\nExample:\n  perfhound watch add nightly --config ci-tests.yaml --channel team-slack --lookback 30d');
  addDbOption(add).action(async (name: string, flags: AddFlags) => {
    let config: string;
    try {
      config = await readFile(flags.config, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read the config: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, { file: flags.config });
    }
    const options: Record<string, unknown> = {};
    if (flags.lookback !== undefined) options.lookback = flags.lookback;
    if (flags.lookbackSize !== undefined) options.lookbackSize = parsePositiveInt(flags.lookbackSize, '--lookback-size');
    if (flags.metadataIndex !== undefined) options.metadataIndex = flags.metadataIndex;
    if (flags.benchmarkIndex !== undefined) options.benchmarkIndex = flags.benchmarkIndex;
    if (flags.algorithm !== undefined) options.algorithm = flags.algorithm;
    const added = await withStore(flags.db, (store) => addWatch(store, { name, config, options, channels: flags.channel ?? [] }));
    process.stdout.write(`watch "${added.name}" added (channels: ${added.channels.join(', ') || 'none'})\n`);
  });

  const list = watch.command('list').description('the watches').addOption(new Option('--output <format>', 'table or json').choices(['table', 'json']).default('table'));
  addDbOption(list).action(async (flags: { db?: string; output: string }) => {
    const watches = await withStore(flags.db, (store) => listWatches(store.db));
    const shown = watches.map((w) => ({ name: w.name, options: w.options, channels: w.channels, created: new Date(w.createdMs).toISOString(), lastRun: w.lastRunMs === null ? null : new Date(w.lastRunMs).toISOString() }));
    if (flags.output === 'json') printJson(shown);
    else process.stdout.write((shown.length ? renderTable(['name', 'channels', 'options', 'last run'], shown.map((w) => [w.name, w.channels.join(','), JSON.stringify(w.options), w.lastRun ?? ''])) : '(no watches)') + '\n');
  });

  const remove = watch.command('remove').description('remove a watch (its pending notifications are still delivered)').argument('<name>', 'the watch name');
  addDbOption(remove).action(async (name: string, flags: { db?: string }) => {
    await withStore(flags.db, (store) => store.transaction((trx) => deleteWatch(trx, name)));
    process.stdout.write(`watch "${name}" removed\n`);
  });

  const run = watch
    .command('run')
    .description('run watches now (all, or the named ones): record new regressions, queue their notifications')
    .argument('[names...]', 'watch names (default: all)')
    .option('--no-deliver', 'only queue notifications (a daemon or `perfhound notify deliver` sends them)')
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'));
  addDbOption(run).action(async (names: string[], flags: { db?: string; deliver: boolean; output: string }) => {
    const outcomes = await withStore(flags.db, async (store) => {
      const known = (await listWatches(store.db)).map((w) => w.name);
      for (const n of names) if (!known.includes(n)) throw new UserError(`no watch named "${n}"`, { field: 'name' });
      const result = await runWatches(store, { names: names.length ? names : undefined });
      if (flags.deliver) await deliverDue(store);
      return result;
    });
    reportOutcomes(outcomes, flags.output);
  });
}

/** Prints watch outcomes (stdout: results); a watch that failed makes the exit code 1. */
export function reportOutcomes(outcomes: WatchOutcome[], output: string, stream: NodeJS.WritableStream = process.stdout): void {
  if (output === 'json') printJson(outcomes);
  else
    for (const o of outcomes) {
      stream.write(o.error ? `watch ${o.watch}: error: ${o.error}\n` : `watch ${o.watch}: ${o.touched ? `${o.changePoints} change points, ${o.newRegressions} new regressions, ${o.notifications} notifications queued, ${o.resolved} resolved` : 'not touched'}\n`);
    }
  if (outcomes.some((o) => o.error)) process.exitCode = 1;
}
