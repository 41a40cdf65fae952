import { createReadStream } from 'node:fs';
import { optionFlag, optionList, optionText, type OptionValues } from '../util/params.js';
import { UserError } from '../util/errors.js';
import type { Store } from '../store/connect.js';
import { readJunitTests } from './junit/read.js';
import { newReport, placeMessage, type IngestReport } from './report.js';
import { ingestTestRecords, type TestIngestOptions, type TestIngestSummary } from './subunit/ingest.js';
import { compileAttrRegex, DEFAULT_ATTR_REGEX } from './subunit/names.js';
import { readSubunitTestBatches } from './subunit/read.js';
import type { ParseDamage, TestRecord } from './subunit/types.js';

/** subunit2sql's `--run_meta k:v,k:v` plus the repeatable `k=v` of the other formats. */
export function parseTestRunMeta(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values ?? []) {
    for (const pair of value.split(',')) {
      const m = /^([^=:]+)[=:](.*)$/.exec(pair);
      if (!m) throw new UserError(`--run-meta "${pair}" is not key:value`, { field: '--run-meta' });
      out[m[1].trim()] = m[2];
    }
  }
  return out;
}

/** The test-result options (subunit2sql's) from the CLI's flags or the daemon's query parameters. */
export function testIngestOptions(values: OptionValues, source: 'subunit' | 'junit'): TestIngestOptions {
  const runAt = optionText(values, 'runAt');
  let runAtMs: number | undefined;
  if (runAt !== undefined) {
    runAtMs = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(runAt) || /^\d{4}-\d{2}-\d{2}$/.test(runAt) ? runAt : runAt + 'Z');
    if (Number.isNaN(runAtMs)) throw new UserError(`--run-at "${runAt}" is not a time`, { field: '--run-at' });
  }
  const attrRegex = optionText(values, 'attrRegex') ?? DEFAULT_ATTR_REGEX;
  // Refused here, before the input is read, when RE2 cannot run it (see compileAttrRegex).
  compileAttrRegex(attrRegex);
  return {
    source,
    runId: optionText(values, 'runId'),
    runAtMs,
    runMeta: parseTestRunMeta(optionList(values, 'runMeta')),
    artifacts: optionText(values, 'artifacts'),
    useRunWallTime: optionFlag(values, 'useRunWallTime'),
    attrRegex,
    testAttrPrefix: optionText(values, 'testAttrPrefix'),
    removeTestAttrPrefix: optionFlag(values, 'removeTestAttrPrefix'),
    storeAttachments: optionFlag(values, 'storeAttachments'),
    collection: optionText(values, 'collection') ?? 'tests',
    replace: optionFlag(values, 'replace'),
    refuseEmpty: !optionFlag(values, 'allowEmpty'),
  };
}

/**
 * Ingests one subunit or JUnit file as one run; a refused run is reported, not thrown.
 * `onSummary` receives subunit2sql-style totals of a written run (the CLI prints them).
 */
export async function ingestTestFile(
  store: Store,
  path: string,
  label: string,
  values: OptionValues,
  format: 'subunit' | 'junit',
  onSummary?: (summary: TestIngestSummary, damaged: number) => void,
): Promise<IngestReport> {
  const report = newReport(label, format);
  const options = testIngestOptions(values, format);
  const subunitVersion = optionText(values, 'subunitVersion') ?? 'auto';
  if (!['auto', '1', '2'].includes(subunitVersion)) {
    throw new UserError(`--subunit-version must be auto, 1 or 2 (got "${subunitVersion}")`, { field: '--subunit-version' });
  }
  let damaged = 0;
  const readOptions = {
    file: label,
    lenient: optionFlag(values, 'lenient'),
    nonSubunitName: optionText(values, 'nonSubunitName'),
    keepAttachmentBytes: options.storeAttachments,
    // With --lenient, damage is stored as a failed `subunit.parser` test of the run (the reference's way).
    onDamage: (_d: ParseDamage) => void damaged++,
    version: subunitVersion === '1' ? 1 : subunitVersion === '2' ? 2 : 'auto',
  } as const;
  // 64 KiB reads: each chunk's records are short-lived, so the garbage collector's young generation takes them.
  const input = createReadStream(path, { highWaterMark: 1 << 16 });
  const records: AsyncIterable<TestRecord | TestRecord[]> =
    format === 'junit' ? readJunitTests(input, readOptions) : readSubunitTestBatches(input, readOptions);
  try {
    const summary = await ingestTestRecords(store, records, options);
    report.runs.push({ uuid: summary.runId, outcome: summary.outcome, documents: summary.tests });
    onSummary?.(summary, damaged);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    // Placed at the input when the refusal has no place of its own (the run is empty, its id taken).
    const error = err.place.file === undefined ? placeMessage(err.message, { file: label }) : err.message;
    report.runs.push({ uuid: options.runId ?? '(new run)', outcome: 'failed', documents: 0, error });
  } finally {
    input.destroy();
  }
  return report;
}
