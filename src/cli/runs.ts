import { Command, Option } from 'commander';
import { documentCounts, getRun, listRuns, type RunRecord } from '../store/runs.js';
import { renderTable } from '../output/table.js';
import { addDbOption, collect, parseDate, parsePairs, parsePositiveInt, printJson, withExistingStore } from './common.js';

export function registerRuns(program: Command): void {
  const runs = program.command('runs').description('list and show stored runs');

  const list = runs
    .command('list')
    .description('runs in time order, newest last')
    .option('--where <key=value>', 'metadata filter (repeatable; dotted keys reach nested fields: jobConfig.qps=20)', collect)
    .option('--since <date>', 'runs at or after this date (YYYY-MM-DD or ISO time)')
    .option('--until <date>', 'runs at or before this date')
    .option('--limit <n>', 'only the newest N runs')
    .option('--collection <name>', 'only runs of this metadata collection')
    .addOption(new Option('--output <format>', 'table or json').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExample:\n  perfhound runs list --where platform=GCP --since 2026-01-01 --output json');
  addDbOption(list).action(async (flags: { db?: string; where?: string[]; since?: string; until?: string; limit?: string; collection?: string; output: string }) => {
    const filter = {
      where: parsePairs(flags.where, '--where'),
      since: flags.since ? parseDate(flags.since, '--since') : undefined,
      until: flags.until ? parseDate(flags.until, '--until') : undefined,
      limit: flags.limit !== undefined ? parsePositiveInt(flags.limit, '--limit') : undefined,
      collection: flags.collection,
    };
    const found = await withExistingStore(flags.db, (store) => listRuns(store.db, filter));
    if (flags.output === 'json') printJson(found);
    else process.stdout.write(runsTable(found) + '\n');
  });

  const show = runs
    .command('show')
    .description('one run: its columns, metadata and document counts')
    .argument('<uuid>', 'the run id')
    .addOption(new Option('--output <format>', 'text or json').choices(['text', 'json']).default('text'));
  addDbOption(show).action(async (uuid: string, flags: { db?: string; output: string }) => {
    const { run, documents } = await withExistingStore(flags.db, async (store) => ({
      run: await getRun(store.db, uuid),
      documents: await documentCounts(store.db, uuid),
    }));
    if (flags.output === 'json') printJson({ ...run, documents });
    else process.stdout.write(runText(run, documents) + '\n');
  });
}

function runsTable(runs: RunRecord[]): string {
  if (!runs.length) return '(no runs)';
  return renderTable(
    ['timestamp', 'uuid', 'version', 'status', 'source', 'build'],
    runs.map((r) => [r.timestamp, r.uuid, r.version, r.status, r.source, r.buildUrl]),
  );
}

/** The run's columns `runs show` prints, in order: label → value (absent ones are left out). */
function runColumns(run: RunRecord): Array<[string, unknown]> {
  return [
    ['uuid', run.uuid], ['timestamp', run.timestamp], ['start', run.start], ['end', run.end], ['status', run.status],
    ['version', run.version], ['build', run.buildUrl], ['artifacts', run.artifacts], ['source', run.source],
    ['collection', run.collection], ['passes', run.passes], ['fails', run.fails], ['skips', run.skips],
    ['run time', run.runTime === null ? null : `${run.runTime} s`],
  ];
}

function runText(run: RunRecord, documents: Record<string, number>): string {
  const lines = runColumns(run)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([name, value]) => `${(name + ':').padEnd(12)} ${String(value)}`);
  lines.push('metadata:');
  for (const [k, v] of Object.entries(run.metadata)) lines.push(`  ${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  if (Object.keys(documents).length) {
    lines.push('documents:');
    for (const [c, n] of Object.entries(documents)) lines.push(`  ${c}: ${n}`);
  }
  return lines.join('\n');
}
