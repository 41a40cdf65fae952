/**
 * The commands of `otava` (Apache Otava 0.8's CLI) over its own configuration files: analyze,
 * list-tests, list-groups, list-metrics, validate. Output goes to the given writers so the same code
 * serves `perfhound otava …` and the tests; the change points are perfhound's exact port of Otava's
 * algorithm, the text is Otava's byte for byte.
 *
 * Differences from Otava 0.8, chosen because Otava's behaviour there is a fault:
 * - a test whose data cannot be imported is reported on stderr and the command exits 1 at the end
 *   (Otava logs it and exits 0, so a CI job never notices); the other tests are still analysed;
 * - `-P` may also be written `--p-value` (Otava declares it so that only `-P` works).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
// Static, not import(): bundled (scripts/build-cli.mjs), a dynamic import of this CommonJS package gives
// its default export alone.
import { parse } from 'yaml';
import { UserError, errorMessage } from '../util/errors.js';
import { parseDateTime } from '../util/time.js';
import { changePointGroups, type OtavaAnalysisOptions } from './analysis.js';
import { readOtavaConfig, selectTests, type OtavaConfig, type PostgresSettings } from './config.js';
import { formatReport, type ReportFormat } from './report.js';
import { importSeries, metricNames, type DataSelector, type ImportContext } from './series.js';

export interface OtavaIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
  now?: Date;
}

/** Reads the configuration: `--config-file`, else `$OTAVA_CONFIG`, else ~/.otava/conf.yaml or ~/.otava/otava.yaml. */
export async function loadOtavaConfig(configFile: string | undefined, io: OtavaIo): Promise<OtavaConfig> {
  const candidates = configFile
    ? [configFile]
    : io.env.OTAVA_CONFIG
      ? [io.env.OTAVA_CONFIG]
      : io.env.HOME
        ? [`${io.env.HOME}/.otava/conf.yaml`, `${io.env.HOME}/.otava/otava.yaml`]
        : [];
  for (const file of candidates) {
    const path = isAbsolute(file) ? file : resolve(io.cwd, file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !configFile && candidates.length > 1) continue;
      throw new UserError(`cannot read the configuration (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file });
    }
    let document: unknown;
    try {
      // the alias limit refuses "billion laughs" documents instead of expanding them
      document = parse(text, { maxAliasCount: 100 });
    } catch (err) {
      throw new UserError(`not valid YAML: ${(err as Error).message.split('\n')[0]}`, { file });
    }
    return readOtavaConfig(document, file);
  }
  throw new UserError('no configuration: give --config-file FILE or set OTAVA_CONFIG');
}

const RELATIVE = /^(\d+)\s*(second|minute|hour|day|week|month|year)s?\s+ago$/i;
const UNIT_SECONDS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800, month: 2592000, year: 31536000 };

/** Unix seconds of a `--since`/`--until` value: a date or time (UTC unless it names a zone), epoch seconds, or "N days ago". */
export function parseWhen(value: string, flag: string, now: Date): number {
  const relative = RELATIVE.exec(value.trim());
  if (relative) return now.getTime() / 1000 - Number(relative[1]) * UNIT_SECONDS[relative[2].toLowerCase()];
  if (value.trim().toLowerCase() === 'now') return now.getTime() / 1000;
  if (/^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  const ms = parseDateTime(value);
  if (ms === null) throw new UserError(`"${value}" is not a date (YYYY-MM-DD[ HH:MM:SS], epoch seconds or "N days ago")`, { field: flag });
  return ms / 1000;
}

export interface AnalyzeArgs {
  configFile?: string;
  tests: string[];
  output: ReportFormat;
  pValue: number;
  magnitude: number;
  window: number;
  branch?: string;
  metrics?: string[];
  since?: string;
  until?: string;
  last?: number;
  /** graphite tests: only these of run, branch, version, commit (`--attrs`) */
  attrs?: string[];
  postgres: PostgresSettings;
  /** `--graphite-url` or $GRAPHITE_ADDRESS (either wins over the configuration's `graphite: {url}`) */
  graphiteUrl?: string;
}

export interface ServiceSettings {
  postgres: PostgresSettings;
  graphiteUrl?: string;
}

function importContext(config: OtavaConfig, args: ServiceSettings, io: OtavaIo): ImportContext {
  return { cwd: io.cwd, postgres: { ...config.postgres, ...definedOnly(args.postgres) }, graphiteUrl: args.graphiteUrl || config.graphiteUrl };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `otava analyze`: prints each test's report; returns the exit code (1 when a test could not be analysed). */
export async function otavaAnalyze(args: AnalyzeArgs, io: OtavaIo): Promise<number> {
  const config = await loadOtavaConfig(args.configFile, io);
  const tests = selectTests(config, args.tests);
  const now = io.now ?? new Date();
  const selector: DataSelector = {
    since: args.since === undefined ? now.getTime() / 1000 - 365 * 86400 : parseWhen(args.since, '--since', now),
    until: args.until === undefined ? now.getTime() / 1000 : parseWhen(args.until, '--until', now),
    branch: args.branch || io.env.BRANCH || undefined,
    metrics: args.metrics,
    last: args.last,
    attributes: args.attrs,
  };
  const options: OtavaAnalysisOptions = { windowLen: args.window, maxPvalue: args.pValue, minMagnitude: args.magnitude };
  const context = importContext(config, args, io);
  let failed = 0;
  for (const test of tests) {
    try {
      const series = await importSeries(test, selector, context);
      io.err(`INFO: Computing change points for test ${test.name}...\n`);
      const groups = changePointGroups(series, options);
      io.out(formatReport(test.name, series, groups, args.output) + '\n');
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      failed++;
      io.err(`ERROR: ${errorMessage(err)}\n`);
    }
  }
  return failed ? 1 : 0;
}

export async function otavaListTests(configFile: string | undefined, groups: string[], io: OtavaIo): Promise<number> {
  const config = await loadOtavaConfig(configFile, io);
  let names: string[];
  if (groups.length) {
    names = groups.flatMap((group) => {
      const members = config.groups.get(group);
      if (!members) throw new UserError(`no test group named "${group}"`);
      return members;
    });
  } else names = [...config.tests.keys()];
  for (const name of [...names].sort(pythonOrder)) io.out(name + '\n');
  return 0;
}

export async function otavaListGroups(configFile: string | undefined, io: OtavaIo): Promise<number> {
  const config = await loadOtavaConfig(configFile, io);
  for (const name of [...config.groups.keys()].sort(pythonOrder)) io.out(name + '\n');
  return 0;
}

export async function otavaListMetrics(configFile: string | undefined, testName: string, services: ServiceSettings, io: OtavaIo): Promise<number> {
  const config = await loadOtavaConfig(configFile, io);
  const test = config.tests.get(testName);
  if (!test) throw new UserError(`no test named "${testName}"`);
  for (const name of await metricNames(test, importContext(config, services, io))) io.out(name + '\n');
  return 0;
}

/**
 * `otava validate`: every test's metric names are unique across tests, and every test's data imports
 * (the last 365 days); an empty metric is a warning. Exit 1 when anything is invalid.
 */
export async function otavaValidate(configFile: string | undefined, services: ServiceSettings, io: OtavaIo): Promise<number> {
  const config = await loadOtavaConfig(configFile, io);
  const context = importContext(config, services, io);
  const now = io.now ?? new Date();
  const seen = new Set<string>();
  let valid = true;
  for (const [name, test] of config.tests) {
    io.err(`INFO: Checking ${name}\n`);
    // Otava's fully qualified names: json `test.metric`, graphite `prefix.suffix`
    const names =
      test.type === 'json'
        ? (await metricNames(test, context).catch(() => [])).map((m) => `${name}.${m}`)
        : test.type === 'graphite'
          ? test.metrics.map((m) => `${test.prefix}.${m.suffix}`)
          : await metricNames(test, context).catch(() => []);
    for (const metric of names) {
      if (seen.has(metric)) {
        valid = false;
        io.err(`ERROR: Found duplicated metric: ${metric}\n`);
      }
      seen.add(metric);
    }
    try {
      const series = await importSeries(test, { since: now.getTime() / 1000 - 365 * 86400, until: now.getTime() / 1000 }, context);
      for (const [metric, values] of series.data) if (values.length === 0) io.err(`WARNING: Test's metric does not have data: ${name} ${metric}\n`);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      valid = false;
      io.err(`ERROR: Invalid test definition: ${name}: ${errorMessage(err)}\n`);
    }
  }
  io.err(`INFO: Validation finished: ${valid ? 'VALID' : 'INVALID'}\n`);
  return valid ? 0 : 1;
}

/** Python's default string order (by code point), not the locale's. */
function pythonOrder(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
