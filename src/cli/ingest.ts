import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Command, Option } from 'commander';
import type { Store } from '../store/connect.js';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS, ingestBulk } from '../ingest/bulk.js';
import { ingestCsv } from '../ingest/csv.js';
import { ingestJson } from '../ingest/json.js';
import { ingestKubeBurner } from '../ingest/kube-burner.js';
import { hasFailures, summarize, type IngestReport } from '../ingest/report.js';
import { parseRunMeta } from '../ingest/run-fields.js';
import { UserError } from '../util/errors.js';
import { addDbOption, collect, parseOutput, printJson, withStore } from './common.js';
import { EXIT_ERROR } from './exit-codes.js';
import { createProgress } from './progress.js';
import { addTestIngestOptions, TEST_INGEST_FORMATS } from './ingest-tests.js';

/** The parsed flags of `perfhound ingest` (every format's; each reads its own). */
export interface IngestFlags {
  db?: string;
  runMeta?: string[];
  output: string;
  metadataCollection?: string[];
  uuidField?: string[];
  timestampField: string;
  versionField: string;
  collection?: string;
  runCollection?: string;
  timeColumn: string;
  metric?: string[];
  attribute?: string[];
  uuidColumn?: string;
  delimiter: string;
  [flag: string]: unknown;
}

/** One input format of `perfhound ingest`: ingests one file (a path; stdin is spooled to a file first). */
export interface IngestFormat {
  name: string;
  summary: string;
  /** Whether the input may be a directory (kube-burner's output folder). */
  directories?: boolean;
  ingest(store: Store, path: string, label: string, flags: IngestFlags): Promise<IngestReport>;
}

const FORMATS: IngestFormat[] = [
  {
    name: 'bulk',
    summary: 'OpenSearch/Elasticsearch _bulk NDJSON (action line + document)',
    ingest: (store, path, label, flags) => {
      const progress = createProgress(`ingest ${label}`);
      return ingestBulk(store, path, {
        label,
        metadataCollections: flags.metadataCollection?.length ? flags.metadataCollection : DEFAULT_METADATA_COLLECTIONS,
        uuidFields: flags.uuidField?.length ? flags.uuidField : DEFAULT_UUID_FIELDS,
        timestampField: flags.timestampField,
        versionField: flags.versionField,
        runMeta: parseRunMeta(flags.runMeta),
        onProgress: (d, t) => progress.update(d, t),
      }).finally(() => progress.stop());
    },
  },
  {
    name: 'kube-burner',
    summary: "kube-burner's output directory, or a JSON array / NDJSON of its documents",
    directories: true,
    ingest: (store, path, label, flags) => {
      const progress = createProgress(`ingest ${label}`);
      return ingestKubeBurner(store, path, {
        label,
        collection: flags.collection ?? 'ripsaw-kube-burner',
        runCollection: flags.runCollection ?? 'perf_scale_ci',
        versionField: flags.versionField,
        runMeta: parseRunMeta(flags.runMeta),
        onProgress: (d, t) => progress.update(d, t),
      }).finally(() => progress.stop());
    },
  },
  {
    name: 'csv',
    summary: "Otava's CSV layout: a time column, metric columns, attribute columns; each row a run",
    ingest: (store, path, label, flags) =>
      ingestCsv(store, path, {
        label,
        timeColumn: flags.timeColumn,
        metrics: flags.metric,
        attributes: flags.attribute,
        uuidColumn: flags.uuidColumn,
        collection: flags.collection ?? 'results',
        runCollection: flags.runCollection ?? 'results',
        runMeta: parseRunMeta(flags.runMeta),
        delimiter: flags.delimiter,
      }),
  },
  {
    name: 'json',
    summary: 'generic JSON: an array (or NDJSON) of {uuid, timestamp, metadata, metrics, documents}',
    ingest: (store, path, label, flags) =>
      ingestJson(store, path, {
        label,
        collection: flags.collection ?? 'results',
        runCollection: flags.runCollection ?? 'results',
        versionField: flags.versionField,
        runMeta: parseRunMeta(flags.runMeta),
      }),
  },
];

/** Formats registered by other modules (subunit, JUnit) before the command is built. */
export function addIngestFormat(format: IngestFormat): void {
  if (!FORMATS.some((f) => f.name === format.name)) FORMATS.push(format);
}

export function registerIngest(program: Command): void {
  const cmd = program
    .command('ingest')
    .description('ingest result files into the store, one transaction per run')
    .argument('<format>', 'input format (see below)')
    .argument('[files...]', 'files to read; - or nothing reads stdin', [])
    .option('--run-meta <key=value>', 'metadata added to every run (repeatable; key:value also accepted)', collect)
    .addOption(new Option('--output <format>', 'what to print: a summary or the per-run JSON report').choices(['text', 'json']).default('text'))
    .option('--metadata-collection <name>', `bulk: collections (index names, * patterns) whose documents are runs (repeatable; default ${DEFAULT_METADATA_COLLECTIONS.join(', ')})`, collect)
    .option('--uuid-field <field>', `bulk: run id field, tried in order (repeatable; * matches field names; default ${DEFAULT_UUID_FIELDS.join(', ')})`, collect)
    .option('--timestamp-field <field>', 'bulk: the time field of metadata documents', 'timestamp')
    .option('--version-field <field>', 'the version field of run metadata', 'ocpVersion')
    .option('--collection <name>', 'kube-burner/csv/json: collection of the documents (default ripsaw-kube-burner / results)')
    .option('--run-collection <name>', 'kube-burner/csv/json: collection the runs belong to (default perf_scale_ci / results)')
    .option('--time-column <name>', 'csv: the time column', 'time')
    .option('--metric <column>', 'csv: a metric column (repeatable; default: the numeric columns)', collect)
    .option('--attribute <column>', 'csv: an attribute column (repeatable; default: the other columns)', collect)
    .option('--uuid-column <name>', 'csv: column holding the run id (default: uuid if present, else derived from time and attributes)')
    .option('--delimiter <char>', 'csv: field delimiter', ',');
  addTestIngestOptions(cmd);
  TEST_INGEST_FORMATS.forEach(addIngestFormat);
  addDbOption(cmd);
  cmd.addHelpText('after', () =>
    [
      '',
      'Formats:',
      ...FORMATS.map((f) => `  ${f.name.padEnd(12)} ${f.summary}`),
      '',
      'Re-ingesting a run (same uuid) REPLACES it: its row and metadata, and its documents in the',
      'collections the input holds — row counts do not change. Each run is written in one transaction:',
      'a bad line refuses only its run (named with file and line); the others are written and listed.',
      'Exit code 1 when any run or line was refused.',
      '',
      'Examples:',
      '  perfhound ingest bulk bulk.ndjson --metadata-collection orion-integration-test-data',
      '  perfhound ingest kube-burner ./collected-metrics --run-meta platform=AWS',
      '  perfhound ingest csv results.csv --time-column time --attribute commit',
    ].join('\n'),
  );
  cmd.action(async (formatName: string, files: string[], flags: IngestFlags) => {
    const format = FORMATS.find((f) => f.name === formatName);
    if (!format) throw new UserError(`unknown format "${formatName}" (known: ${FORMATS.map((f) => f.name).join(', ')})`, { field: 'format' });
    const output = parseOutput(flags.output, ['text', 'json'] as const);
    parseRunMeta(flags.runMeta);
    const inputs = files.length ? files : ['-'];
    const reports: IngestReport[] = [];
    await withStore(flags.db, async (store) => {
      for (const input of inputs) {
        reports.push(await ingestInput(store, format, input, flags));
        if (output === 'text') process.stdout.write(summarize(reports.at(-1)!) + '\n');
      }
    });
    if (output === 'json') printJson(reports.length === 1 ? reports[0] : reports);
    if (reports.some(hasFailures)) process.exitCode = EXIT_ERROR;
  });
}

async function ingestInput(store: Store, format: IngestFormat, input: string, flags: IngestFlags): Promise<IngestReport> {
  if (input !== '-') return format.ingest(store, input, input, flags);
  // Two-pass ingest needs a file: stdin is spooled to a temporary one first.
  const dir = mkdtempSync(join(tmpdir(), 'perfhound-stdin-'));
  try {
    const path = join(dir, 'stdin');
    await pipeline(process.stdin, createWriteStream(path));
    return await format.ingest(store, path, '<stdin>', flags);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
