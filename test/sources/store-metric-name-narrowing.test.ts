/**
 * The store source may narrow a query's documents in SQL by the `metric_name` column when every metric
 * filters on `metricName.keyword`. That must not change a row:
 * - ingest fills the column only from a string `metricName`, so a document whose `metricName` is an array
 *   (OpenSearch matches any element) or a number or boolean (matched by its string form, as a `.keyword`
 *   match reads it) has none: SQL must not drop what the filter would keep;
 * - an aggregated metric's time is the mean time of all the run's documents (Orion's `time` agg has no
 *   metric filter), other metrics' documents included; the same whether the documents were streamed for
 *   the query or kept by an earlier `findDocuments`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { MatchableDocument } from '../../src/sources/store/match.js';
import { StoreSource } from '../../src/sources/store/index.js';
import { runMetricRows } from '../../src/sources/store/metric-rows.js';
import type { MetricQuery, MetricRow } from '../../src/sources/types.js';
import { writeRun } from '../../src/store/runs.js';
import { useTempStore } from '../support/temp-store.js';

const base = Date.UTC(2026, 0, 1);
const timestamp = new Date(base).toISOString();
const later = new Date(base + 3_600_000).toISOString();
const bodies = [
  { uuid: 'r1', timestamp, metricName: ['cpu', 'other'], value: 10 },
  { uuid: 'r1', timestamp, metricName: 'cpu', value: 20 },
  { uuid: 'r1', timestamp, metricName: 7, value: 30 },
  { uuid: 'r1', timestamp, metricName: ['mem'], value: 40 },
  { uuid: 'r1', timestamp: later, metricName: 'other', value: 50 },
];

describe('store source: metric_name narrowing keeps what metricName.keyword matches', () => {
  const env = useTempStore('perfhound-metric-name-');

  beforeAll(async () => {
    await env.store.transaction(async (trx) => {
      // The column as ingest fills it (bulk.ts, kube-burner.ts, json.ts): the name when it is a string.
      const documents = bodies.map((body) => ({ collection: 'metrics', timestampMs: null, metricName: typeof body.metricName === 'string' ? body.metricName : null, body: JSON.stringify(body) }));
      await writeRun(trx, { uuid: 'r1', timestampMs: base, source: 'test', collection: 'meta', metadata: { uuid: 'r1', timestamp } }, documents);
    });
  });


  it('gives the rows of every document tested by the filters', async () => {
    const query: MetricQuery = {
      uuidField: 'uuid',
      timestampField: 'timestamp',
      uuids: ['r1'],
      metrics: [
        { name: 'cpu', filters: { 'metricName.keyword': 'cpu' }, not: {}, metricOfInterest: 'value', agg: { type: 'sum' } },
        { name: 'seven', filters: { 'metricName.keyword': '7' }, not: {}, metricOfInterest: 'value', agg: { type: 'sum' } },
        { name: 'mem', filters: { 'metricName.keyword': 'mem' }, not: {}, metricOfInterest: 'value', agg: { type: 'max' } },
      ],
    };
    const fetched = await new StoreSource(env.store).fetchMetrics(query);
    // The same query served from documents an earlier findDocuments kept (not narrowed by name).
    const keeping = new StoreSource(env.store);
    await keeping.findDocuments({ uuidField: 'uuid', uuids: ['r1'], filters: {}, not: {}, timestampField: 'timestamp' });
    expect(await keeping.fetchMetrics(query)).toEqual(fetched);
    const docs = bodies.map((body) => ({ runId: 1, timestampMs: null, doc: new MatchableDocument(JSON.parse(JSON.stringify(body)) as Record<string, unknown>) }));
    const naive = runMetricRows('r1', docs, query.metrics, 'timestamp');
    const expected = new Map<string, MetricRow[]>(query.metrics.map((m) => [m.name, naive.has(m.name) ? [naive.get(m.name) as MetricRow] : []]));
    expect(fetched).toEqual(expected);
    // And what that is: both cpu documents, the number 7 by its string form, the one-element array; the
    // time of the five documents, the `other` one an hour later included.
    expect([...fetched.values()].map((rows) => rows[0]?.value)).toEqual([30, 30, 40]);
    expect([...fetched.values()].map((rows) => rows[0]?.timestampMs)).toEqual(Array(3).fill(base + 3_600_000 / 5));
  });

  it('finds standard metrics in documents whose metricName array holds the name', async () => {
    const metrics = [
      { name: 'mem', filters: { 'metricName.keyword': 'mem' }, not: {}, metricOfInterest: 'value' },
      { name: 'other', filters: { 'metricName.keyword': 'other' }, not: {}, metricOfInterest: 'value' },
    ];
    const fetched = await new StoreSource(env.store).fetchMetrics({ uuidField: 'uuid', timestampField: 'timestamp', uuids: ['r1'], metrics });
    // mem: only the ['mem'] document; other: the newest of ['cpu', 'other'] and 'other' (an hour later).
    expect([...fetched].map(([name, rows]) => [name, rows.map((row) => [row.value, row.timestampMs])])).toEqual([
      ['mem', [[40, base]]],
      ['other', [[50, base + 3_600_000]]],
    ]);
  });
});
