/**
 * Metric rows of one run from its documents, with Orion's semantics: aggregated metrics (§2.3 D) over the
 * documents matching the metric's filters, standard metrics (§2.3 F) from the newest document routed to
 * the metric. Shared by the store and CSV sources.
 *
 * Each metric reads only the documents its exact filter can select (exact-index.ts) — a run's documents
 * are bucketed once per field, not re-matched for every metric — and the run's mean document time is
 * computed once per timestamp field, not once per metric.
 */
import { getNested, toEpochMs, toNumber } from '../opensearch/fields.js';
import { routeDocument } from '../opensearch/routing.js';
import type { MetricRow, MetricSelector } from '../types.js';
import { aggregate, numericValues } from './aggregate.js';
import { exactFilterField, ExactIndex } from './exact-index.js';
import { matchesFilters, type MatchableDocument } from './match.js';

export interface StoredDocument {
  runId: number;
  timestampMs: number | null;
  doc: MatchableDocument;
  /** Memo of {@link documentTime} for the last field asked (analyses use one or two timestamp fields). */
  timeField?: string;
  timeMs?: number;
}

/** Epoch ms of the document's timestamp field (else its stored time); memoised on the document. */
export function documentTime(d: StoredDocument, timestampField: string): number {
  if (d.timeField === timestampField && d.timeMs !== undefined) return d.timeMs;
  const raw = getNested(d.doc.body, timestampField);
  const parsed = raw === undefined ? Number.NaN : epochMsOf(raw);
  const ms = Number.isNaN(parsed) ? (d.timestampMs ?? Number.NaN) : parsed;
  d.timeField = timestampField;
  d.timeMs = ms;
  return ms;
}

let lastTimeText: string | undefined;
let lastTimeMs = Number.NaN;

/** A run's documents usually carry one timestamp text: it is parsed once, not once per document. */
function epochMsOf(raw: unknown): number {
  if (typeof raw !== 'string') return toEpochMs(raw);
  if (raw !== lastTimeText) {
    lastTimeMs = toEpochMs(raw);
    lastTimeText = raw;
  }
  return lastTimeMs;
}

/** Every metric's row for one run (metric name → row; a standard metric without a document has none). */
export function runMetricRows(uuid: string, docs: readonly StoredDocument[], metrics: readonly MetricSelector[], defaultTimestampField: string): Map<string, MetricRow> {
  const run = new RunDocuments(uuid, docs);
  const out = new Map<string, MetricRow>();
  for (const metric of metrics) {
    const row = metric.agg ? run.aggregatedRow(metric, defaultTimestampField) : run.standardRow(metric, defaultTimestampField);
    if (row) out.set(metric.name, row);
  }
  return out;
}

class RunDocuments {
  private readonly index: ExactIndex<StoredDocument>;
  private readonly meanTimes = new Map<string, number>();

  constructor(
    private readonly uuid: string,
    private readonly docs: readonly StoredDocument[],
  ) {
    this.index = new ExactIndex(docs, (d) => d.doc.body);
  }

  /**
   * D: the run's value of an aggregated metric, and its time = the mean time of all the run's documents
   * in the collection (Orion's `time` agg has no metric filter). A run whose documents all miss the metric
   * gets a null row, so the pipeline can name it.
   */
  aggregatedRow(metric: MetricSelector, defaultTimestampField: string): MetricRow {
    const timestampMs = this.meanTime(metric.timestampField ?? defaultTimestampField);
    const values: unknown[] = [];
    let matched = 0;
    for (const d of this.candidates(metric, false)) {
      if (!matchesFilters(d.doc, metric.filters, metric.not)) continue;
      matched++;
      for (const v of d.doc.values(metric.metricOfInterest)) values.push(v);
    }
    if (matched === 0 || !metric.agg) return { uuid: this.uuid, timestampMs, value: null };
    return { uuid: this.uuid, timestampMs, ...aggregate(numericValues(values), metric.agg) };
  }

  /**
   * F: a document serves every metric whose filters it equals exactly (routing.ts) and that finds its
   * `metric_of_interest` in it; a run keeps its newest document per metric. Orion routes a document to the
   * first such metric only, which starves a second metric reading another field of the same documents
   * (P50 and P99 of one quantile document, the columns of one CSV row).
   */
  standardRow(metric: MetricSelector, defaultTimestampField: string): MetricRow | undefined {
    let best: MetricRow | undefined;
    for (const d of this.candidates(metric, true)) {
      const raw = getNested(d.doc.body, metric.metricOfInterest);
      if (raw === undefined || !routeDocument(d.doc.body, [metric])) continue;
      const timestampMs = documentTime(d, metric.timestampField ?? defaultTimestampField);
      if (best && !(timestampMs > best.timestampMs)) continue;
      best = { uuid: this.uuid, timestampMs, value: toNumber(raw), raw };
    }
    return best;
  }

  private candidates(metric: MetricSelector, routing: boolean): readonly StoredDocument[] {
    const exact = exactFilterField(metric.filters, routing);
    return exact ? this.index.candidates(exact.field, exact.value) : this.docs;
  }

  private meanTime(timestampField: string): number {
    let ms = this.meanTimes.get(timestampField);
    if (ms === undefined) {
      let sum = 0;
      let count = 0;
      for (const d of this.docs) {
        const ts = documentTime(d, timestampField);
        if (Number.isNaN(ts)) continue;
        sum += ts;
        count++;
      }
      ms = count ? sum / count : Number.NaN;
      this.meanTimes.set(timestampField, ms);
    }
    return ms;
  }
}
