import { writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { Command, Option } from 'commander';
import { runAnalysis } from '../analyze/index.js';
import { analyzeInWorkers, jobsFor, MAX_JOBS } from '../analyze/parallel.js';
import type { Algorithm, AnalysisReport, TestReport } from '../analyze/index.js';
import { loadAckFile, loadAnalysisConfig, mergeAcks } from '../config/index.js';
import { csvParts, formatTestCsv } from '../output/csv.js';
import { jsonParts, testToJsonRows } from '../output/json.js';
import { junitParts } from '../output/junit.js';
import type { ReportParts } from '../output/parts.js';
import { formatTestText, textParts } from '../output/text.js';
import { chooseSourceKind, openSource, SOURCE_KINDS, type SourceKind, type SourceSelection } from '../sources/index.js';
import { UserError } from '../util/errors.js';
import { toJson } from '../util/json.js';
import { setLogLevel } from '../util/log.js';
import { addDbOption, parseInteger, parseOutput, parsePositiveInt } from './common.js';
import { EXIT_NO_DATA, EXIT_OK, EXIT_REGRESSION } from './exit-codes.js';

const FORMATS = ['text', 'json', 'junit', 'csv'] as const;
type Format = (typeof FORMATS)[number];

interface AnalyzeFlags {
  config?: string;
  hunterAnalyze?: boolean;
  cmr?: boolean;
  anomalyDetection?: boolean;
  anomalyWindow?: string;
  minAnomalyPercent?: string;
  lookback?: string;
  since?: string;
  lookbackSize: string;
  uuid?: string;
  baseline?: string;
  outputFormat: string;
  saveOutputPath?: string;
  saveDataPath?: string;
  collapse?: boolean;
  display: string;
  columnGroupSize: string;
  ack?: string;
  inputVars: string;
  esServer?: string;
  metadataIndex?: string;
  benchmarkIndex?: string;
  nodeCount: string;
  source?: string;
  csv?: string;
  db?: string;
  jobs: string;
}

export function registerAnalyze(program: Command): void {
  const cmd = program
    .command('analyze')
    .alias('cmd-mode')
    .description('find regressions with an Orion config over the store, OpenSearch or a CSV file (Orion-compatible flags)')
    .option('--config <file>', 'Orion analysis config (YAML, Jinja2-templated)')
    .option('--hunter-analyze', 'E-divisive change point detection (the default)')
    .option('--cmr', 'compare the most recent run with the mean of the previous ones')
    .option('--anomaly-detection', 'isolation forest + rolling-mean deviation')
    .option('--anomaly-window <n>', 'rolling-mean window of --anomaly-detection (default 5)')
    .option('--min-anomaly-percent <n>', 'minimum deviation in percent of --anomaly-detection (default 10)')
    .option('--lookback <XdYh>', 'only runs newer than this (e.g. 15d, 12h, 1d12h) before --since or now')
    .option('--since <YYYY-MM-DD>', 'only runs before this day')
    .option('--lookback-size <n>', 'newest N runs at most', '10000')
    .option('--uuid <id>', "select runs by this run's metadata instead of the config's")
    .option('--baseline <ids>', 'with --uuid: compare exactly these runs (comma/space separated) and the uuid')
    .option('-o, --output-format <format>', `output: ${FORMATS.join('|')}`, 'text')
    .option('--save-output-path <path>', 'also write per-test files: <base>_table_<test>.txt, <base>_<test>.json, <base>_<test>.xml')
    .option('--save-data-path <path>', 'also write each test\'s data to <path without extension>-<test>.csv')
    .option('--collapse', 'text: only the regression summary; json: only rows at change points and their neighbours')
    .option('--display <fields>', 'metadata fields shown as columns (comma list; "" for none)', 'buildUrl')
    .option('--column-group-size <n>', 'metric columns per text table', '5')
    .option('--ack <files>', 'Orion ack files (comma list)')
    .option('--input-vars <json>', 'template variables for the config (override environment variables)', '{}')
    .addOption(new Option('--es-server <url>', 'OpenSearch/Elasticsearch URL').env('ES_SERVER'))
    .addOption(new Option('--metadata-index <pattern>', 'metadata index (store: run collection pattern)').env('ES_METADATA_INDEX'))
    .addOption(new Option('--benchmark-index <pattern>', 'benchmark index (store: document collection pattern)').env('ES_BENCHMARK_INDEX'))
    .option('--node-count <bool>', 'false: compare only kube-burner runs with the newest run\'s jobIterations', 'false')
    .addOption(new Option('--source <kind>', 'where the data is (default: opensearch with --es-server, else store)').choices([...SOURCE_KINDS]))
    .option('--csv <file>', 'with --source csv: the CSV file (Otava layout)')
    // Default 1: on the 2-core benchmark machine under load, workers cost more CPU (start-up, each parsing
    // the runs' metadata) than they saved in wall time (bench/analyze.ts prints both).
    .option('--jobs <n>', `store: tests analysed in parallel on worker threads (a number, or "auto" = min(cores, tests, ${MAX_JOBS}))`, '1')
    .addHelpText('after', '\nExit codes: 0 no regression, 1 error, 2 regression found, 3 no data.');
  addDbOption(cmd).action(async (flags: AnalyzeFlags, command: Command) => {
    if (command.optsWithGlobals().debug) setLogLevel('debug');
    process.exitCode = await analyzeCommand(flags);
  });
}

async function analyzeCommand(flags: AnalyzeFlags): Promise<number> {
  if (!flags.config) throw new UserError('--config FILE is required', { field: '--config' });
  const algorithm = chooseAlgorithm(flags);
  const format = parseOutput<Format>(flags.outputFormat, FORMATS, '--output-format');
  const inputVars = parseInputVars(flags.inputVars);
  const config = await loadAnalysisConfig(flags.config, { inputVars });
  const acks = flags.ack ? mergeAcks(await Promise.all(splitList(flags.ack).map((p) => loadAckFile(p)))) : [];
  const selection: SourceSelection = {
    source: flags.source as SourceKind | undefined,
    esServer: flags.esServer || undefined,
    db: flags.db,
    csvFile: flags.csv,
    metadataIndex: flags.metadataIndex || undefined,
    benchmarkIndex: flags.benchmarkIndex || undefined,
  };
  const jobs = jobsFor(flags.jobs === 'auto' ? 'auto' : positive(flags.jobs, '--jobs'), config.tests.length);
  const opened = await openSource(selection);
  // Only the store is read from worker threads: each opens its own connection to the same database.
  const analyzeTests = chooseSourceKind(selection) === 'store' ? analyzeInWorkers(jobs, selection) : undefined;
  const options = { collapse: flags.collapse, columnGroupSize: positive(flags.columnGroupSize, '--column-group-size') };
  const parts = formatParts(format, options, config.tests.length);
  // Each test is written (and its files saved) as soon as it is analysed, so neither its table nor its
  // text is held until the end (50 tests × 20 metrics × 500 runs is 57 MB of JSON). Orion prints test by
  // test too; an error half-way leaves the output cut short, and exit code 1 says so.
  let written = 0;
  let report: AnalysisReport;
  try {
    report = await runAnalysis(
      config,
      {
        algorithm,
        anomalyWindow: flags.anomalyWindow !== undefined ? positive(flags.anomalyWindow, '--anomaly-window') : undefined,
        minAnomalyPercent: flags.minAnomalyPercent !== undefined ? parsePositiveInt(flags.minAnomalyPercent, '--min-anomaly-percent') : undefined,
        lookback: flags.lookback,
        since: flags.since,
        lookbackSize: positive(flags.lookbackSize, '--lookback-size'),
        uuid: flags.uuid,
        baseline: flags.baseline ? splitList(flags.baseline, /[\s,]+/) : undefined,
        metadataIndex: flags.metadataIndex || undefined,
        benchmarkIndex: flags.benchmarkIndex || undefined,
        nodeCount: parseBool(flags.nodeCount, '--node-count'),
        display: splitList(flags.display),
        acks,
      },
      {
        source: opened.source,
        store: opened.store,
        analyzeTests,
        warn: (m) => process.stderr.write(`warning: ${m}\n`),
        onTest: async (test) => {
          process.stdout.write((written === 0 ? parts.head : '') + parts.test(test, written++));
          await saveFiles(test, format, flags, options);
        },
      },
    );
  } finally {
    await opened.close();
  }
  process.stdout.write((written === 0 ? parts.head : '') + parts.tail(report.tests.length));
  if (report.regression) return EXIT_REGRESSION;
  return report.noData ? EXIT_NO_DATA : EXIT_OK;
}

function formatParts(format: Format, options: { collapse?: boolean; columnGroupSize: number }, testCount: number): ReportParts {
  switch (format) {
    case 'json':
      return jsonParts(options);
    case 'junit':
      return junitParts();
    case 'csv':
      return csvParts(testCount);
    case 'text':
      return textParts(options);
  }
}

/** Orion's per-test files; written only when asked for (Orion writes output.txt / data.csv by default). */
async function saveFiles(test: TestReport, format: Format, flags: AnalyzeFlags, options: { collapse?: boolean; columnGroupSize: number }): Promise<void> {
  if (flags.saveOutputPath) {
    const base = withoutExtension(flags.saveOutputPath);
    if (format === 'json') await writeFile(`${base}_${test.name}.json`, toJson(testToJsonRows(test, options), 2) + '\n');
    else if (format === 'junit') await writeFile(`${base}_${test.name}.xml`, junitOf(test));
    else if (format === 'text') await writeFile(`${base}_table_${test.name}.txt`, formatTestText(test, { ...options, collapse: false }));
  }
  if (flags.saveDataPath) await writeFile(`${withoutExtension(flags.saveDataPath)}-${test.name}.csv`, formatTestCsv(test));
}

function junitOf(test: TestReport): string {
  const parts = junitParts();
  return parts.head + parts.test(test, 0) + parts.tail(1);
}

/** The path without its extension (Orion's `split('.')` would cut `./out/data.csv` at the first dot). */
function withoutExtension(path: string): string {
  return join(dirname(path), basename(path, extname(path)));
}

function chooseAlgorithm(flags: AnalyzeFlags): Algorithm {
  const chosen: Algorithm[] = [];
  if (flags.hunterAnalyze) chosen.push('hunter');
  if (flags.cmr) chosen.push('cmr');
  if (flags.anomalyDetection) chosen.push('anomaly');
  if (chosen.length > 1) throw new UserError('--hunter-analyze, --cmr and --anomaly-detection are mutually exclusive', { field: '--' + chosen.join('/') });
  if ((flags.anomalyWindow !== undefined || flags.minAnomalyPercent !== undefined) && !flags.anomalyDetection) {
    throw new UserError('--anomaly-window and --min-anomaly-percent need --anomaly-detection', { field: '--anomaly-window' });
  }
  return chosen[0] ?? 'hunter';
}

function parseInputVars(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError(`not valid JSON: ${(err as Error).message}`, { field: '--input-vars' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UserError('must be a JSON object', { field: '--input-vars' });
  return value as Record<string, unknown>;
}

function parseBool(text: string, flag: string): boolean {
  const t = text.trim().toLowerCase();
  if (['true', '1', 'yes', 'y', 't', 'on'].includes(t)) return true;
  if (['false', '0', 'no', 'n', 'f', 'off'].includes(t)) return false;
  throw new UserError(`"${text}" is not a boolean (true/false)`, { field: flag });
}

function positive(text: string, flag: string): number {
  return parseInteger(text, flag, { min: 1 });
}

function splitList(text: string, separator: RegExp = /,/): string[] {
  return text
    .split(separator)
    .map((s) => s.trim())
    .filter(Boolean);
}
