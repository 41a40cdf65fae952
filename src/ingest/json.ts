/**
 * `perfhound ingest json`: the generic JSON run shape (below) into the store, one transaction per run.
 *
 * ```ts
 * const report = await ingestJson(store, 'runs.json', { collection: 'results', runCollection: 'results',
 *   versionField: 'version', runMeta: {} });
 * ```
 */
import type { Store } from '../store/connect.js';
import { writeRun, type NewDocument, type NewRun } from '../store/runs.js';
import { errorMessage } from '../util/errors.js';
import { parseJsonExactly, scanJsonElements } from './json-scanner.js';
import type { ScannedLine } from './line-scanner.js';
import { newReport, placeMessage, type IngestReport } from './report.js';
import { runColumnsFromMetadata } from './run-fields.js';
import { parseTimestamp } from './timestamps.js';

export interface JsonOptions {
  /** Collection of metric documents (default `results`). */
  collection: string;
  /** Collection the runs belong to (default `results`). */
  runCollection: string;
  versionField: string;
  runMeta: Record<string, string>;
  label?: string;
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
 * One transaction per run.
 */
export async function ingestJson(store: Store, path: string, options: JsonOptions): Promise<IngestReport> {
  const file = options.label ?? path;
  const report = newReport(file, 'json');
  for await (const el of scanJsonElements(path)) {
    const place = { file, line: el.line };
    const parsed = parseRun(el, options);
    if ('error' in parsed) {
      report.runs.push({ uuid: parsed.uuid ?? `line ${el.line}`, outcome: 'failed', documents: 0, error: placeMessage(parsed.error, { ...place, field: parsed.field }) });
      continue;
    }
    try {
      const { outcome } = await store.writeTransaction((trx) => writeRun(trx, parsed.run, parsed.documents));
      report.runs.push({ uuid: parsed.run.uuid, outcome, documents: parsed.documents.length });
    } catch (err) {
      report.runs.push({ uuid: parsed.run.uuid, outcome: 'failed', documents: 0, error: placeMessage(`database refused the run: ${errorMessage(err)}`, place) });
    }
  }
  return report;
}

type Parsed = { run: NewRun; documents: NewDocument[] } | { error: string; field?: string; uuid?: string };

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
  const timestamp = new Date(timestampMs).toISOString();
  const metadata = run.metadata ?? {};
  if (typeof metadata !== 'object' || Array.isArray(metadata)) return { error: 'metadata must be an object', field: 'metadata', uuid };
  const documents: NewDocument[] = [];
  if (run.metrics !== undefined) {
    if (run.metrics === null || typeof run.metrics !== 'object' || Array.isArray(run.metrics)) return { error: 'metrics must be an object of numbers', field: 'metrics', uuid };
    const body: Record<string, unknown> = { uuid, timestamp };
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
      const doc: Record<string, unknown> = { uuid, ...(d as Record<string, unknown>) };
      documents.push({
        collection: options.collection,
        timestampMs: parseTimestamp(doc.timestamp) ?? timestampMs,
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
    },
    documents,
  };
}
