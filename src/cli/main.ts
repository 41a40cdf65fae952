import { Command, CommanderError } from 'commander';
import { UserError, errorMessage } from '../util/errors.js';
import { addExamples } from './examples.js';
import { registerCommands } from './commands.js';
import { EXIT_BROKEN_PIPE, EXIT_ERROR } from './exit-codes.js';
import { packageVersion } from './version.js';

export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('perfhound')
    .description(
      'Find performance regressions in test results and keep the long-term record that makes them findable.\n\n' +
        'Results go to stdout, logs to stderr. The database is chosen by --db or PERFHOUND_DB ' +
        '(sqlite:PATH, postgres://…, mysql://…); the default is sqlite:./perfhound.db.',
    )
    .version(packageVersion())
    .option('--debug', 'verbose logs and stack traces on errors')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);
  program.hook('preAction', async () => {
    if (program.opts<{ debug?: boolean }>().debug) (await import('../util/log.js')).setLogLevel('debug');
  });
  await registerCommands(program, argv);
  addExamples(program);
  return program;
}

const EXIT_CODES_HELP = `
Exit codes:
    0  success (analyze: no regression)
    1  error (bad input, bad config, unreachable database or server)
    2  analyze: a regression was found (detect and otava analyze exit 0 whatever they find, as Otava)
    3  analyze: no data matched the config
  141  stdout was closed before the output ended (e.g. piped to head), as SIGPIPE would`;

/**
 * A reader that stops early (`perfhound runs list | head`) makes the next write to stdout fail with EPIPE,
 * which Node raises as an unhandled error with a stack trace. Node ignores SIGPIPE, so do what the signal
 * would: stop at once, quietly, with the shell's SIGPIPE status (a write in flight is rolled back with its
 * transaction, as if killed). Installed once per process: tests call main() many times.
 */
function exitQuietlyOnBrokenPipe(): void {
  if (brokenPipeGuarded) return;
  brokenPipeGuarded = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(EXIT_BROKEN_PIPE);
  });
}
let brokenPipeGuarded = false;

export async function main(argv: string[]): Promise<void> {
  exitQuietlyOnBrokenPipe();
  const program = await buildProgram(argv);
  program.exitOverride();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      process.exitCode = err.exitCode === 0 ? 0 : EXIT_ERROR;
      return;
    }
    if (debug && err instanceof Error) console.error(err.stack);
    else console.error(`perfhound: ${errorMessage(err)}`);
    if (!(err instanceof UserError) && !debug) console.error('(run with --debug for details)');
    process.exitCode = EXIT_ERROR;
  }
}
