/**
 * Metric rows of one run from its documents, with Orion's semantics: aggregated metrics (§2.3 D) over the
 * documents matching the metric's filters, standard metrics (§2.3 F) from the newest document routed to
 * the metric. Shared by the store and CSV sources.
 */
import { getNested, toEpochMs, toNumber } from '../opensearch/fields.js';
import { routeDocument } from '../opensearch/routing.js';
import type { MetricRow, MetricSelector } from '../types.js';
import { aggregate, numericValues } from './aggregate.js';
import { matchesFilters, type MatchableDocument } from './match.js';

export interface StoredDocument {
  runId: number;
  collection: string;
  timestampMs: number | null;
  doc: MatchableDocument;
}

const timeCache = new WeakMap<StoredDocument, Map<string, number>>();

/** Epoch ms of the document's timestamp field (else its stored time); memoised per document and field. */
export function documentTime(d: StoredDocument, timestampField: string): number {
  let byField = timeCache.get(d);
  if (!byField) {
    byField = new Map();
    timeCache.set(d, byField);
  }
  let ms = byField.get(timestampField);
  if (ms === undefined) {
    const raw = getNested(d.doc.body, timestampField);
    const parsed = raw === undefined ? Number.NaN : toEpochMs(raw);
    ms = Number.isNaN(parsed) ? (d.timestampMs ?? Number.NaN) : parsed;
    byField.set(timestampField, ms);
  }
  return ms;
}

/**
 * D: the run's value of an aggregated metric, and its time = the mean time of all the run's documents in
 * the collection (Orion's `time` agg has no metric filter). A run whose documents all miss the metric gets
 * a null row, so the pipeline can name it.
 */
export function aggregatedRow(uuid: string, docs: readonly StoredDocument[], metric: MetricSelector, defaultTimestampField: string): MetricRow {
  const timestampField = metric.timestampField ?? defaultTimestampField;
  let timeSum = 0;
  let timeCount = 0;
  const values: unknown[] = [];
  let matched = 0;
  for (const d of docs) {
    const ts = documentTime(d, timestampField);
    if (!Number.isNaN(ts)) {
      timeSum += ts;
      timeCount++;
    }
    if (!matchesFilters(d.doc, metric.filters, metric.not)) continue;
    matched++;
    values.push(...d.doc.values(metric.metricOfInterest));
  }
  const timestampMs = timeCount ? timeSum / timeCount : Number.NaN;
  if (matched === 0 || !metric.agg) return { uuid, timestampMs, value: null };
  return { uuid, timestampMs, ...aggregate(numericValues(values), metric.agg) };
}

/**
 * F: a document serves every metric whose filters it equals exactly (routing.ts) and that finds its
 * `metric_of_interest` in it; a run keeps its newest document per metric. Orion routes a document to the
 * first such metric only, which starves a second metric reading another field of the same documents
 * (P50 and P99 of one quantile document, the columns of one CSV row).
 */
export function standardRows(uuid: string, docs: readonly StoredDocument[], metrics: readonly MetricSelector[], defaultTimestampField: string): Map<string, MetricRow> {
  const out = new Map<string, MetricRow>();
  for (const d of docs) {
    for (const metric of metrics) {
      const raw = getNested(d.doc.body, metric.metricOfInterest);
      if (raw === undefined || !routeDocument(d.doc.body, [metric])) continue;
      const timestampMs = documentTime(d, metric.timestampField ?? defaultTimestampField);
      const existing = out.get(metric.name);
      if (existing && !(timestampMs > existing.timestampMs)) continue;
      out.set(metric.name, { uuid, timestampMs, value: toNumber(raw), raw });
    }
  }
  return out;
}
