import type { Store } from '../store/connect.js';
import { optionList, optionText, type OptionValues } from '../util/params.js';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS, ingestBulk } from './bulk.js';
import { ingestCsv } from './csv.js';
import { ingestJson } from './json.js';
import { ingestKubeBurner } from './kube-burner.js';
import type { IngestReport } from './report.js';
import { parseRunMeta } from './run-fields.js';
import { ingestTestFile } from './test-file.js';
import type { TestIngestSummary } from './subunit/ingest.js';

/** What a front end may want to hear while a file is ingested. */
export interface IngestHooks {
  /** Runs written so far of the file's total (two-pass formats). */
  onProgress?(done: number, total: number): void;
  /** subunit/JUnit: the written run's subunit2sql totals. */
  onTestSummary?(summary: TestIngestSummary, damaged: number): void;
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

const TEST_OPTIONS = [
  'runMeta', 'runId', 'runAt', 'artifacts', 'useRunWallTime', 'attrRegex', 'testAttrPrefix', 'removeTestAttrPrefix',
  'storeAttachments', 'nonSubunitName', 'lenient', 'subunitVersion', 'collection',
] as const;

const list = (values: OptionValues, name: string, fallback: string[]) => {
  const given = optionList(values, name);
  return given.length ? given : fallback;
};

export const INGEST_FORMATS: readonly IngestFormat[] = [
  {
    name: 'bulk',
    summary: 'OpenSearch/Elasticsearch _bulk NDJSON (action line + document)',
    options: ['runMeta', 'metadataCollection', 'uuidField', 'timestampField', 'versionField'],
    ingest: (store, path, label, v, hooks) =>
      ingestBulk(store, path, {
        label,
        metadataCollections: list(v, 'metadataCollection', DEFAULT_METADATA_COLLECTIONS),
        uuidFields: list(v, 'uuidField', DEFAULT_UUID_FIELDS),
        timestampField: optionText(v, 'timestampField') ?? 'timestamp',
        versionField: optionText(v, 'versionField') ?? 'ocpVersion',
        runMeta: parseRunMeta(optionList(v, 'runMeta')),
        onProgress: hooks?.onProgress,
      }),
  },
  {
    name: 'kube-burner',
    summary: "kube-burner's output directory, or a JSON array / NDJSON of its documents",
    directories: true,
    options: ['runMeta', 'collection', 'runCollection', 'versionField'],
    ingest: (store, path, label, v, hooks) =>
      ingestKubeBurner(store, path, {
        label,
        collection: optionText(v, 'collection') ?? 'ripsaw-kube-burner',
        runCollection: optionText(v, 'runCollection') ?? 'perf_scale_ci',
        versionField: optionText(v, 'versionField') ?? 'ocpVersion',
        runMeta: parseRunMeta(optionList(v, 'runMeta')),
        onProgress: hooks?.onProgress,
      }),
  },
  {
    name: 'csv',
    summary: "Otava's CSV layout: a time column, metric columns, attribute columns; each row a run",
    options: ['runMeta', 'timeColumn', 'metric', 'attribute', 'uuidColumn', 'collection', 'runCollection', 'delimiter'],
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
      }),
  },
  {
    name: 'json',
    summary: 'generic JSON: an array (or NDJSON) of {uuid, timestamp, metadata, metrics, documents}',
    options: ['runMeta', 'collection', 'runCollection', 'versionField'],
    ingest: (store, path, label, v) =>
      ingestJson(store, path, {
        label,
        collection: optionText(v, 'collection') ?? 'results',
        runCollection: optionText(v, 'runCollection') ?? 'results',
        versionField: optionText(v, 'versionField') ?? 'ocpVersion',
        runMeta: parseRunMeta(optionList(v, 'runMeta')),
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

export const INGEST_FORMAT_NAMES = INGEST_FORMATS.map((f) => f.name);

/** Options that may be given several times; every other option takes one value. */
export const REPEATABLE_INGEST_OPTIONS: readonly string[] = ['runMeta', 'metadataCollection', 'uuidField', 'metric', 'attribute'];

/** The format of that name, or undefined. */
export function findIngestFormat(name: string): IngestFormat | undefined {
  return INGEST_FORMATS.find((f) => f.name === name);
}
