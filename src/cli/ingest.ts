import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Command, Option } from 'commander';
import type { Store } from '../store/connect.js';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS } from '../ingest/bulk.js';
import { INGEST_FORMATS, INGEST_FORMAT_NAMES, findIngestFormat, type IngestFormat } from '../ingest/formats.js';
import { hasFailures, newReport, refusalLines, runCount, summaryLine, type IngestReport } from '../ingest/report.js';
import { parseRunMeta } from '../ingest/run-fields.js';
import type { TestIngestSummary } from '../ingest/subunit/ingest.js';
import { UserError } from '../util/errors.js';
import { limitHeapGrowth } from '../util/heap.js';
import type { OptionValues } from '../util/params.js';
import { addDbOption, collect, parseOutput, printJson, withStore } from './common.js';
import { EXIT_ERROR } from './exit-codes.js';
import { createProgress } from './progress.js';
import { addTestIngestOptions } from './ingest-tests.js';

interface IngestFlags extends OptionValues {
  db?: string;
  output: string;
  runMeta?: string[];
}

export function registerIngest(program: Command): void {
  const cmd = program
    .command('ingest')
    .description('ingest result files into the store; each run is written whole or not at all')
    .argument('<format>', 'input format (see below)')
    .argument('[files...]', 'files to read; - or nothing reads stdin', [])
    .option('--run-meta <key=value>', 'metadata added to every run (repeatable; key:value also accepted)', collect)
    .addOption(new Option('--output <format>', 'what to print: a summary or the per-run JSON report').choices(['text', 'json']).default('text'))
    .option('--metadata-collection <name>', `bulk: collections (index names, * patterns) whose documents are runs (repeatable; default ${DEFAULT_METADATA_COLLECTIONS.join(', ')})`, collect)
    .option('--uuid-field <field>', `bulk: run id field, tried in order (repeatable; * matches field names; default ${DEFAULT_UUID_FIELDS.join(', ')})`, collect)
    .option('--timestamp-field <field>', 'bulk: the time field of metadata documents (default timestamp)')
    .option('--version-field <field>', 'the version field of run metadata (default ocpVersion)')
    .option('--collection <name>', 'kube-burner/csv/json: collection of the documents (default ripsaw-kube-burner / results)')
    .option('--run-collection <name>', 'kube-burner/csv/json: collection the runs belong to (default perf_scale_ci / results)')
    .option('--time-column <name>', 'csv: the time column (default time)')
    .option('--metric <column>', 'csv: a metric column (repeatable; default: the numeric columns)', collect)
    .option('--attribute <column>', 'csv: an attribute column (repeatable; default: the other columns)', collect)
    .option('--uuid-column <name>', 'csv: column holding the run id (default: uuid if present, else derived from time and attributes)')
    .option('--delimiter <char>', 'csv: field delimiter (default ,)')
    .option('--allow-empty', 'accept an input without records (refused otherwise: with --run-id it would empty the run)')
    .option('--watch', 'then run the watches whose runs it wrote and send their new notifications (perfhound watch)')
    .option('--replace', 'rewrite a run the other kind of ingest wrote (benchmark results ↔ test results); its old data goes');
  addTestIngestOptions(cmd);
  addDbOption(cmd);
  cmd.addHelpText('after', () =>
    [
      '',
      'Formats:',
      ...INGEST_FORMATS.map((f) => `  ${f.name.padEnd(12)} ${f.summary}`),
      '',
      'Re-ingesting a run (same uuid) REPLACES it: its row and metadata, and its documents in the',
      'collections the input holds — row counts do not change. Each run is written in one transaction:',
      'a bad line refuses only its run (named with file and line); the others are written and listed.',
      'A run id given twice in one input refuses both. An input that cannot be read is reported and the',
      'next one is ingested. Refusals go to stderr; exit code 1 when any input, run or line was refused.',
      '',
      'Examples:',
      '  perfhound ingest bulk bulk.ndjson --metadata-collection orion-integration-test-data',
      '  perfhound ingest kube-burner ./collected-metrics --run-meta platform=AWS',
      '  perfhound ingest csv results.csv --time-column time --attribute commit',
    ].join('\n'),
  );
  cmd.action(async (formatName: string, files: string[], flags: IngestFlags) => {
    const format = findIngestFormat(formatName);
    if (!format) throw new UserError(`unknown format "${formatName}" (known: ${INGEST_FORMAT_NAMES.join(', ')})`, { field: 'format' });
    const output = parseOutput(flags.output, ['text', 'json'] as const);
    parseRunMeta(flags.runMeta);
    const inputs = files.length ? files : ['-'];
    limitHeapGrowth();
    const reports: IngestReport[] = [];
    const print = () => {
      if (output === 'json') printJson(reports.length === 1 ? reports[0] : reports);
    };
    try {
      await withStore(flags.db, async (store) => {
        for (const input of inputs) {
          const report = await ingestInput(store, format, input, flags);
          reports.push(report);
          if (output === 'text' && (runCount(report) || !report.errors.length)) process.stdout.write(summaryLine(report) + '\n');
          for (const line of refusalLines(report)) process.stderr.write(line + '\n');
        }
        if (flags.watch) await watchAfterIngest(store, reports);
      });
    } catch (err) {
      // What was written before is reported all the same.
      print();
      throw err;
    }
    print();
    if (reports.some(hasFailures)) process.exitCode = EXIT_ERROR;
  });
}

/** `--watch`: the watches that read a run this ingest wrote are analysed; their notifications are sent (stderr says what). */
async function watchAfterIngest(store: Store, reports: IngestReport[]): Promise<void> {
  const { afterIngest } = await import('../alerts/index.js');
  const { reportOutcomes } = await import('./watch.js');
  const written = reports.flatMap((r) => r.runs.filter((run) => run.outcome !== 'failed').map((run) => run.uuid));
  const { outcomes } = await afterIngest(store, written, { deliver: true });
  reportOutcomes(outcomes.filter((o) => o.touched), 'text', process.stderr);
}

/** One input, its refusal (unreadable, empty, a bad header…) reported as the input's error: the next one is still read. */
async function ingestInput(store: Store, format: IngestFormat, input: string, flags: IngestFlags): Promise<IngestReport> {
  try {
    return await readInput(store, format, input, flags);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return { ...newReport(input === '-' ? STDIN : input, format.name), errors: [err.message] };
  }
}

const STDIN = '<stdin>';

async function readInput(store: Store, format: IngestFormat, input: string, flags: IngestFlags): Promise<IngestReport> {
  if (input !== '-') return ingestWithProgress(store, format, input, input, flags);
  // Two-pass ingest needs a file: stdin is spooled to a temporary one first.
  const dir = mkdtempSync(join(tmpdir(), 'perfhound-stdin-'));
  try {
    const path = join(dir, 'stdin');
    await pipeline(process.stdin, createWriteStream(path));
    return await ingestWithProgress(store, format, path, STDIN, flags);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a format with the terminal's progress bar and the subunit2sql-style totals line (on stderr). */
async function ingestWithProgress(store: Store, format: IngestFormat, path: string, label: string, flags: IngestFlags): Promise<IngestReport> {
  const progress = createProgress(`ingest ${label}`);
  try {
    return await format.ingest(store, path, label, flags, {
      // The text summary needs counts and refusals only; JSON lists every run, --watch needs their ids.
      listWritten: flags.output === 'json' || flags.watch === true,
      onProgress: (done, total) => progress.update(done, total),
      onTestSummary: (summary, damaged) => process.stderr.write(testSummaryLine(label, summary, damaged) + '\n'),
    });
  } finally {
    progress.stop();
  }
}

function testSummaryLine(label: string, s: TestIngestSummary, damaged: number): string {
  return (
    `${label}: run ${s.runId} ${s.outcome}: ${s.tests} tests, passes ${s.passes}, fails ${s.fails}, skips ${s.skips}, ` +
    `run_time ${s.runTime.toFixed(6)} s` +
    (s.duplicates ? `, ${s.duplicates} duplicate results (the later kept)` : '') +
    (damaged ? `, ${damaged} damaged places kept as subunit.parser failures` : '')
  );
}
