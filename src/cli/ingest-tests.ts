import { Option, type Command } from 'commander';
import { UserError } from '../util/errors.js';

/**
 * The flags of the `subunit` and `junit` formats of `perfhound ingest` (subunit2sql's options); the
 * formats themselves are in src/ingest/formats.ts, shared with the daemon.
 */
export function addTestIngestOptions(cmd: Command): void {
  cmd
    .option('--run-id <id>', 'subunit/junit: the run\'s public id (default: a new UUID); only with one input')
    .option('--run-at <time>', 'subunit/junit: when the run happened (ISO time; default: first test start, else now)')
    .option('--artifacts <url>', 'subunit/junit: URL of the run\'s logs (runs.artifacts)')
    .option('--use-run-wall-time', 'subunit/junit: run_time = last stop − first start, not the sum of durations')
    .option('--attr-regex <regex>', 'subunit/junit: attrs in test ids; group 1 is stored as metadata, the match is cut from the name (default \\[(.*)\\])')
    .option('--test-attr-prefix <prefix>', 'subunit/junit: attrs starting with this become test metadata "attr"')
    .option('--remove-test-attr-prefix', 'subunit/junit: strip the prefix from those attrs')
    .option('--store-attachments', 'subunit/junit: store attachments (tracebacks, logs) of each test result')
    .option('--non-subunit-name <name>', 'subunit: keep bytes outside packets as a file of this name instead of failing')
    .option('--lenient', 'subunit/junit: keep every good packet of a damaged stream and store the damage as a failed subunit.parser test')
    .addOption(new Option('--subunit-version <v>', 'subunit: stream version').choices(['auto', '1', '2']));
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
      'aggregates of its tests; an input without test results is refused (--allow-empty), and so is the',
      'id of a benchmark run (--replace). --run-meta also takes subunit2sql\'s k:v,k:v form.',
      '  perfhound ingest subunit testrepository.subunit --run-id 42 --run-meta build_name:gate-tempest',
    ].join('\n'),
  );
}

