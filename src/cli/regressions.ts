import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { ackRegression, listRegressions, resolveRegression, showRegression, silenceMetric, unackRegression, type RegressionRecord } from '../alerts/index.js';
import { parseLookback } from '../config/index.js';
import { renderTable } from '../output/table.js';
import { UserError } from '../util/errors.js';
import { addDbOption, parsePositiveInt, printJson, withStore } from './common.js';

/** `perfhound regressions list|show|ack|unack|resolve|silence`: the lifecycle of recorded regressions (the API's rules). */
export function registerRegressions(program: Command): void {
  const regressions = program.command('regressions').description('recorded regressions: list, show, acknowledge, un-acknowledge, resolve, silence a metric');

  const list = regressions
    .command('list')
    .description('recorded regressions, newest first')
    .addOption(new Option('--status <status>', 'only this status').choices(['open', 'acknowledged', 'resolved']))
    .option('--test <name>', 'only this test')
    .option('--metric <name>', 'only this metric')
    .option('--limit <n>', 'at most N', '100')
    .addOption(new Option('--output <format>', 'table or json').choices(['table', 'json']).default('table'));
  addDbOption(list).action(async (flags: { db?: string; status?: string; test?: string; metric?: string; limit: string; output: string }) => {
    const limit = parsePositiveInt(flags.limit, '--limit');
    const rows = await withStore(flags.db, (store) => listRegressions(store, { status: flags.status, test: flags.test, metric: flags.metric, limit }));
    if (flags.output === 'json') printJson(rows);
    else process.stdout.write(regressionsTable(rows) + '\n');
  });

  const show = regressions
    .command('show')
    .description('one regression: its change, status history fields and the acks silencing it')
    .argument('<id>', 'the regression id (regressions list)')
    .addOption(new Option('--output <format>', 'table or json').choices(['table', 'json']).default('table'));
  addDbOption(show).action(async (id: string, flags: { db?: string; output: string }) => {
    const r = await withStore(flags.db, (store) => showRegression(store, parseId(id)));
    if (flags.output === 'json') printJson(r);
    else process.stdout.write(regressionDetails(r));
  });

  const by = () => process.env.PERFHOUND_USER ?? userInfo().username;
  // ack and resolve: one regression, a reason and who — the same command but for the change it makes.
  const changeCommand = (name: string, description: string, change: typeof ackRegression, done: string, idHelp: string) => {
    const command = regressions
      .command(name)
      .description(description)
      .argument('<id>', idHelp)
      .requiredOption('--reason <text>', 'why')
      .option('--by <name>', 'who (default $PERFHOUND_USER, else the login name)');
    addDbOption(command).action(async (id: string, flags: { db?: string; reason: string; by?: string }) => {
      const r = await withStore(flags.db, (store) => change(store, parseId(id), flags.reason, flags.by ?? by()));
      process.stdout.write(`regression ${r.id} (${r.testName} ${r.metric} at ${r.runUuid}) ${done}\n`);
    });
  };
  changeCommand('ack', 'acknowledge a regression: analyses stop reporting it', ackRegression, 'acknowledged', 'the regression id (regressions list)');
  changeCommand('unack', 'un-acknowledge a regression: its acks go, analyses report it again', unackRegression, 'open again', 'the regression id');
  changeCommand('resolve', 'resolve a regression by hand', resolveRegression, 'resolved', 'the regression id');

  const silence = regressions
    .command('silence')
    .description('notify no new regression of a metric for a period (they are still recorded)')
    .requiredOption('--metric <name>', 'the metric')
    .option('--test <name>', 'only in this test (default: every test)')
    .requiredOption('--for <XdYh>', 'how long, e.g. 7d or 12h')
    .requiredOption('--reason <text>', 'why')
    .option('--by <name>', 'who (default $PERFHOUND_USER, else the login name)');
  addDbOption(silence).action(async (flags: { db?: string; metric: string; test?: string; for: string; reason: string; by?: string }) => {
    let durationMs: number;
    try {
      durationMs = parseLookback(flags.for);
    } catch (err) {
      throw new UserError((err as Error).message.replace('field --lookback: ', ''), { field: '--for' });
    }
    const s = await withStore(flags.db, (store) => silenceMetric(store, { test: flags.test, metric: flags.metric, durationMs, reason: flags.reason, by: flags.by ?? by() }));
    process.stdout.write(`metric ${s.metric}${s.testName ? ` of test ${s.testName}` : ''} silenced until ${new Date(s.untilMs).toISOString()}\n`);
  });
}

function parseId(text: string): number {
  if (!/^[1-9]\d{0,15}$/.test(text)) throw new UserError(`a regression id is a positive whole number (got "${text}")`, { field: 'id' });
  return Number(text);
}

function regressionDetails(r: Awaited<ReturnType<typeof showRegression>>): string {
  const lines: [string, string][] = [
    ['id', String(r.id)],
    ['test', r.testName],
    ['metric', r.metric + (r.silenced ? ' (silenced)' : '')],
    ['run', r.runUuid],
    ['time', r.timestamp],
    ['change', r.percentageChange === null ? '' : `${r.percentageChange.toFixed(1)}%`],
    ['mean before', r.meanBefore === null ? '' : String(r.meanBefore)],
    ['mean after', r.meanAfter === null ? '' : String(r.meanAfter)],
    ['p-value', r.pvalue === null ? '' : String(r.pvalue)],
    ['status', r.status + (r.statusChanged ? ` since ${r.statusChanged}` : '') + (r.statusBy ? ` by ${r.statusBy}` : '') + (r.statusReason ? `: ${r.statusReason}` : '')],
    ['first seen', r.firstSeen],
    ['last seen', r.lastSeen],
    ...r.acks.map((a): [string, string] => ['ack', `${a.created}${a.by ? ` by ${a.by}` : ''}: ${a.reason}`]),
  ];
  return lines.map(([k, v]) => `${(k + ':').padEnd(13)}${v}`).join('\n') + '\n';
}

function regressionsTable(rows: RegressionRecord[]): string {
  if (!rows.length) return '(no regressions)';
  return renderTable(
    ['id', 'test', 'metric', 'run', 'time', 'change', 'status', 'by', 'reason'],
    rows.map((r) => [r.id, r.testName, r.metric + (r.silenced ? ' (silenced)' : ''), r.runUuid, r.timestamp, r.percentageChange === null ? '' : `${r.percentageChange.toFixed(1)}%`, r.status, r.statusBy ?? '', r.statusReason ?? '']),
  );
}
