import { open, stat } from 'node:fs/promises';
import type { Store } from '../store/connect.js';
import { UserError } from '../util/errors.js';
import { isFileError, unreadableReason } from '../util/files.js';
import { optionFlag, optionList, optionText, type OptionValues } from '../util/params.js';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS, ingestBulk } from './bulk.js';
import { ingestCsv } from './csv.js';
import { ingestJson } from './json.js';
import { ingestKubeBurner } from './kube-burner.js';
import { runCount, type IngestReport } from './report.js';
import { parseRunMeta } from './run-fields.js';
import { ingestTestFile } from './test-file.js';
import type { TestIngestSummary } from './subunit/ingest.js';

/** What a front end may want to hear while a file is ingested. */
export interface IngestHooks {
  /** Runs written so far of the file's total (two-pass formats). */
  onProgress?(done: number, total: number): void;
  /** subunit/JUnit: the written run's subunit2sql totals. */
  onTestSummary?(summary: TestIngestSummary, damaged: number): void;
  /**
   * false: the report of a bulk or kube-burner file lists the refused runs only and counts the written
   * ones, so memory does not grow with the file's runs (a summary needs no more). Default true.
   */
  listWritten?: boolean;
}

/**
 * One input format, as `perfhound ingest <format>` and `POST /api/v1/ingest/{format}` both run it: the
 * options are the CLI's flags in camelCase (the daemon's query parameters), one table of defaults for both.
 *
 * @example
 * const report = await ingestFormat('bulk').ingest(store, 'bulk.ndjson', 'bulk.ndjson',
 *   { metadataCollection: ['orion-integration-test-data'] });
 */
export interface IngestFormat {
  name: string;
  summary: string;
  /** Whether the input may be a directory (kube-burner's output folder). */
  directories?: boolean;
  /** The options the format reads (camelCase). */
  options: readonly string[];
  ingest(store: Store, path: string, label: string, values: OptionValues, hooks?: IngestHooks): Promise<IngestReport>;
}

/** Options of every format: `allowEmpty` (an input without records is meant), `replace` (see writeRun). */
const COMMON_OPTIONS = ['allowEmpty', 'replace'] as const;

const TEST_OPTIONS = [
  ...COMMON_OPTIONS,
  'runMeta', 'runId', 'runAt', 'artifacts', 'useRunWallTime', 'attrRegex', 'testAttrPrefix', 'removeTestAttrPrefix',
  'storeAttachments', 'nonSubunitName', 'lenient', 'subunitVersion', 'collection',
] as const;

const list = (values: OptionValues, name: string, fallback: string[]) => {
  const given = optionList(values, name);
  return given.length ? given : fallback;
};

const FORMATS: readonly IngestFormat[] = [
  {
    name: 'bulk',
    summary: 'OpenSearch/Elasticsearch _bulk NDJSON (action line + document)',
    options: [...COMMON_OPTIONS, 'runMeta', 'metadataCollection', 'uuidField', 'timestampField', 'versionField'],
    ingest: (store, path, label, v, hooks) =>
      ingestBulk(store, path, {
        label,
        metadataCollections: list(v, 'metadataCollection', DEFAULT_METADATA_COLLECTIONS),
        uuidFields: list(v, 'uuidField', DEFAULT_UUID_FIELDS),
        timestampField: optionText(v, 'timestampField') ?? 'timestamp',
        versionField: optionText(v, 'versionField') ?? 'ocpVersion',
        runMeta: parseRunMeta(optionList(v, 'runMeta')),
        replace: optionFlag(v, 'replace'),
        onProgress: hooks?.onProgress,
        listWritten: hooks?.listWritten,
      }),
  },
  {
    name: 'kube-burner',
    summary: "kube-burner's output directory, or a JSON array / NDJSON of its documents",
    directories: true,
    options: [...COMMON_OPTIONS, 'runMeta', 'collection', 'runCollection', 'versionField'],
    ingest: (store, path, label, v, hooks) =>
      ingestKubeBurner(store, path, {
        label,
        collection: optionText(v, 'collection') ?? 'ripsaw-kube-burner',
        runCollection: optionText(v, 'runCollection') ?? 'perf_scale_ci',
        versionField: optionText(v, 'versionField') ?? 'ocpVersion',
        runMeta: parseRunMeta(optionList(v, 'runMeta')),
        replace: optionFlag(v, 'replace'),
        onProgress: hooks?.onProgress,
        listWritten: hooks?.listWritten,
      }),
  },
  {
    name: 'csv',
    summary: "Otava's CSV layout: a time column, metric columns, attribute columns; each row a run",
    options: [...COMMON_OPTIONS, 'runMeta', 'timeColumn', 'metric', 'attribute', 'uuidColumn', 'collection', 'runCollection', 'delimiter'],
    ingest: (store, path, label, v) =>
      ingestCsv(store, path, {
        label,
        timeColumn: optionText(v, 'timeColumn') ?? 'time',
        metrics: optionList(v, 'metric'),
        attributes: optionList(v, 'attribute'),
        uuidColumn: optionText(v, 'uuidColumn'),
        collection: optionText(v, 'collection') ?? 'results',
        runCollection: optionText(v, 'runCollection') ?? 'results',
        runMeta: parseRunMeta(optionList(v, 'runMeta')),
        delimiter: optionText(v, 'delimiter') ?? ',',
        replace: optionFlag(v, 'replace'),
      }),
  },
  {
    name: 'json',
    summary: 'generic JSON: an array (or NDJSON) of {uuid, timestamp, metadata, metrics, documents}',
    options: [...COMMON_OPTIONS, 'runMeta', 'collection', 'runCollection', 'versionField'],
    ingest: (store, path, label, v) =>
      ingestJson(store, path, {
        label,
        collection: optionText(v, 'collection') ?? 'results',
        runCollection: optionText(v, 'runCollection') ?? 'results',
        versionField: optionText(v, 'versionField') ?? 'ocpVersion',
        runMeta: parseRunMeta(optionList(v, 'runMeta')),
        replace: optionFlag(v, 'replace'),
      }),
  },
  {
    name: 'subunit',
    summary: 'subunit v2 or v1 test results (stestr, testr, subunit.run, tempest), like subunit2sql',
    options: TEST_OPTIONS,
    ingest: (store, path, label, v, hooks) => ingestTestFile(store, path, label, v, 'subunit', hooks?.onTestSummary),
  },
  {
    name: 'junit',
    summary: 'JUnit XML test results (Surefire, pytest, Jenkins), stored like subunit',
    options: TEST_OPTIONS,
    ingest: (store, path, label, v, hooks) => ingestTestFile(store, path, label, v, 'junit', hooks?.onTestSummary),
  },
];

/**
 * What every format shares, so the CLI and the daemon refuse alike (a UserError at the input's label):
 * an input that cannot be read is said in words (never an errno naming a temporary path); an empty or
 * whitespace-only input, or one without a single record, is refused unless `allowEmpty` says it is meant —
 * with a `runId` it would otherwise empty a stored run.
 */
function guarded(format: IngestFormat): IngestFormat {
  return {
    ...format,
    async ingest(store, path, label, values, hooks) {
      const allowEmpty = optionFlag(values, 'allowEmpty');
      let report: IngestReport;
      try {
        if ((await isBlankFile(path, format.directories ?? false)) && !allowEmpty) throw new UserError(`the input is empty (${EMPTY_HINT})`, { file: label });
        report = await format.ingest(store, path, label, values, hooks);
      } catch (err) {
        if (isFileError(err)) throw new UserError(`cannot read the input: ${unreadableReason(err)}`, { file: label });
        throw err;
      }
      if (!runCount(report) && !report.errors.length && !allowEmpty) throw new UserError(`the input holds no runs (${EMPTY_HINT})`, { file: label });
      return report;
    },
  };
}

const EMPTY_HINT = '--allow-empty if that is meant';

/** Whether the file has nothing but white space (a directory: false; a missing file: the reader says so). */
async function isBlankFile(path: string, directories: boolean): Promise<boolean> {
  if (directories && (await stat(path)).isDirectory()) return false;
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    for (let position = 0; ; ) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return true;
      for (let i = 0; i < bytesRead; i++) if (!BLANK_BYTES.has(buffer[i])) return false;
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** Space, tab, CR, LF and the bytes of a UTF-8 byte order mark. */
const BLANK_BYTES = new Set([0x20, 0x09, 0x0d, 0x0a, 0xef, 0xbb, 0xbf]);

export const INGEST_FORMATS: readonly IngestFormat[] = FORMATS.map(guarded);

export const INGEST_FORMAT_NAMES = INGEST_FORMATS.map((f) => f.name);

/** Options that may be given several times; every other option takes one value. */
export const REPEATABLE_INGEST_OPTIONS: readonly string[] = ['runMeta', 'metadataCollection', 'uuidField', 'metric', 'attribute'];

/** The format of that name, or undefined. */
export function findIngestFormat(name: string): IngestFormat | undefined {
  return INGEST_FORMATS.find((f) => f.name === name);
}
