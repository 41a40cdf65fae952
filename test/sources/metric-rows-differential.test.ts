/**
 * The store source's metric rows (metric-rows.ts: documents bucketed by an exact filter's field, numbers
 * collected straight from the field) against the naive reading they replace: every document of the run
 * tested by `matchesFilters` (aggregations) or by Orion's routing (`routeDocument`, standard metrics),
 * values read through `MatchableDocument.values`. Seeded random runs of awkward documents: numbers and
 * their strings ("1" and 1, "01"), booleans and "true"/"True", null, arrays (nested too), objects, dotted
 * keys beside nested objects, missing fields, values beyond ignore_above; filters on `.keyword` and text
 * fields, `not` values.
 */
import { describe, expect, it } from 'vitest';
import { getNested, toNumber } from '../../src/sources/opensearch/fields.js';
import { routeDocument } from '../../src/sources/opensearch/routing.js';
import { aggregate, numericValues } from '../../src/sources/store/aggregate.js';
import { MatchableDocument, matchesFilters } from '../../src/sources/store/match.js';
import { documentTime, runMetricRows, type StoredDocument } from '../../src/sources/store/metric-rows.js';
import type { AggType, FieldValue, MetricRow, MetricSelector } from '../../src/sources/types.js';
import { seededRandom } from '../../src/util/random.js';

const FIELDS = ['a', 'b', 'n.x', 'tags'];
/** Longer than the `.keyword` sub-field's ignore_above (256). */
const LONG = 'x'.repeat(257);
const FIELD_VALUES: unknown[] = ['x', 'X', 'x y', '1', 1, '01', 1.0, 1.5, '1.5', true, 'true', 'True', false, null, '', 'self-managed', 'managed', LONG, [LONG], ['x', 1], ['1', true], [['x']], [null, 'x'], { x: 'x' }, [{ x: 'x' }], []];
const FILTER_VALUES: FieldValue[] = ['x', 'X', '1', 1, '01', 1.5, '1.5', true, 'true', 'True', false, '', 'managed', 'self-managed', 'x y', LONG];
const METRIC_VALUES: unknown[] = [1, 2.5, -3, '4', ' 5 ', 'n/a', null, [1, '2', null], [[3]], true, { v: 1 }, 0, -0, 1e300, '1e400'];
const AGGS: AggType[] = ['avg', 'sum', 'min', 'max', 'count', 'percentiles'];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

function randomBody(rnd: () => number, i: number): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of FIELDS) {
    if (rnd() < 0.25) continue;
    const value = pick(rnd, FIELD_VALUES);
    // A dotted name either as a key of its own or through a nested object (getNested reads both).
    if (field.includes('.') && rnd() < 0.5) body.n = { x: value, v: pick(rnd, METRIC_VALUES) };
    else body[field] = value;
  }
  if (rnd() < 0.8) body.v = pick(rnd, METRIC_VALUES);
  if (rnd() < 0.9) body.timestamp = rnd() < 0.9 ? `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z` : pick(rnd, [1_767_225_600, 'junk', null]);
  return body;
}

function randomMetric(rnd: () => number, name: string): MetricSelector {
  const filters: Record<string, FieldValue> = {};
  for (let k = Math.floor(rnd() * 3); k > 0; k--) filters[pick(rnd, FIELDS) + (rnd() < 0.5 ? '.keyword' : '')] = pick(rnd, FILTER_VALUES);
  const not: Record<string, FieldValue[]> = {};
  if (rnd() < 0.3) not[pick(rnd, FIELDS) + (rnd() < 0.5 ? '.keyword' : '')] = [pick(rnd, FILTER_VALUES), pick(rnd, FILTER_VALUES)];
  const metricOfInterest = pick(rnd, ['v', 'v.keyword', 'n.v']);
  const type = pick(rnd, [...AGGS, undefined, undefined]);
  return { name, filters, not, metricOfInterest, ...(type ? { agg: { type, ...(type === 'percentiles' ? { percents: [50, 99], targetPercentile: 99 } : {}) } } : {}) };
}

function stored(bodies: readonly Record<string, unknown>[]): StoredDocument[] {
  return bodies.map((body, i) => ({ runId: 1, timestampMs: i % 7 ? 1_767_225_600_000 + i : null, doc: new MatchableDocument(body) }));
}

/** Every document tested in full: the reading the buckets must reproduce. */
function naiveRows(uuid: string, docs: readonly StoredDocument[], metrics: readonly MetricSelector[], timestampField: string): Map<string, MetricRow> {
  const out = new Map<string, MetricRow>();
  for (const metric of metrics) {
    const field = metric.timestampField ?? timestampField;
    if (metric.agg) {
      const times = docs.map((d) => documentTime(d, field)).filter((t) => !Number.isNaN(t));
      const timestampMs = times.length ? times.reduce((a, b) => a + b, 0) / times.length : Number.NaN;
      const matching = docs.filter((d) => matchesFilters(d.doc, metric.filters, metric.not));
      if (matching.length === 0) {
        out.set(metric.name, { uuid, timestampMs, value: null });
        continue;
      }
      const { value, percentiles } = aggregate(numericValues(matching.flatMap((d) => d.doc.values(metric.metricOfInterest))), metric.agg);
      out.set(metric.name, percentiles ? { uuid, timestampMs, value, percentiles } : { uuid, timestampMs, value });
      continue;
    }
    let best: MetricRow | undefined;
    for (const d of docs) {
      const raw = getNested(d.doc.body, metric.metricOfInterest);
      if (raw === undefined || !routeDocument(d.doc.body, [metric])) continue;
      const timestampMs = documentTime(d, field);
      if (!best || timestampMs > best.timestampMs) best = { uuid, timestampMs, value: toNumber(raw), raw };
    }
    if (best) out.set(metric.name, best);
  }
  return out;
}

describe('store metric rows: buckets against every document tested', () => {
  it('agree on 2 000 random runs of awkward documents and filters', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const rnd = seededRandom(seed);
      const bodies = Array.from({ length: 1 + Math.floor(rnd() * 12) }, (_, i) => randomBody(rnd, i));
      const metrics = Array.from({ length: 1 + Math.floor(rnd() * 4) }, (_, i) => randomMetric(rnd, `m${i}`));
      const json = JSON.stringify(bodies);
      // Fresh documents on each side: neither reading sees the other's memoised times or tokens.
      const fast = runMetricRows('u', stored(JSON.parse(json) as Record<string, unknown>[]), metrics, 'timestamp');
      const naive = naiveRows('u', stored(JSON.parse(json) as Record<string, unknown>[]), metrics, 'timestamp');
      expect([...fast], `seed ${seed}: ${json} ${JSON.stringify(metrics)}`).toEqual([...naive]);
    }
  });
});
