/**
 * The store source makes metric rows in batches of runs when the documents are not already kept
 * (source.ts, `STREAM_UUIDS`), and from the kept documents when `findDocuments` loaded these runs
 * before: both must give every run's rows, in the same order, whatever the batch boundaries.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { writeRun } from '../../src/store/runs.js';
import { StoreSource } from '../../src/sources/store/index.js';
import type { MetricQuery } from '../../src/sources/types.js';
import { useTempStore } from '../support/temp-store.js';

/** More than two batches of runs, so rows cross batch boundaries. */
const RUNS = 230;
const base = Date.UTC(2026, 0, 1);
const uuidOf = (r: number) => `run-${String(r).padStart(4, '0')}`;
/** Two `cpu` documents per run (averaged), one `mem` document (standard), one unrelated. */
const cpu = (r: number, k: number) => r * 10 + k;
const mem = (r: number) => 1000 - r;

describe('store source metric rows, streamed in batches and from kept documents', () => {
  const env = useTempStore('perfhound-store-streaming-');

  beforeAll(async () => {
    await env.store.transaction(async (trx) => {
      for (let r = 0; r < RUNS; r++) {
        const uuid = uuidOf(r);
        const timestamp = new Date(base + r * 60_000).toISOString();
        const doc = (metricName: string, value: number) => ({
          collection: 'metrics',
          timestampMs: null,
          metricName,
          body: JSON.stringify({ uuid, timestamp, metricName, value }),
        });
        await writeRun(trx, { uuid, timestampMs: base + r * 60_000, source: 'test', collection: 'meta', metadata: { uuid, timestamp } }, [
          doc('cpu', cpu(r, 0)),
          doc('cpu', cpu(r, 1)),
          doc('mem', mem(r)),
          doc('other', -1),
        ]);
      }
    });
  });


  // Newest first, so the source's time ordering has work to do.
  const uuids = Array.from({ length: RUNS }, (_, r) => uuidOf(RUNS - 1 - r));
  const query: MetricQuery = {
    uuidField: 'uuid',
    timestampField: 'timestamp',
    uuids,
    metrics: [
      { name: 'cpu', filters: { 'metricName.keyword': 'cpu' }, not: {}, metricOfInterest: 'value', agg: { type: 'avg' } },
      { name: 'mem', filters: { 'metricName.keyword': 'mem' }, not: {}, metricOfInterest: 'value' },
    ],
  };

  it('streamed: every run has its average and its standard value, ordered by time', async () => {
    const rows = await new StoreSource(env.store).fetchMetrics(query);
    const cpuRows = rows.get('cpu') ?? [];
    const memRows = rows.get('mem') ?? [];
    expect(cpuRows.map((row) => row.uuid)).toEqual([...uuids].reverse());
    expect(cpuRows.map((row) => row.value)).toEqual(cpuRows.map((_, r) => (cpu(r, 0) + cpu(r, 1)) / 2));
    expect(memRows.map((row) => row.value)).toEqual(memRows.map((_, r) => mem(r)));
    expect(memRows.map((row) => row.timestampMs)).toEqual(memRows.map((_, r) => base + r * 60_000));
  });

  it('from documents kept by findDocuments: the same rows as streamed', async () => {
    const fresh = new StoreSource(env.store);
    const streamed = await fresh.fetchMetrics(query);
    const source = new StoreSource(env.store);
    const found = await source.findDocuments({ uuidField: 'uuid', timestampField: 'timestamp', uuids, filters: { metricName: 'cpu' }, not: {} });
    expect(found).toHaveLength(2 * RUNS);
    const requestsBefore = source.requestCount();
    const kept = await source.fetchMetrics(query);
    // Served by the kept documents: only the run-id lookup queries, not the batches of documents.
    expect(source.requestCount() - requestsBefore).toBeLessThan(fresh.requestCount());
    expect(kept).toEqual(streamed);
  });
});
