import { Option, type Command } from 'commander';
import { UserError } from '../util/errors.js';
import type { PostgresSettings } from '../otava/config.js';
import type { OtavaIo, ServiceSettings } from '../otava/commands.js';
import { GRAPHITE_ATTRIBUTES } from '../otava/graphite-import.js';

interface ServiceFlags {
  configFile?: string;
  postgresHostname?: string;
  postgresPort?: string;
  postgresUsername?: string;
  postgresPassword?: string;
  postgresDatabase?: string;
  graphiteUrl?: string;
}

interface AnalyzeFlags extends ServiceFlags {
  output: 'log' | 'json' | 'regressions_only';
  pValue: string;
  magnitude: string;
  window: string;
  branch?: string | true;
  metrics?: string;
  since?: string;
  until?: string;
  last?: string;
  attrs?: string;
}

function number(value: string, flag: string, check: (n: number) => boolean, expectation: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UserError(`${flag} must be ${expectation} (got "${value}")`, { field: flag });
  return n;
}

/** Otava's service options, with its environment variables: the command line wins, then the environment. */
function withServiceOptions(cmd: Command): Command {
  return cmd
    .option('--config-file <file>', 'Otava configuration (default: $OTAVA_CONFIG, ~/.otava/conf.yaml, ~/.otava/otava.yaml)')
    .option('--postgres-hostname <host>', 'PostgreSQL host of postgres tests ($POSTGRES_HOSTNAME)')
    .option('--postgres-port <port>', 'PostgreSQL port ($POSTGRES_PORT)')
    .option('--postgres-username <user>', 'PostgreSQL user ($POSTGRES_USERNAME)')
    .option('--postgres-password <password>', 'PostgreSQL password ($POSTGRES_PASSWORD)')
    .option('--postgres-database <db>', 'PostgreSQL database ($POSTGRES_DATABASE)')
    .option('--graphite-url <url>', 'Graphite server of graphite tests ($GRAPHITE_ADDRESS)');
}

/** The service settings: the command line wins, then the environment (then the configuration file). */
function services(flags: ServiceFlags): ServiceSettings {
  return { postgres: postgresSettings(flags), graphiteUrl: flags.graphiteUrl ?? process.env.GRAPHITE_ADDRESS };
}

function attributeList(value: string): string[] {
  const names = value.split(',').map((a) => a.trim()).filter(Boolean);
  for (const name of names) if (!(GRAPHITE_ATTRIBUTES as readonly string[]).includes(name)) throw new UserError(`unknown attribute "${name}" (graphite tests have ${GRAPHITE_ATTRIBUTES.join(', ')})`, { field: '--attrs' });
  return names;
}

function postgresSettings(flags: ServiceFlags): PostgresSettings {
  const env = process.env;
  const port = flags.postgresPort ?? env.POSTGRES_PORT;
  return {
    hostname: flags.postgresHostname ?? env.POSTGRES_HOSTNAME,
    port: port === undefined ? undefined : number(port, '--postgres-port', (n) => Number.isInteger(n) && n > 0 && n < 65536, 'a port number'),
    username: flags.postgresUsername ?? env.POSTGRES_USERNAME,
    password: flags.postgresPassword ?? env.POSTGRES_PASSWORD,
    database: flags.postgresDatabase ?? env.POSTGRES_DATABASE,
  };
}

function io(): OtavaIo {
  return { cwd: process.cwd(), env: process.env, out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };
}

function finish(code: number): void {
  if (code !== 0) process.exitCode = code;
}

export function registerOtava(program: Command): void {
  const otava = program
    .command('otava')
    .description("Apache Otava's commands over Otava's own configuration files, with Otava's exact output")
    .addHelpText(
      'after',
      '\nReads Otava YAML (tests as a mapping, templates with inherit, test_groups; csv, postgres, graphite, json and histostat tests).' +
        '\nRelative file names in the configuration are read from the working directory, as Otava reads them.' +
        '\n\nExit codes: 0 success, 1 bad configuration or a test whose data could not be read (Otava exits 0 there).' +
        '\n\nExamples:\n  perfhound otava analyze my.test --config-file otava.yaml --since "30 days ago"\n  perfhound otava list-tests nightly --config-file otava.yaml',
    );

  withServiceOptions(otava.command('analyze'))
    .description('change points of tests or test groups, printed as Otava prints them')
    .argument('<tests...>', 'test or group names')
    .addOption(new Option('--output <format>', 'report format').choices(['log', 'json', 'regressions_only']).default('log'))
    .option('-P, --p-value <p>', 'maximum p-value of a change point', '0.001')
    .option('-M, --magnitude <m>', 'minimum magnitude of a change point (max of |new/old − 1|, |old/new − 1|)', '0.0')
    .option('--window <n>', 'points analysed at once', '50')
    .option('--branch [name]', 'CSV: rows of this branch column value; postgres: %{BRANCH} in the query; graphite: %{BRANCH} in the prefix ($BRANCH)')
    .option('--metrics <list>', 'a comma-separated subset of the test\'s metrics')
    .option('--since <date>', 'start of the time span (YYYY-MM-DD[ HH:MM:SS], epoch seconds, "10 weeks ago"; default a year ago)')
    .option('--until <date>', 'end of the time span, exclusive (default now)')
    .option('--last <n>', 'only the last N points after the time filter')
    .option('--attrs <list>', 'graphite tests: a comma-separated subset of the attributes run, branch, version, commit')
    .addHelpText('after', '\nExamples:\n  perfhound otava analyze my.test --config-file otava.yaml --output regressions_only -P 0.01 --window 30\n  perfhound otava analyze my.graphite.test --config-file otava.yaml --graphite-url http://graphite.example:8080/ --branch main --attrs run,commit')
    .action(async (tests: string[], flags: AnalyzeFlags) => {
      const { otavaAnalyze } = await import('../otava/commands.js');
      finish(
        await otavaAnalyze(
          {
            configFile: flags.configFile,
            tests,
            output: flags.output,
            pValue: number(flags.pValue, '-P', (n) => n >= 0 && n <= 1, 'a number in [0, 1]'),
            magnitude: number(flags.magnitude, '-M', (n) => n >= 0, 'a number ≥ 0'),
            window: number(flags.window, '--window', (n) => Number.isInteger(n) && n >= 2, 'an integer ≥ 2'),
            branch: typeof flags.branch === 'string' ? flags.branch : undefined,
            metrics: flags.metrics?.split(','),
            since: flags.since,
            until: flags.until,
            last: flags.last === undefined ? undefined : number(flags.last, '--last', Number.isInteger, 'an integer'),
            attrs: flags.attrs === undefined ? undefined : attributeList(flags.attrs),
            ...services(flags),
          },
          io(),
        ),
      );
    });

  withServiceOptions(otava.command('list-tests'))
    .description('test names, sorted (all, or those of the given groups)')
    .argument('[groups...]', 'test group names')
    .addHelpText('after', '\nExample:\n  perfhound otava list-tests --config-file otava.yaml')
    .action(async (groups: string[], flags: ServiceFlags) => {
      const { otavaListTests } = await import('../otava/commands.js');
      finish(await otavaListTests(flags.configFile, groups, io()));
    });

  withServiceOptions(otava.command('list-groups'))
    .description('test group names, sorted')
    .addHelpText('after', '\nExample:\n  perfhound otava list-groups --config-file otava.yaml')
    .action(async (flags: ServiceFlags) => {
      const { otavaListGroups } = await import('../otava/commands.js');
      finish(await otavaListGroups(flags.configFile, io()));
    });

  withServiceOptions(otava.command('list-metrics'))
    .description('the metric names of a test')
    .argument('<test>', 'test name')
    .addHelpText('after', '\nExample:\n  perfhound otava list-metrics my.test --config-file otava.yaml')
    .action(async (test: string, flags: ServiceFlags) => {
      const { otavaListMetrics } = await import('../otava/commands.js');
      finish(await otavaListMetrics(flags.configFile, test, services(flags), io()));
    });

  withServiceOptions(otava.command('validate'))
    .description('check the configuration: unique metric names, every test\'s data readable (last 365 days)')
    .addHelpText('after', '\nExit code 1 when the configuration is invalid.\n\nExample:\n  perfhound otava validate --config-file otava.yaml')
    .action(async (flags: ServiceFlags) => {
      const { otavaValidate } = await import('../otava/commands.js');
      finish(await otavaValidate(flags.configFile, services(flags), io()));
    });
}
