/**
 * `perfhound ingest json`: the generic JSON run shape (below) into the store, each run whole or not at all.
 *
 * ```ts
 * const report = await ingestJson(store, 'runs.json', { collection: 'results', runCollection: 'results',
 *   versionField: 'version', runMeta: {} });
 * ```
 */
import type { Store } from '../store/connect.js';
import type { NewDocument, NewRun } from '../store/runs.js';
import { UserError, errorMessage } from '../util/errors.js';
import { parseJsonExactly, scanJsonElements } from './json-scanner.js';
import type { ScannedLine } from './line-scanner.js';
import { TOO_DEEP, nestedTooDeep } from './nesting.js';
import { newReport, placeMessage, withoutPlace, type IngestReport } from './report.js';
import { isoTimestamp, runColumnsFromMetadata } from './run-fields.js';
import { salvageUuid } from './run-groups.js';
import { RunPlaces } from './run-places.js';
import { writeOneRun } from './write-groups.js';
import { parseTimestamp } from './timestamps.js';

export interface JsonOptions {
  /** Collection of metric documents (default `results`). */
  collection: string;
  /** Collection the runs belong to (default `results`). */
  runCollection: string;
  versionField: string;
  runMeta: Record<string, string>;
  label?: string;
  /** Rewrite runs a test-result ingest wrote (`--replace`). */
  replace?: boolean;
}

/**
 * The generic JSON shape: a JSON array (or NDJSON, one per line) of runs:
 *
 * ```json
 * [{"uuid": "r1", "timestamp": "2026-01-10T12:00:00Z",
 *   "metadata": {"platform": "AWS", "buildUrl": "https://ci/1"},
 *   "metrics": {"latency_p99": 120.5, "cpu": 3.2},
 *   "documents": [{"metricName": "podLatency", "P99": 3774}]}]
 * ```
 *
 * `uuid` and `timestamp` are required; `metrics` (name → number or null) become one document
 * `{uuid, timestamp, …metrics}`, each of `documents` one more (with `uuid` added), all in the collection.
 * Each run whole or not at all (a savepoint of its own when a set of runs is refused). Two passes: the first notes where each run id is, so a run given twice is
 * refused whole (each place named); a bad run is refused alone, the others are written and reported.
 * A file cut short (a JSON array not closed) keeps its whole runs; the cut is reported.
 */
export async function ingestJson(store: Store, path: string, options: JsonOptions): Promise<IngestReport> {
  const file = options.label ?? path;
  const report = newReport(file, 'json');
  const places = new RunPlaces(file);
  const cut = await eachElement(path, file, (el) => {
    const uuid = runId(el.text);
    if (uuid !== undefined) places.note(uuid, el.line);
  });
  await eachElement(path, file, async (el) => {
    const place = { file, line: el.line };
    const parsed = parseRunSafely(el, options);
    const uuid = 'run' in parsed ? parsed.run.uuid : (parsed.uuid ?? runId(el.text));
    const duplicate = uuid === undefined ? undefined : places.duplicate(uuid, el.line);
    if (duplicate === null) return;
    if (duplicate !== undefined) {
      report.runs.push({ uuid: uuid!, outcome: 'failed', documents: 0, error: placeMessage(duplicate, place) });
      return;
    }
    if ('error' in parsed) {
      report.runs.push({ uuid: uuid ?? `line ${el.line}`, outcome: 'failed', documents: 0, error: placeMessage(parsed.error, { ...place, field: parsed.field }) });
      return;
    }
    report.runs.push(await writeOneRun(store, parsed.run, parsed.documents, place));
  });
  if (cut) report.errors.push(cut.message);
  return report;
}

/**
 * Calls `fn` on each element (array element or NDJSON line) of the file. A file the scanner gives up
 * on (an array cut short, an element that is not an object) ends the walk: its error, placed at `file`
 * (the label, not a spooled input's temporary path), is returned for the report.
 */
async function eachElement(path: string, file: string, fn: (el: ScannedLine) => void | Promise<void>): Promise<UserError | undefined> {
  try {
    for await (const el of scanJsonElements(path)) await fn(el);
  } catch (err) {
    if (!(err instanceof UserError) || err.place.file !== path) throw err;
    return new UserError(withoutPlace(err), { ...err.place, file });
  }
  return undefined;
}

/**
 * The run id of an element, when it is an object with a string uuid (first pass: nothing else is
 * checked) — or, in malformed JSON, what looks like its uuid, so a broken copy of a run refuses it too.
 */
function runId(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return salvageUuid(text, 'uuid');
  }
  const uuid = value !== null && typeof value === 'object' ? (value as Record<string, unknown>).uuid : undefined;
  return typeof uuid === 'string' && uuid ? uuid : undefined;
}

type Parsed = { run: NewRun; documents: NewDocument[] } | { error: string; field?: string; uuid?: string };

/** {@link parseRun}, with whatever it throws (a field's UserError, anything unforeseen) refusing the run only. */
function parseRunSafely(el: ScannedLine, options: JsonOptions): Parsed {
  try {
    return parseRun(el, options);
  } catch (err) {
    const uuid = runId(el.text);
    if (err instanceof UserError) return { error: withoutPlace(err), field: err.place.field, uuid };
    return { error: `cannot read the run: ${errorMessage(err)}`, uuid };
  }
}

function parseRun(el: ScannedLine, options: JsonOptions): Parsed {
  let value: unknown;
  try {
    value = parseJsonExactly(el, { rewritten: true });
  } catch (err) {
    return { error: `malformed JSON: ${(err as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: 'a run must be a JSON object' };
  const run = value as Record<string, unknown>;
  if (typeof run.uuid !== 'string' || !run.uuid) return { error: 'uuid must be a non-empty string', field: 'uuid' };
  const uuid = run.uuid;
  const timestampMs = parseTimestamp(run.timestamp);
  if (timestampMs === null) return { error: `timestamp ${JSON.stringify(run.timestamp) ?? 'is missing'} is not a time`, field: 'timestamp', uuid };
  const timestamp = isoTimestamp(timestampMs);
  if (timestamp === undefined) return { error: `timestamp ${JSON.stringify(run.timestamp)} is outside the times a date can hold`, field: 'timestamp', uuid };
  const metadata = run.metadata ?? {};
  if (typeof metadata !== 'object' || Array.isArray(metadata)) return { error: 'metadata must be an object', field: 'metadata', uuid };
  if (nestedTooDeep(metadata)) return { error: `metadata ${TOO_DEEP}`, field: 'metadata', uuid };
  const documents: NewDocument[] = [];
  if (run.metrics !== undefined) {
    if (run.metrics === null || typeof run.metrics !== 'object' || Array.isArray(run.metrics)) return { error: 'metrics must be an object of numbers', field: 'metrics', uuid };
    // No prototype: a metric named __proto__ is a key like any other.
    const body = Object.assign(Object.create(null), { uuid, timestamp }) as Record<string, unknown>;
    for (const [name, v] of Object.entries(run.metrics as Record<string, unknown>)) {
      if (v === null) continue;
      if (typeof v !== 'number' || !Number.isFinite(v)) return { error: `metric value must be a finite number or null`, field: `metrics.${name}`, uuid };
      body[name] = v;
    }
    documents.push({ collection: options.collection, timestampMs, metricName: null, body: JSON.stringify(body) });
  }
  if (run.documents !== undefined) {
    if (!Array.isArray(run.documents)) return { error: 'documents must be an array of objects', field: 'documents', uuid };
    for (const [i, d] of run.documents.entries()) {
      if (d === null || typeof d !== 'object' || Array.isArray(d)) return { error: 'a document must be an object', field: `documents[${i}]`, uuid };
      if (nestedTooDeep(d)) return { error: `the document ${TOO_DEEP}`, field: `documents[${i}]`, uuid };
      const doc: Record<string, unknown> = { uuid, ...(d as Record<string, unknown>) };
      const docMs = doc.timestamp === undefined ? null : parseTimestamp(doc.timestamp);
      if (docMs !== null && isoTimestamp(docMs) === undefined) return { error: `timestamp ${JSON.stringify(doc.timestamp)} is outside the times a date can hold`, field: `documents[${i}].timestamp`, uuid };
      documents.push({
        collection: options.collection,
        timestampMs: docMs ?? timestampMs,
        metricName: typeof doc.metricName === 'string' ? doc.metricName : null,
        body: JSON.stringify(doc),
      });
    }
  }
  const meta = { uuid, timestamp, ...(metadata as Record<string, unknown>), ...options.runMeta };
  return {
    run: {
      uuid,
      timestampMs,
      source: 'json',
      collection: options.runCollection,
      metadata: meta,
      ...runColumnsFromMetadata(meta, options.versionField),
      ...(typeof run.buildUrl === 'string' ? { buildUrl: run.buildUrl } : {}),
      replace: options.replace,
    },
    documents,
  };
}
