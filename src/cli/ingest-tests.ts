import { createReadStream } from 'node:fs';
import { Option, type Command } from 'commander';
import { readJunitTests } from '../ingest/junit/read.js';
import { newReport, type IngestReport } from '../ingest/report.js';
import { ingestTestRecords, type TestIngestOptions } from '../ingest/subunit/ingest.js';
import { readSubunitTestBatches } from '../ingest/subunit/read.js';
import type { ParseDamage, TestRecord } from '../ingest/subunit/types.js';
import type { Store } from '../store/connect.js';
import { UserError } from '../util/errors.js';
import { logger } from '../util/log.js';
import type { IngestFlags, IngestFormat } from './ingest.js';

/**
 * The `subunit` and `junit` formats of `perfhound ingest` (subunit2sql's options). The lead's ingest
 * command calls `addTestIngestOptions` on its command and registers `TEST_INGEST_FORMATS`.
 */
export function addTestIngestOptions(cmd: Command): void {
  cmd
    .option('--run-id <id>', 'subunit/junit: the run\'s public id (default: a new UUID); only with one input')
    .option('--run-at <time>', 'subunit/junit: when the run happened (ISO time; default: first test start, else now)')
    .option('--artifacts <url>', 'subunit/junit: URL of the run\'s logs (runs.artifacts)')
    .option('--use-run-wall-time', 'subunit/junit: run_time = last stop − first start, not the sum of durations')
    .option('--attr-regex <regex>', 'subunit/junit: attrs in test ids; group 1 is stored as metadata, the match is cut from the name', '\\[(.*)\\]')
    .option('--test-attr-prefix <prefix>', 'subunit/junit: attrs starting with this become test metadata "attr"')
    .option('--remove-test-attr-prefix', 'subunit/junit: strip the prefix from those attrs')
    .option('--store-attachments', 'subunit/junit: store attachments (tracebacks, logs) of each test result')
    .option('--non-subunit-name <name>', 'subunit: keep bytes outside packets as a file of this name instead of failing')
    .option('--lenient', 'subunit/junit: keep every good packet of a damaged stream and store the damage as a failed subunit.parser test')
    .addOption(new Option('--subunit-version <v>', 'subunit: stream version').choices(['auto', '1', '2']).default('auto'));
  // One run per input: a public run id fits one input only. Checked before anything is written, from this
  // invocation's own arguments (no state outlives the command; the daemon calls ingestTestFile directly).
  cmd.hook('preAction', (_cmd, action) => {
    const [format, files] = action.processedArgs as [string, string[] | undefined];
    const runId = action.opts<{ runId?: string }>().runId;
    if ((format === 'subunit' || format === 'junit') && runId !== undefined && (files?.length ?? 0) > 1) {
      throw new UserError('--run-id can only be used with one input', { field: '--run-id' });
    }
  });
  cmd.addHelpText(
    'after',
    [
      '',
      'subunit / junit: one run per input, written in one transaction (a damaged input writes nothing',
      'unless --lenient). Re-ingesting a --run-id REPLACES that run\'s test results and recomputes the',
      'aggregates of its tests. --run-meta also takes subunit2sql\'s k:v,k:v form.',
      '  perfhound ingest subunit testrepository.subunit --run-id 42 --run-meta build_name:gate-tempest',
    ].join('\n'),
  );
}

/** subunit2sql's `--run_meta k:v,k:v` plus the repeatable `k=v` of the other formats. */
export function parseTestRunMeta(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values ?? []) {
    for (const pair of value.split(',')) {
      const m = /^([^=:]+)[=:](.*)$/.exec(pair);
      if (!m) throw new UserError(`--run-meta "${pair}" is not key:value`, { field: '--run-meta' });
      out[m[1].trim()] = m[2];
    }
  }
  return out;
}

export function testIngestOptions(flags: IngestFlags, source: 'subunit' | 'junit'): TestIngestOptions {
  const runAt = flags.runAt as string | undefined;
  let runAtMs: number | undefined;
  if (runAt !== undefined) {
    runAtMs = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(runAt) || /^\d{4}-\d{2}-\d{2}$/.test(runAt) ? runAt : runAt + 'Z');
    if (Number.isNaN(runAtMs)) throw new UserError(`--run-at "${runAt}" is not a time`, { field: '--run-at' });
  }
  try {
    new RegExp(flags.attrRegex as string);
  } catch {
    throw new UserError(`--attr-regex "${String(flags.attrRegex)}" is not a regular expression`, { field: '--attr-regex' });
  }
  return {
    source,
    runId: flags.runId as string | undefined,
    runAtMs,
    runMeta: parseTestRunMeta(flags.runMeta),
    artifacts: flags.artifacts as string | undefined,
    useRunWallTime: Boolean(flags.useRunWallTime),
    attrRegex: flags.attrRegex as string | undefined,
    testAttrPrefix: flags.testAttrPrefix as string | undefined,
    removeTestAttrPrefix: Boolean(flags.removeTestAttrPrefix),
    storeAttachments: Boolean(flags.storeAttachments),
    collection: flags.collection ?? 'tests',
  };
}

/** Ingests one subunit or JUnit file as one run; a refused run is reported, not thrown. */
export async function ingestTestFile(store: Store, path: string, label: string, flags: IngestFlags, format: 'subunit' | 'junit'): Promise<IngestReport> {
  const report = newReport(label, format);
  const options = testIngestOptions(flags, format);
  const damage: ParseDamage[] = [];
  const readOptions = {
    file: label,
    lenient: Boolean(flags.lenient),
    nonSubunitName: flags.nonSubunitName as string | undefined,
    keepAttachmentBytes: options.storeAttachments,
    onDamage: (d: ParseDamage) => damage.push(d),
    version: flags.subunitVersion === '1' ? 1 : flags.subunitVersion === '2' ? 2 : 'auto',
  } as const;
  // 64 KiB reads: each chunk's records are short-lived, so the garbage collector's young generation takes them.
  const source = createReadStream(path, { highWaterMark: 1 << 16 });
  const records: AsyncIterable<TestRecord | TestRecord[]> = format === 'junit' ? readJunitTests(source, readOptions) : readSubunitTestBatches(source, readOptions);
  try {
    const summary = await ingestTestRecords(store, records, options);
    report.runs.push({ uuid: summary.runId, outcome: summary.outcome, documents: summary.tests });
    logger().info({ ...summary }, `${label}: run ${summary.runId}`);
    process.stderr.write(
      `${label}: run ${summary.runId} ${summary.outcome}: ${summary.tests} tests, passes ${summary.passes}, fails ${summary.fails}, skips ${summary.skips}, run_time ${summary.runTime.toFixed(6)} s` +
        (summary.duplicates ? `, ${summary.duplicates} duplicate results (the later kept)` : '') +
        (damage.length ? `, ${damage.length} damaged places kept as subunit.parser failures` : '') +
        '\n',
    );
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    report.runs.push({ uuid: options.runId ?? '(new run)', outcome: 'failed', documents: 0, error: err.message });
  } finally {
    source.destroy();
  }
  return report;
}

export const TEST_INGEST_FORMATS: IngestFormat[] = [
  {
    name: 'subunit',
    summary: 'subunit v2 or v1 test results (stestr, testr, subunit.run, tempest), like subunit2sql',
    ingest: (store, path, label, flags) => ingestTestFile(store, path, label, flags, 'subunit'),
  },
  {
    name: 'junit',
    summary: 'JUnit XML test results (Surefire, pytest, Jenkins), stored like subunit',
    ingest: (store, path, label, flags) => ingestTestFile(store, path, label, flags, 'junit'),
  },
];
