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
import type { FieldValue, MetricRow, MetricSelector } from '../types.js';
import { aggregate, appendNumeric } from './aggregate.js';
import { exactFilterField, ExactIndex } from './exact-index.js';
import { fieldValues } from './field-values.js';
import { matchesFilters, stripKeyword, type MatchableDocument } from './match.js';

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
  const out = new Map<string, MetricRow>();
  const prepared = prepareMetrics(metrics);
  forEachMetricRow(uuid, docs, prepared, defaultTimestampField, (i, row) => out.set(prepared[i].selector.name, row));
  return out;
}

/**
 * A metric with what every run asks of it worked out once per query, not once per run: its narrowing
 * field, whether that field is its only test, its routing filters as entries.
 */
export interface PreparedMetric {
  readonly selector: MetricSelector;
  /** The `.keyword` filter whose bucket narrows the aggregated metric's documents. */
  readonly aggExact: ExactFilter | undefined;
  /** The bucket of {@link aggExact} holds only matching documents: the sole filter, and no `not`. */
  readonly aggExactIsWholeTest: boolean;
  /** The filter whose bucket narrows the standard metric's documents (routing equality is exact). */
  readonly routingExact: ExactFilter | undefined;
  /** `metric_of_interest` without a `.keyword` suffix, as aggregations read it. */
  readonly aggValuePath: string;
  readonly filterEntries: readonly (readonly [string, FieldValue])[];
  readonly notEntries: readonly (readonly [string, FieldValue[]])[];
}

/** An exact filter, with its field's path (no `.keyword`) worked out once. */
interface ExactFilter {
  field: string;
  path: string;
  value: string;
}

function exactFilterOf(filters: Record<string, FieldValue>, routing: boolean): ExactFilter | undefined {
  const exact = exactFilterField(filters, routing);
  return exact && { ...exact, path: stripKeyword(exact.field) };
}

export function prepareMetrics(metrics: readonly MetricSelector[]): PreparedMetric[] {
  return metrics.map((selector) => {
    const aggExact = exactFilterOf(selector.filters, false);
    const filterEntries = Object.entries(selector.filters);
    const notEntries = Object.entries(selector.not);
    return {
      selector,
      aggExact,
      aggExactIsWholeTest: aggExact !== undefined && filterEntries.length === 1 && notEntries.length === 0,
      routingExact: exactFilterOf(selector.filters, true),
      aggValuePath: stripKeyword(selector.metricOfInterest),
      filterEntries,
      notEntries,
    };
  });
}

/** Calls `emit(metric index, row)` for every metric that has a row for the run. */
export function forEachMetricRow(
  uuid: string,
  docs: readonly StoredDocument[],
  metrics: readonly PreparedMetric[],
  defaultTimestampField: string,
  emit: (metricIndex: number, row: MetricRow) => void,
): void {
  const run = new RunDocuments(uuid, docs);
  for (let i = 0; i < metrics.length; i++) {
    const metric = metrics[i];
    const row = metric.selector.agg ? run.aggregatedRow(metric, defaultTimestampField) : run.standardRow(metric, defaultTimestampField);
    if (row) emit(i, row);
  }
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
  aggregatedRow(prepared: PreparedMetric, defaultTimestampField: string): MetricRow {
    const metric = prepared.selector;
    const timestampMs = this.meanTime(metric.timestampField ?? defaultTimestampField);
    const numbers: number[] = [];
    let matched = 0;
    const exact = prepared.aggExact;
    const candidates = exact ? this.index.candidatesAt(exact.path, exact.value) : this.docs;
    for (const d of candidates) {
      if (!prepared.aggExactIsWholeTest && !matchesFilters(d.doc, metric.filters, metric.not)) continue;
      matched++;
      // The field's values (array elements each count), as MatchableDocument.values reads them; a
      // number or string (nearly every document) without a list of values.
      const raw = getNested(d.doc.body, prepared.aggValuePath);
      if (typeof raw === 'number' || typeof raw === 'string') appendNumeric(numbers, raw);
      else for (const v of fieldValues(d.doc.body, prepared.aggValuePath)) appendNumeric(numbers, v);
    }
    if (matched === 0 || !metric.agg) return { uuid: this.uuid, timestampMs, value: null };
    const { value, percentiles } = aggregate(numbers, metric.agg);
    return percentiles ? { uuid: this.uuid, timestampMs, value, percentiles } : { uuid: this.uuid, timestampMs, value };
  }

  /**
   * F: a document serves every metric whose filters it equals exactly (routing.ts) and that finds its
   * `metric_of_interest` in it; a run keeps its newest document per metric. Orion routes a document to the
   * first such metric only, which starves a second metric reading another field of the same documents
   * (P50 and P99 of one quantile document, the columns of one CSV row).
   */
  standardRow(prepared: PreparedMetric, defaultTimestampField: string): MetricRow | undefined {
    const metric = prepared.selector;
    let best: MetricRow | undefined;
    const exact = prepared.routingExact;
    const candidates = exact ? this.index.candidatesAt(exact.path, exact.value) : this.docs;
    for (const d of candidates) {
      const raw = getNested(d.doc.body, metric.metricOfInterest);
      if (raw === undefined || !routesTo(d.doc.body, prepared)) continue;
      const timestampMs = documentTime(d, metric.timestampField ?? defaultTimestampField);
      if (best && !(timestampMs > best.timestampMs)) continue;
      best = { uuid: this.uuid, timestampMs, value: toNumber(raw), raw };
    }
    return best;
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

/** routing.ts's `routeDocument` for one prepared metric, without rebuilding its filter entries per document. */
function routesTo(body: Record<string, unknown>, metric: PreparedMetric): boolean {
  for (const [field, value] of metric.filterEntries) if (!fieldEquals(body, field, value)) return false;
  for (const [field, values] of metric.notEntries) {
    for (const v of values) if (fieldEquals(body, field, v)) return false;
  }
  return true;
}

/** routing.ts's equality: the field (`.keyword` stripped) or one of its elements is strictly the value. */
function fieldEquals(body: Record<string, unknown>, field: string, wanted: FieldValue): boolean {
  const actual = getNested(body, stripKeyword(field));
  return Array.isArray(actual) ? actual.some((v) => v === wanted) : actual === wanted;
}
