import { createReadStream } from 'node:fs';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS, ingestBulk } from '../ingest/bulk.js';
import { ingestCsv } from '../ingest/csv.js';
import { ingestJson } from '../ingest/json.js';
import { readJunitTests } from '../ingest/junit/read.js';
import { ingestKubeBurner } from '../ingest/kube-burner.js';
import { newReport, type IngestReport } from '../ingest/report.js';
import { parseRunMeta } from '../ingest/run-fields.js';
import { ingestTestRecords } from '../ingest/subunit/ingest.js';
import { readSubunitTests } from '../ingest/subunit/read.js';
import type { ParseDamage, TestRecord } from '../ingest/subunit/types.js';
import { testIngestOptions } from '../cli/ingest-tests.js';
import type { IngestFlags } from '../cli/ingest.js';
import type { Store } from '../store/connect.js';
import { UserError, errorMessage } from '../util/errors.js';
import { boolParam, camelKeys, many, rejectUnknown, single, type Query } from './params.js';

/**
 * The ingest formats of `POST /api/v1/ingest/{format}`: the same ingest functions and defaults as
 * `perfhound ingest <format>`, with the CLI's flags as query parameters (`run-meta=k=v`, repeatable ones
 * repeated). Each reads the request body spooled to a file (the bulk reader makes two passes over it).
 */
export interface HttpIngestFormat {
  name: string;
  /** Query parameters (camelCase; kebab-case spellings are accepted too). */
  params: readonly string[];
  ingest(store: Store, path: string, query: Query): Promise<IngestReport>;
}

const LABEL = 'body';
const COMMON = ['runMeta'] as const;
const TEST_PARAMS = [
  ...COMMON, 'runId', 'runAt', 'artifacts', 'useRunWallTime', 'attrRegex', 'testAttrPrefix', 'removeTestAttrPrefix',
  'storeAttachments', 'nonSubunitName', 'lenient', 'subunitVersion', 'collection',
] as const;

function runMeta(query: Query): Record<string, string> {
  try {
    return parseRunMeta(many(query, 'runMeta'));
  } catch (err) {
    throw new UserError(errorMessage(err).replace('--run-meta', 'run-meta'), { field: 'run-meta' });
  }
}

const listOr = (query: Query, name: string, fallback: string[]) => (many(query, name).length ? many(query, name) : fallback);

export const HTTP_INGEST_FORMATS: readonly HttpIngestFormat[] = [
  {
    name: 'bulk',
    params: [...COMMON, 'metadataCollection', 'uuidField', 'timestampField', 'versionField'],
    ingest: (store, path, q) =>
      ingestBulk(store, path, {
        label: LABEL,
        metadataCollections: listOr(q, 'metadataCollection', DEFAULT_METADATA_COLLECTIONS),
        uuidFields: listOr(q, 'uuidField', DEFAULT_UUID_FIELDS),
        timestampField: single(q, 'timestampField') ?? 'timestamp',
        versionField: single(q, 'versionField') ?? 'ocpVersion',
        runMeta: runMeta(q),
      }),
  },
  {
    name: 'kube-burner',
    params: [...COMMON, 'collection', 'runCollection', 'versionField'],
    ingest: (store, path, q) =>
      ingestKubeBurner(store, path, {
        label: LABEL,
        collection: single(q, 'collection') ?? 'ripsaw-kube-burner',
        runCollection: single(q, 'runCollection') ?? 'perf_scale_ci',
        versionField: single(q, 'versionField') ?? 'ocpVersion',
        runMeta: runMeta(q),
      }),
  },
  {
    name: 'csv',
    params: [...COMMON, 'timeColumn', 'metric', 'attribute', 'uuidColumn', 'collection', 'runCollection', 'delimiter'],
    ingest: (store, path, q) =>
      ingestCsv(store, path, {
        label: LABEL,
        timeColumn: single(q, 'timeColumn') ?? 'time',
        metrics: many(q, 'metric').length ? many(q, 'metric') : undefined,
        attributes: many(q, 'attribute').length ? many(q, 'attribute') : undefined,
        uuidColumn: single(q, 'uuidColumn'),
        collection: single(q, 'collection') ?? 'results',
        runCollection: single(q, 'runCollection') ?? 'results',
        runMeta: runMeta(q),
        delimiter: single(q, 'delimiter') ?? ',',
      }),
  },
  {
    name: 'json',
    params: [...COMMON, 'collection', 'runCollection', 'versionField'],
    ingest: (store, path, q) =>
      ingestJson(store, path, {
        label: LABEL,
        collection: single(q, 'collection') ?? 'results',
        runCollection: single(q, 'runCollection') ?? 'results',
        versionField: single(q, 'versionField') ?? 'ocpVersion',
        runMeta: runMeta(q),
      }),
  },
  { name: 'subunit', params: TEST_PARAMS, ingest: (store, path, q) => ingestTests(store, path, q, 'subunit') },
  { name: 'junit', params: TEST_PARAMS, ingest: (store, path, q) => ingestTests(store, path, q, 'junit') },
];

export const INGEST_FORMAT_NAMES = HTTP_INGEST_FORMATS.map((f) => f.name);

/** Checks the query against the format's parameters and puts it in camelCase. */
export function ingestQuery(format: HttpIngestFormat, raw: Query): Query {
  const query = camelKeys(raw);
  rejectUnknown(query, format.params);
  return query;
}

/** One subunit/JUnit body as one run (the CLI's options; a refused run is reported, not thrown). */
async function ingestTests(store: Store, path: string, q: Query, format: 'subunit' | 'junit'): Promise<IngestReport> {
  const flags: IngestFlags = {
    output: 'json',
    timestampField: 'timestamp',
    versionField: 'ocpVersion',
    timeColumn: 'time',
    delimiter: ',',
    runMeta: many(q, 'runMeta'),
    runId: single(q, 'runId'),
    runAt: single(q, 'runAt'),
    artifacts: single(q, 'artifacts'),
    useRunWallTime: boolParam(q, 'useRunWallTime'),
    attrRegex: single(q, 'attrRegex') ?? '\\[(.*)\\]',
    testAttrPrefix: single(q, 'testAttrPrefix'),
    removeTestAttrPrefix: boolParam(q, 'removeTestAttrPrefix'),
    storeAttachments: boolParam(q, 'storeAttachments'),
    collection: single(q, 'collection'),
  };
  const subunitVersion = single(q, 'subunitVersion') ?? 'auto';
  if (!['auto', '1', '2'].includes(subunitVersion)) throw new UserError(`subunit-version must be auto, 1 or 2 (got "${subunitVersion}")`, { field: 'subunit-version' });
  const options = testIngestOptions(flags, format);
  const readOptions = {
    file: LABEL,
    lenient: boolParam(q, 'lenient') ?? false,
    nonSubunitName: single(q, 'nonSubunitName'),
    keepAttachmentBytes: options.storeAttachments,
    // With lenient, damage is stored as a failed `subunit.parser` test of the run (the CLI's behaviour).
    onDamage: (_d: ParseDamage) => undefined,
    version: subunitVersion === '1' ? 1 : subunitVersion === '2' ? 2 : 'auto',
  } as const;
  const report = newReport(LABEL, format);
  const source = createReadStream(path, { highWaterMark: 1 << 20 });
  const records: AsyncIterable<TestRecord> = format === 'junit' ? readJunitTests(source, readOptions) : readSubunitTests(source, readOptions);
  try {
    const summary = await ingestTestRecords(store, records, options);
    report.runs.push({ uuid: summary.runId, outcome: summary.outcome, documents: summary.tests });
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    report.runs.push({ uuid: options.runId ?? '(new run)', outcome: 'failed', documents: 0, error: err.message });
  } finally {
    source.destroy();
  }
  return report;
}
