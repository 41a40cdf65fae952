import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { renderTable } from '../output/table.js';
import { flakyTests, neverFailed, parseResolution, recentFailedRuns, runsByKey, slowestTests, testHistory, testRates, type Period, type TestRate } from '../test-analytics/analytics.js';
import { meanDurations, partitionByTimings, timingStream } from '../test-analytics/timing.js';
import { UserError } from '../util/errors.js';
import { addDbOption, parseDate, parseInteger, parsePositiveInt, printJson, withStore } from './common.js';

/** `perfhound tests …`: test analytics over ingested subunit/JUnit results (thin over src/test-analytics). */
interface Flags {
  db?: string;
  output: 'table' | 'json';
  since?: string;
  until?: string;
  where?: string;
  [flag: string]: unknown;
}

function period(flags: Flags): Period {
  return { startMs: flags.since ? parseDate(flags.since, '--since').getTime() : undefined, stopMs: flags.until ? parseDate(flags.until, '--until').getTime() : undefined };
}

function metadataFilter(flags: Flags): [string, string] | undefined {
  if (flags.where === undefined) return undefined;
  const eq = flags.where.indexOf('=');
  if (eq <= 0) throw new UserError(`"${flags.where}" is not key=value`, { field: '--where' });
  return [flags.where.slice(0, eq), flags.where.slice(eq + 1)];
}

const fmt = (n: number | null) => (n === null || Number.isNaN(n) ? '-' : Number.isInteger(n) ? String(n) : n.toFixed(4));

function rateTable(rows: TestRate[]): string {
  return renderTable(['test', 'passes', 'failures', 'skips', 'failure rate', 'mean run time (s)'], rows.map((r) => [r.test, fmt(r.passes), fmt(r.failures), fmt(r.skips), fmt(r.failureRate), fmt(r.meanRunTime)]), ['left', 'right', 'right', 'right', 'right', 'right']);
}

function common(cmd: Command): Command {
  return addDbOption(
    cmd
      .addOption(new Option('--output <format>', 'table or json').choices(['table', 'json']).default('table'))
      .option('--since <date>', 'from this date (YYYY-MM-DD or ISO time)')
      .option('--until <date>', 'up to this date')
      .option('--where <key=value>', 'only runs with this metadata value'),
  );
}

function print(flags: Flags, json: unknown, table: () => string): void {
  if (flags.output === 'json') printJson(json);
  else process.stdout.write(table() + '\n');
}

export function registerTests(program: Command): void {
  const tests = program.command('tests').description('test analytics over ingested subunit/JUnit results');

  common(tests.command('runs').description('runs over time grouped by a metadata key: passed/failed runs and mean run time per bucket').argument('<key>', 'metadata key, e.g. build_name').option('--resolution <r>', 'sec, min, hour, day or week (named by its Monday)', 'day')).action(
    async (key: string, flags: Flags) => {
      const data = await withStore(flags.db, (s) => runsByKey(s.db, key, parseResolution(String(flags.resolution)), period(flags)));
      print(flags, data, () => renderTable(['bucket', key, 'runs', 'passed', 'failed', 'mean run time (s)'], data.flatMap((b) => Object.entries(b.groups).map(([v, g]) => [b.bucket, v, String(g.runs.length), String(g.passed), String(g.failed), fmt(g.meanRunTime)]))));
    },
  );
  common(tests.command('history').description('status history and run time trend (rolling mean and spread) of one test').argument('<test-id>').option('--window <n>', 'rolling window (successful results)', '20')).action(
    async (testId: string, flags: Flags) => {
      const data = await withStore(flags.db, (s) => testHistory(s.db, testId, { ...period(flags), window: parsePositiveInt(String(flags.window), '--window'), metadata: metadataFilter(flags) }));
      print(flags, data, () => renderTable(['start', 'run', 'status', 'duration (s)'], data.results.map((r) => [r.startUs === null ? '-' : new Date(r.startUs / 1000).toISOString(), r.runUuid, r.status, fmt(r.duration)])));
    },
  );
  common(tests.command('failures').description('failure rate per test (failures / (passes + failures))')).action(async (flags: Flags) => {
    const data = (await withStore(flags.db, (s) => testRates(s.db, { ...period(flags), metadata: metadataFilter(flags) }))).sort((a, b) => (b.failureRate || 0) - (a.failureRate || 0));
    print(flags, data, () => rateTable(data));
  });
  common(tests.command('slowest').description('slowest tests by mean successful duration').option('--limit <n>', 'how many', '20')).action(async (flags: Flags) => {
    const data = await withStore(flags.db, (s) => slowestTests(s.db, parsePositiveInt(String(flags.limit), '--limit'), { ...period(flags), metadata: metadataFilter(flags) }));
    print(flags, data, () => rateTable(data));
  });
  common(tests.command('never-failed').description('tests that passed and never failed in the period')).action(async (flags: Flags) => {
    const data = await withStore(flags.db, (s) => neverFailed(s.db, { ...period(flags), metadata: metadataFilter(flags) }));
    print(flags, data, () => rateTable(data));
  });
  common(tests.command('recent-failures').description('latest failed runs per value of a metadata key, with their failed tests').argument('<key>').option('--value <v>', 'only this value').option('--limit <n>', 'how many runs', '10')).action(
    async (key: string, flags: Flags) => {
      const data = await withStore(flags.db, (s) => recentFailedRuns(s.db, key, { value: flags.value as string | undefined, limit: parsePositiveInt(String(flags.limit), '--limit') }));
      print(flags, data, () => renderTable(['run', key, 'time', 'failed tests', 'artifacts'], data.map((r) => [r.uuid, r.value, new Date(r.timestampMs).toISOString(), String(r.failedTests.length), r.artifacts ?? '-'])));
    },
  );
  common(tests.command('flaky').description('tests that both passed and failed for the same metadata value in the period').argument('<key>', 'e.g. build_name')).action(async (key: string, flags: Flags) => {
    const data = await withStore(flags.db, (s) => flakyTests(s.db, key, period(flags)));
    print(flags, data, () => renderTable(['test', key, 'passes', 'failures'], data.map((f) => [f.test, f.value, String(f.passes), String(f.failures)])));
  });
  common(
    tests
      .command('timings')
      .description('mean successful duration per test: JSON, or a subunit stream for `stestr load` / `testr load`')
      .addOption(new Option('--format <f>', 'json or subunit').choices(['json', 'subunit']).default('json'))
      .option('-o, --out <file>', 'write to a file'),
  ).action(async (flags: Flags) => {
    const durations = await withStore(flags.db, (s) => meanDurations(s.db, { ...period(flags), metadata: metadataFilter(flags) }));
    const body = flags.format === 'subunit' ? timingStream(durations, Date.now() * 1000) : Buffer.from(JSON.stringify(durations, null, 2) + '\n');
    if (flags.out) writeFileSync(String(flags.out), body);
    else process.stdout.write(body);
  });
  common(tests.command('partition').description('split tests into N workers balanced by their mean durations (greedy LPT)').requiredOption('--workers <n>', 'number of workers').argument('[tests...]', 'test ids (default: every test with timings)')).action(
    async (ids: string[], flags: Flags) => {
      const workers = parseInteger(String(flags.workers), '--workers', { min: 1 });
      const durations = await withStore(flags.db, (s) => meanDurations(s.db, { ...period(flags), metadata: metadataFilter(flags) }));
      const parts = partitionByTimings(ids.length ? ids : Object.keys(durations), durations, workers);
      print(flags, parts, () => renderTable(['worker', 'tests', 'total (s)'], parts.map((p) => [String(p.worker), String(p.tests.length), fmt(p.total)])));
    },
  );
}
