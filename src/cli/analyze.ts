import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { Command, Option } from 'commander';
import { runAnalysis } from '../analyze/index.js';
import { analyzeInWorkers, jobsFor, MAX_JOBS } from '../analyze/parallel.js';
import type { Algorithm, AnalysisOptions, AnalysisReport, TestReport } from '../analyze/index.js';
import { loadAckFile, loadAnalysisConfig, mergeAcks } from '../config/index.js';
import { csvParts, formatTestCsv } from '../output/csv.js';
import { orionJsonParts, orionRowsJson } from '../output/json.js';
import { junitParts } from '../output/junit.js';
import { DEFAULT_TINYURL_API, shortenBuildUrls, tinyUrlShortener } from '../analyze/tinyurl.js';
import type { ReportParts } from '../output/parts.js';
import { formatStandaloneReport, workloadName, type SavedRow, type Workload } from '../output/standalone-report.js';
import { formatTestText, textParts } from '../output/text.js';
import { chooseSourceKind, openSource, SOURCE_KINDS, type SourceKind, type SourceSelection } from '../sources/index.js';
import { UserError } from '../util/errors.js';
import { setLogLevel } from '../util/log.js';
import { addDbOption, assertDatabaseExists, parseInteger, parseOutput, parsePositiveInt } from './common.js';
import { EXIT_NO_DATA, EXIT_OK, EXIT_REGRESSION } from './exit-codes.js';
import { addThresholdOptions, PREFIXED, thresholdFromFlags } from './threshold-flags.js';
import { addIntegrationOptions, prepareIntegrations, type IntegrationFlags } from './analyze-integrations.js';

const FORMATS = ['text', 'json', 'junit', 'csv'] as const;
type Format = (typeof FORMATS)[number];

interface AnalyzeFlags extends IntegrationFlags {
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
  saveOutputPath: string;
  saveDataPath: string;
  collapse?: boolean;
  explain?: boolean;
  display: string;
  columnGroupSize: string;
  /** false with --no-ack. */
  ack?: string | false;
  inputVars: string;
  esServer?: string;
  metadataIndex?: string;
  benchmarkIndex?: string;
  nodeCount: string;
  source?: string;
  csv?: string;
  db?: string;
  jobs: string;
  orionCompat?: boolean;
  report?: string;
  convertTinyurl?: boolean;
  tinyurlUrl: string;
  viz?: boolean;
  interactive?: boolean;
  /** false with --no-record. */
  record?: boolean;
}

export function registerAnalyze(program: Command): void {
  const cmd = program
    .command('analyze')
    .alias('cmd-mode')
    .description('find regressions with an Orion config over the store, OpenSearch or a CSV file (Orion-compatible flags)')
    .option('--config <file>', 'Orion analysis config (YAML, Jinja2-templated)')
    .option('--hunter-analyze', 'E-divisive change point detection (without an algorithm flag nothing is analysed, as in Orion)')
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
    .option('--save-output-path <path>', 'per-test output files, as Orion: <base>_table_<test>.txt (text), <base>_<test>.json (json, and any format when $PROW_JOB_ID is set), <base>_<test>.xml (junit)', 'output.txt')
    .option('--save-data-path <path>', 'each test\'s data as <path without extension>-<test>.csv', 'data.csv')
    .option('--collapse', 'text: only the regression summary; json: only rows at change points and their neighbours')
    .option('--explain', 'json: each change point\'s metric also gets an "explanation" (means and spreads before/after, p-value, relative magnitude, the rule that kept it); without it the rows are Orion\'s')
    .option('--display <fields>', 'metadata fields shown as columns (comma list; "" for none)', 'buildUrl')
    .option('--column-group-size <n>', 'metric columns per text table', '5')
    .option('--ack <files>', 'Orion ack files (comma list)')
    .option('--no-ack', "apply no acknowledgement (neither --ack files nor the store's acks): every change point is reported")
    .option('--input-vars <json>', 'template variables for the config (override environment variables)', '{}')
    .addOption(new Option('--es-server <url>', 'OpenSearch/Elasticsearch URL (also $es_server)').env('ES_SERVER'))
    .addOption(new Option('--metadata-index <pattern>', 'metadata index (store: run collection pattern; also $es_metadata_index)').env('ES_METADATA_INDEX'))
    .addOption(new Option('--benchmark-index <pattern>', 'benchmark index (store: document collection pattern; also $es_benchmark_index)').env('ES_BENCHMARK_INDEX'))
    .option('--node-count <bool>', 'false: compare only kube-burner runs with the newest run\'s jobIterations', 'false')
    .addOption(new Option('--source <kind>', 'where the data is (default: opensearch with --es-server, else store)').choices([...SOURCE_KINDS]))
    .option('--csv <file>', 'with --source csv: the CSV file (Otava layout)')
    // Default 1: on the 2-core benchmark machine under load, workers cost more CPU (start-up, each parsing
    // the runs' metadata) than they saved in wall time (bench/analyze.ts prints both).
    .option('--jobs <n>', `store: tests analysed in parallel on worker threads (a number, or "auto" = min(cores, tests, ${MAX_JOBS}))`, '1')
    .option('--convert-tinyurl', 'shorten build URLs through TinyURL (a failure keeps them long, with a warning)')
    .addOption(new Option('--tinyurl-url <url>', "TinyURL's api-create endpoint").env('PERFHOUND_TINYURL_URL').default(DEFAULT_TINYURL_API))
    .option('-i, --interactive', 'a wizard: asks for the source, test, metadata, metrics and algorithm, writes the config and prints the command')
    .option('--viz', "also write each test's interactive chart page, <base>_<test>_viz.html (self-contained: works offline)")
    .option('--report <files>', "standalone: Orion's regression summary over saved JSON outputs (comma list), no data source; exit 2 on a regression")
    .option('--no-record', 'store: analyse without writing (the regressions found are not recorded)')
    .option('--filter', "accepted for Orion's scripts and ignored, as Orion ignores it")
    .option('--orion-compat', "Orion's behaviour where perfhound deliberately differs (docs/orion-differences.md): an exact version field selects nothing, a test-level direction is ignored");
  addThresholdOptions(cmd, PREFIXED)
    .addHelpText('after', '\nExit codes: 0 no regression, 1 error, 2 regression found, 3 no data.\nDeliberate differences from Orion, and the flags restoring its behaviour: docs/orion-differences.md');
  addIntegrationOptions(cmd);
  addDbOption(cmd).action(async (flags: AnalyzeFlags, command: Command) => {
    if (command.optsWithGlobals().debug) setLogLevel('debug');
    process.exitCode = await analyzeCommand(flags);
  });
}

/** `--report FILES`: Orion's standalone summary of saved JSON outputs. */
async function standaloneReport(paths: string[]): Promise<number> {
  if (paths.length === 0) throw new UserError('names no file', { field: '--report' });
  const workloads: Workload[] = [];
  for (const path of paths) {
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new UserError(`cannot read ${path}: ${err.code ?? err.message}`, { file: path, field: '--report' });
    });
    let rows: unknown;
    try {
      rows = JSON.parse(text);
    } catch (err) {
      throw new UserError(`not JSON: ${(err as Error).message}`, { file: path, field: '--report' });
    }
    if (!Array.isArray(rows)) throw new UserError("not a saved Orion JSON output (a test's array of rows)", { file: path, field: '--report' });
    workloads.push({ name: workloadName(path), rows: rows as SavedRow[] });
  }
  const { text, regression } = formatStandaloneReport(workloads);
  process.stdout.write(text);
  return regression ? EXIT_REGRESSION : EXIT_OK;
}

/** Orion's lower-case environment variables, read as the upper-case ones (a flag or the upper-case name wins). */
function lowerCaseEnv(flags: AnalyzeFlags): void {
  flags.esServer ??= process.env.es_server;
  flags.metadataIndex ??= process.env.es_metadata_index;
  flags.benchmarkIndex ??= process.env.es_benchmark_index;
}

async function analyzeCommand(flags: AnalyzeFlags): Promise<number> {
  lowerCaseEnv(flags);
  if (flags.interactive) return (await import('./interactive.js')).runWizard({ input: process.stdin, err: process.stderr, out: process.stdout }, { db: flags.db });
  if (flags.report !== undefined) return standaloneReport(splitList(flags.report));
  if (!flags.config) throw new UserError('--config FILE is required', { field: '--config' });
  const algorithm = chooseAlgorithm(flags);
  if (flags.uuid !== undefined && !flags.uuid.trim()) throw new UserError('is empty: give a run id, or leave --uuid out', { field: '--uuid' });
  const format = parseOutput<Format>(flags.outputFormat, FORMATS, '--output-format');
  const inputVars = parseInputVars(flags.inputVars);
  await checkFolder(flags.saveOutputPath, '--save-output-path');
  await checkFolder(flags.saveDataPath, '--save-data-path');
  const config = await loadAnalysisConfig(flags.config, { inputVars, orionCompat: flags.orionCompat });
  const acks = typeof flags.ack === 'string' ? mergeAcks(await Promise.all(splitList(flags.ack).map((p) => loadAckFile(p)))) : [];
  const selection: SourceSelection = {
    source: flags.source as SourceKind | undefined,
    esServer: flags.esServer || undefined,
    db: flags.db,
    csvFile: flags.csv,
    metadataIndex: flags.metadataIndex || undefined,
    benchmarkIndex: flags.benchmarkIndex || undefined,
  };
  const jobs = jobsFor(flags.jobs === 'auto' ? 'auto' : positive(flags.jobs, '--jobs'), config.tests.length);
  const options = { collapse: flags.collapse, explain: flags.explain, columnGroupSize: positive(flags.columnGroupSize, '--column-group-size') };
  const analysisOptions: AnalysisOptions = {
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
    noAck: flags.ack === false,
    runThreshold: thresholdFromFlags(flags as unknown as Record<string, unknown>, PREFIXED),
  };
  if (!algorithm) {
    // Orion: "No algorithm configured", nothing analysed, exit 0.
    process.stderr.write('No algorithm configured: nothing analysed (choose --hunter-analyze, --cmr or --anomaly-detection). Terminating test\n');
    return EXIT_OK;
  }
  const warn = (m: string) => process.stderr.write(`warning: ${m}\n`);
  // Sippy, GitHub, Jira and PR mode (analyze-integrations.ts): failures there are warnings.
  const integrations = await prepareIntegrations(flags, config, inputVars, warn);
  analysisOptions.acks = [...acks, ...integrations.acks];
  if (chooseSourceKind(selection) === 'store') assertDatabaseExists(flags.db);
  const opened = await openSource(selection);
  // Only the store is read from worker threads: each opens its own connection to the same database.
  const analyzeTests = chooseSourceKind(selection) === 'store' ? analyzeInWorkers(jobs, selection) : undefined;
  const parts = formatParts(format, options, config.tests.length);
  // Each test is written (and its files saved) as soon as it is analysed, so neither its table nor its
  // text is held until the end (50 tests × 20 metrics × 500 runs is 57 MB of JSON). Orion prints test by
  // test too; an error half-way leaves the output cut short, and exit code 1 says so.
  let written = 0;
  let report: AnalysisReport;
  const shorten = flags.convertTinyurl ? tinyUrlShortener(flags.tinyurlUrl, warn) : undefined;
  try {
    const deps = { source: opened.source, store: opened.store, analyzeTests, warn, recordRegressions: flags.record !== false };
    if (integrations.pr) return await integrations.pr.run(analysisOptions, deps, { format, text: options, saveOutputPath: flags.saveOutputPath, saveDataPath: flags.saveDataPath });
    report = await runAnalysis(config, analysisOptions, {
      ...deps,
      onTest: async (analysed) => {
        const test = await integrations.enrich(shorten ? await shortenBuildUrls(analysed, shorten) : analysed);
        process.stdout.write((written === 0 ? parts.head : '') + parts.test(test, written++));
        await saveFiles(test, format, flags, options);
        if (flags.viz) await saveViz(test, flags.saveOutputPath);
      },
    });
  } finally {
    await opened.close();
  }
  process.stdout.write((written === 0 ? parts.head : '') + parts.tail(report.tests.length));
  sayAcknowledged(report.tests);
  if (report.regression) return EXIT_REGRESSION;
  return report.noData ? EXIT_NO_DATA : EXIT_OK;
}

/** The change points acks silenced are said (stderr, so stdout stays Orion's), never hidden silently. */
function sayAcknowledged(tests: TestReport[]): void {
  const acked = tests.flatMap((t) => (t.acknowledged ?? []).map((a) => `${t.name} ${a.column} at ${a.uuid}`));
  if (acked.length === 0) return;
  const n = acked.length === 1 ? '1 regression' : `${acked.length} regressions`;
  process.stderr.write(`${n} acknowledged, not reported (--no-ack reports them): ${acked.join('; ')}\n`);
}

function formatParts(format: Format, options: { collapse?: boolean; explain?: boolean; columnGroupSize: number }, testCount: number): ReportParts {
  switch (format) {
    case 'json':
      return orionJsonParts(options);
    case 'junit':
      return junitParts();
    case 'csv':
      return csvParts(testCount);
    case 'text':
      return textParts(options);
  }
}

/**
 * Orion's per-test files, always written (reference orion.md §1.4): the output in the chosen format (and
 * JSON too under Prow, `$PROW_JOB_ID`), and the test's data as CSV.
 */
async function saveFiles(test: TestReport, format: Format, flags: AnalyzeFlags, options: { collapse?: boolean; explain?: boolean; columnGroupSize: number }): Promise<void> {
  const base = withoutExtension(flags.saveOutputPath);
  if (format === 'json' || process.env.PROW_JOB_ID) await save(`${base}_${test.name}.json`, orionRowsJson(test, options) + '\n', '--save-output-path');
  if (format === 'junit') await save(`${base}_${test.name}.xml`, junitOf(test), '--save-output-path');
  else if (format === 'text') await save(`${base}_table_${test.name}.txt`, formatTestText(test, { ...options, collapse: false }), '--save-output-path');
  await save(`${withoutExtension(flags.saveDataPath)}-${test.name}.csv`, formatTestCsv(test), '--save-data-path');
}

/** `--viz`: Orion's `{base}_{test}_viz.html`, uPlot read from node_modules once per process. */
let vizAssets: Promise<import('../output/viz.js').VizAssets> | undefined;
async function saveViz(test: TestReport, saveOutputPath: string): Promise<void> {
  const { formatTestViz, loadVizAssets } = await import('../output/viz.js');
  vizAssets ??= loadVizAssets();
  await save(`${withoutExtension(saveOutputPath)}_${test.name}_viz.html`, formatTestViz(test, await vizAssets), '--save-output-path');
}

async function save(path: string, text: string, flag: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (err) {
    throw new UserError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { file: path, field: flag });
  }
}

/** The folder a file flag writes into must exist, said before anything is analysed (not after, as ENOENT). */
async function checkFolder(path: string, flag: string): Promise<void> {
  const folder = dirname(path);
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new UserError(`the folder "${folder}" of ${path} does not exist (create it, or give another path)`, { field: flag });
}

function junitOf(test: TestReport): string {
  const parts = junitParts();
  return parts.head + parts.test(test, 0) + parts.tail(1);
}

/** The path without its extension (Orion's `split('.')` would cut `./out/data.csv` at the first dot). */
function withoutExtension(path: string): string {
  return join(dirname(path), basename(path, extname(path)));
}

/** The algorithm flag given; none (Orion analyses nothing then). */
function chooseAlgorithm(flags: AnalyzeFlags): Algorithm | undefined {
  const chosen: Algorithm[] = [];
  if (flags.hunterAnalyze) chosen.push('hunter');
  if (flags.cmr) chosen.push('cmr');
  if (flags.anomalyDetection) chosen.push('anomaly');
  if (chosen.length > 1) throw new UserError('--hunter-analyze, --cmr and --anomaly-detection are mutually exclusive', { field: '--' + chosen.join('/') });
  if ((flags.anomalyWindow !== undefined || flags.minAnomalyPercent !== undefined) && !flags.anomalyDetection) {
    throw new UserError('--anomaly-window and --min-anomaly-percent need --anomaly-detection', { field: '--anomaly-window' });
  }
  return chosen[0];
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
