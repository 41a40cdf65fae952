/**
 * The OpenSearch / Elasticsearch source: Orion's request sequence (reference/orion.md §2.2) over
 * search-client.ts (the official client's requests without its start-up cost), with Orion's exact bodies
 * (bodies.ts) and its batching — aggregated metrics 15 to a request with a per-metric fallback, standard
 * metrics 15 to an OR-query routed client-side with a per-metric fallback, `search_after` paging.
 *
 * @example
 * const source = new OpenSearchSource({ url: process.env.ES_SERVER!, metadataIndex: 'perf_scale_ci*',
 *   benchmarkIndex: 'ripsaw-kube-burner*' });
 * const runs = await source.findRuns({ selector, uuidField: 'uuid', versionField: 'ocpVersion',
 *   timestampField: 'timestamp', after: new Date(Date.now() - 15 * 864e5) });
 * await source.close();
 */
import { errorMessage, UserError } from '../../util/errors.js';
import { logger } from '../../util/log.js';
import { redactUrl } from '../../util/redact.js';
import type { DocumentQuery, MetricQuery, MetricRow, MetricSelector, RunInfo, RunQuery, Source } from '../types.js';
import {
  aggBatchBody,
  aggSingleBody,
  documentsBody,
  groupValuesBody,
  MAX_PAGE_SIZE,
  metadataByUuidBody,
  resultsBody,
  runDiscoveryBody,
  standardBatchBody,
  type Body,
} from './bodies.js';
import { createSearchClient, type SearchClient } from './search-client.js';
import type { ClientOptions } from './server-url.js';
import { getNested, toEpochMs, toNumber } from './fields.js';
import { parseAggBatch, parseAggSingle, parseGroupValues, type SearchHit, type SearchResponse } from './responses.js';
import { routeDocument } from './routing.js';

export interface OpenSearchSourceOptions extends ClientOptions {
  /** `http(s)://[user:pass@]host:port` */
  url: string;
  /** Default metadata index pattern (Orion `--metadata-index`). */
  metadataIndex?: string;
  /** Default benchmark index pattern (Orion `--benchmark-index`). */
  benchmarkIndex?: string;
  /** Hits per page of list queries (default 10000, Orion's; at most 10000). */
  pageSize?: number;
  /** Metrics per batched request (default 15, Orion's `BATCH_METRIC_CHUNK_SIZE`). */
  chunkSize?: number;
}

export class OpenSearchSource implements Source {
  readonly kind = 'opensearch';
  private readonly client: SearchClient;
  private readonly pageSize: number;
  private readonly chunkSize: number;
  private requests = 0;

  constructor(private readonly options: OpenSearchSourceOptions) {
    this.client = createSearchClient(options.url, options);
    this.pageSize = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    this.chunkSize = options.chunkSize ?? 15;
  }

  requestCount(): number {
    return this.requests;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /** A. Runs matching the metadata, newest `limit` of them, returned oldest first. */
  async findRuns(query: RunQuery): Promise<RunInfo[]> {
    const index = this.indexFor(query.index, 'metadata');
    const size = Math.min(query.limit ?? this.pageSize, this.pageSize);
    const hits = await this.searchAll(index, runDiscoveryBody(query, size), query.limit);
    const runs = new Map<string, RunInfo>();
    for (const hit of hits) {
      const source = hit._source ?? {};
      const uuid = getNested(source, query.uuidField);
      const timestampMs = toEpochMs(getNested(source, query.timestampField));
      if (uuid === undefined || uuid === null || Number.isNaN(timestampMs)) {
        logger().warn({ index: hit._index, id: hit._id }, `run document without ${query.uuidField} or a readable ${query.timestampField}; skipped`);
        continue;
      }
      if (runs.has(String(uuid))) continue; // the newest document of a run wins
      const version = getNested(source, query.versionField);
      const buildUrl = source.buildUrl ?? source.build_url;
      runs.set(String(uuid), {
        uuid: String(uuid),
        timestampMs,
        ...(version !== undefined && version !== null ? { version: String(version) } : {}),
        ...(typeof buildUrl === 'string' ? { buildUrl } : {}),
        metadata: source,
      });
    }
    return [...runs.values()].sort((a, b) => a.timestampMs - b.timestampMs);
  }

  /** B. The version of each run (Orion `get_version`), for runs whose discovery hit lacked it. */
  async findVersions(query: { index?: string; uuidField: string; versionField: string; timestampField: string; uuids: string[] }): Promise<Map<string, string>> {
    const index = this.indexFor(query.index, 'metadata');
    const versions = new Map<string, string>();
    if (query.uuids.length === 0) return versions;
    const body = resultsBody({ ...query, exists: [query.versionField], size: this.pageSize });
    for (const hit of await this.searchAll(index, body)) {
      const uuid = getNested(hit._source, query.uuidField);
      const version = getNested(hit._source, query.versionField);
      if (uuid !== undefined && version !== undefined && !versions.has(String(uuid))) versions.set(String(uuid), String(version));
    }
    return versions;
  }

  /** H. A run's metadata document by id (first hit), as Orion's `--uuid` mode reads it. */
  async runMetadata(query: { index?: string; uuidField: string; uuid: string }): Promise<Record<string, unknown> | undefined> {
    const index = this.indexFor(query.index, 'metadata');
    const response = await this.search(index, metadataByUuidBody(query.uuidField, query.uuid));
    return response.hits?.hits?.[0]?._source;
  }

  /** D/E for aggregated metrics, F/G for standard ones; chunks of 15 per timestamp field. */
  async fetchMetrics(query: MetricQuery): Promise<Map<string, MetricRow[]>> {
    const index = this.indexFor(query.index, 'benchmark');
    const out = new Map<string, MetricRow[]>(query.metrics.map((m) => [m.name, []]));
    if (query.uuids.length === 0) return out;
    const groups = new Map<string, { agg: MetricSelector[]; standard: MetricSelector[] }>();
    for (const metric of query.metrics) {
      const ts = metric.timestampField ?? query.timestampField;
      const group = groups.get(ts) ?? { agg: [], standard: [] };
      (metric.agg ? group.agg : group.standard).push(metric);
      groups.set(ts, group);
    }
    for (const [timestampField, group] of groups) {
      const base = { index, uuidField: query.uuidField, uuids: query.uuids, timestampField };
      for (const chunk of chunks(group.agg, this.chunkSize)) {
        for (const [name, rows] of await this.fetchAggChunk(base, chunk)) out.set(name, sortByTime(rows));
      }
      for (const chunk of chunks(group.standard, this.chunkSize)) {
        for (const [name, rows] of await this.fetchStandardChunk(base, chunk)) out.set(name, sortByTime(rows));
      }
    }
    return out;
  }

  /** C. Documents of the runs matching the filters, newest first (the kube-burner jobSummary lookup). */
  async findDocuments(query: DocumentQuery): Promise<Record<string, unknown>[]> {
    const index = this.indexFor(query.index, 'benchmark');
    if (query.uuids.length === 0) return [];
    const hits = await this.searchAll(index, documentsBody({ ...query, size: this.pageSize }));
    return hits.map((h) => h._source ?? {});
  }

  /** I. Distinct values of `field` among the runs' matching documents (Orion `group_by`), sorted. */
  async distinctValues(query: DocumentQuery & { field: string }): Promise<string[]> {
    const index = this.indexFor(query.index, 'benchmark');
    if (query.uuids.length === 0) return [];
    return parseGroupValues(await this.search(index, groupValuesBody(query)));
  }

  private async fetchAggChunk(base: ChunkBase, chunk: MetricSelector[]): Promise<Map<string, MetricRow[]>> {
    try {
      return parseAggBatch(await this.search(base.index, aggBatchBody({ ...base, metrics: chunk })), chunk);
    } catch (err) {
      logger().warn(`batched aggregation of ${chunk.length} metrics failed (${errorMessage(err)}); querying them one by one`);
    }
    const out = new Map<string, MetricRow[]>();
    for (const metric of chunk) {
      const response = await this.search(base.index, aggSingleBody({ ...base, metric }), metric.name);
      out.set(metric.name, parseAggSingle(response, metric));
    }
    return out;
  }

  private async fetchStandardChunk(base: ChunkBase, chunk: MetricSelector[]): Promise<Map<string, MetricRow[]>> {
    let hits: SearchHit[] | undefined;
    try {
      hits = await this.searchAll(base.index, standardBatchBody({ ...base, metrics: chunk, size: this.pageSize }));
    } catch (err) {
      logger().warn(`batched query of ${chunk.length} metrics failed (${errorMessage(err)}); querying them one by one`);
    }
    if (hits) return standardRows(hits, chunk, base);
    const out = new Map<string, MetricRow[]>();
    for (const metric of chunk) {
      const body = resultsBody({ ...base, filters: metric.filters, not: metric.not, size: this.pageSize });
      const single = await this.searchAll(base.index, body, undefined, metric.name);
      out.set(metric.name, standardRows(single, [metric], base).get(metric.name) ?? []);
    }
    return out;
  }

  /**
   * Every page of a list query: re-sends the body with `search_after` = the last hit's sort values until a
   * page is empty or short (a short page is the last one; Orion sends one more, empty, request) or
   * `maxHits` are collected.
   */
  private async searchAll(index: string, body: Body, maxHits?: number, metric?: string): Promise<SearchHit[]> {
    const all: SearchHit[] = [];
    const size = typeof body.size === 'number' ? body.size : 10;
    let page: Body = body;
    for (;;) {
      const hits = (await this.search(index, page, metric)).hits?.hits ?? [];
      all.push(...hits);
      if (maxHits !== undefined && all.length >= maxHits) return all.slice(0, maxHits);
      const last = hits[hits.length - 1];
      if (hits.length < size || !last?.sort) return all;
      if (hits.length > 1 && JSON.stringify(hits[hits.length - 2].sort) === JSON.stringify(last.sort)) {
        // Orion's bodies sort on the timestamp alone; OpenSearch's search_after skips every hit tying with
        // the last one, so equal timestamps across a page boundary lose documents. Say so.
        logger().warn({ index, sort: last.sort }, 'documents with equal sort values span a page boundary; some may be skipped by search_after');
      }
      page = { ...body, search_after: last.sort };
    }
  }

  private async search(index: string, body: Body, metric?: string): Promise<SearchResponse> {
    this.requests++;
    try {
      return (await this.client.search(index, body)) as SearchResponse;
    } catch (err) {
      throw new UserError(`OpenSearch ${redactUrl(this.options.url)} ${index}/_search: ${describe(err)}`, metric ? { metric } : {}, 502);
    }
  }

  private indexFor(index: string | undefined, kind: 'metadata' | 'benchmark'): string {
    const chosen = index ?? (kind === 'metadata' ? this.options.metadataIndex : this.options.benchmarkIndex);
    if (!chosen) throw new UserError(`no ${kind} index given`, { field: `${kind}-index` });
    return chosen;
  }
}

interface ChunkBase {
  index: string;
  uuidField: string;
  uuids: string[];
  timestampField: string;
}

/**
 * F/G rows: each document goes to the first metric it equals (routing.ts); a run keeps its newest document
 * per metric — Orion keeps every one and cross-multiplies rows, a bug — and the duplicates are reported.
 */
function standardRows(hits: SearchHit[], metrics: MetricSelector[], base: ChunkBase): Map<string, MetricRow[]> {
  const byMetric = new Map<string, Map<string, MetricRow>>(metrics.map((m) => [m.name, new Map()]));
  const duplicates = new Map<string, number>();
  for (const hit of hits) {
    const doc = hit._source ?? {};
    const metric = routeDocument(doc, metrics);
    const uuid = getNested(doc, base.uuidField);
    if (!metric || uuid === undefined || uuid === null) continue;
    const rows = byMetric.get(metric.name);
    if (!rows) continue;
    if (rows.has(String(uuid))) {
      duplicates.set(metric.name, (duplicates.get(metric.name) ?? 0) + 1);
      continue;
    }
    const raw = getNested(doc, metric.metricOfInterest);
    rows.set(String(uuid), {
      uuid: String(uuid),
      timestampMs: toEpochMs(getNested(doc, metric.timestampField ?? base.timestampField)),
      value: toNumber(raw),
      raw,
    });
  }
  for (const [name, count] of duplicates) {
    logger().warn({ metric: name }, `${count} extra documents matched metric ${name} for runs that already had one; kept each run's newest`);
  }
  return new Map([...byMetric].map(([name, rows]) => [name, [...rows.values()]]));
}

function sortByTime(rows: MetricRow[]): MetricRow[] {
  return [...rows].sort((a, b) => a.timestampMs - b.timestampMs);
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** OpenSearch's own error type and reason when it answered, else the transport error. */
function describe(err: unknown): string {
  const body = (err as { meta?: { body?: { error?: { type?: string; reason?: string; root_cause?: { reason?: string }[] } } } }).meta?.body;
  const error = body?.error;
  if (error && typeof error === 'object') {
    const reason = error.root_cause?.[0]?.reason ?? error.reason;
    return `${error.type ?? 'error'}: ${reason ?? 'no reason given'}`;
  }
  return errorMessage(err);
}
