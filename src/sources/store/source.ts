/**
 * The built-in store as an Orion source: runs are the metadata documents (`runs` rows of a metadata
 * collection, and documents of a collection the metadata pattern names — Orion allows the metadata index
 * to be the metrics index), metric values come from the runs' `documents` — with OpenSearch's filter and
 * aggregation semantics (match.ts, aggregate.ts), so one config answers the same over both.
 *
 * What SQL can narrow is pushed down (collections, run ids, `metricName.keyword` filters); the rest is
 * evaluated over parsed bodies. Parsed runs are kept for the life of the source (one analysis), and the
 * documents `findDocuments` loaded for the last run set are kept too, so the jobIterations lookup,
 * `group_by` discovery and the metric values of one test read each document once. Metric values of runs
 * whose documents are not kept are made a batch of runs at a time, the documents dropped as they go.
 *
 * @example
 * const source = new StoreSource(store, { metadataCollection: 'perf_scale_ci*' });
 * const runs = await source.findRuns({ selector, uuidField: 'uuid', versionField: 'ocpVersion', timestampField: 'timestamp' });
 * const values = await source.fetchMetrics({ uuids: runs.map((r) => r.uuid), uuidField: 'uuid', timestampField: 'timestamp', metrics });
 */
import type { Store } from '../../store/connect.js';
import { listDocumentCollections } from '../../store/document-collections.js';
import { getNested, toEpochMs } from '../opensearch/fields.js';
import type { DocumentQuery, FieldValue, MetricQuery, MetricRow, MetricSelector, RunInfo, RunQuery, Source } from '../types.js';
import { exactFilterField, ExactIndex } from './exact-index.js';
import { fieldValues } from './field-values.js';
import { inWindow, selectorTerms, timeWindowOf, type FieldTerms, type TimeWindow } from './metadata-select.js';
import { fingerprintOf, selectCollections, selectionIds, type SelectionLog } from './selection.js';

export { selectCollections };
import { MatchableDocument, matchesFilters, matchesSelector, stripKeyword } from './match.js';
import { documentTime, forEachMetricRow, prepareMetrics, type StoredDocument } from './metric-rows.js';

export interface StoreSourceOptions {
  /** Default pattern(s) of metadata collections (comma-separated, `*`); absent = every run. */
  metadataCollection?: string;
  /** Default pattern(s) of document collections; absent = every document. */
  benchmarkCollection?: string;
  /** Rows of one `match` field's terms read before the fields are intersected in SQL (metadata-select.ts). */
  metadataProbe?: number;
  /** Where the selections read are noted with their fingerprints (the daemon's caches, selection.ts). */
  reads?: SelectionLog;
}

/** A metadata document: a run row, or a document of a collection used as metadata. */
interface MetadataDoc {
  runId: number;
  runUuid: string;
  /** runs.timestamp_ms (used when the document lacks the timestamp field). */
  timestampMs: number;
  buildUrl: string | null;
  doc: MatchableDocument;
  /** Memo of {@link metadataTime} for the last field asked. */
  timeField?: string;
  timeMs?: number;
}

/** The metadata documents of one collection pattern, bucketed by exact field values on demand. */
interface MetadataSet {
  docs: MetadataDoc[];
  index: ExactIndex<MetadataDoc>;
}

/** Keeps SQL `IN` lists well under every dialect's parameter limit. */
const IN_CHUNK = 1000;

export class StoreSource implements Source {
  readonly kind = 'store';
  private readonly metadataCache = new Map<string, Promise<MetadataSet>>();
  /** run uuid (as the config's uuid field reads it) → run ids, learnt from findRuns. */
  private readonly runIds = new Map<string, Set<number>>();
  private documentCache: { key: string; docs: Promise<DocumentsByRun> } | undefined;
  private queries = 0;
  private collectionsOfDocuments: Promise<string[]> | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: StoreSourceOptions = {},
  ) {}

  requestCount(): number {
    return this.queries;
  }

  async close(): Promise<void> {
    // The store belongs to the caller.
  }

  async findRuns(query: RunQuery): Promise<RunInfo[]> {
    const window = timeWindowOf(query.timestampField, query.after, query.before);
    const metadata = await this.metadataDocs(query.index ?? this.options.metadataCollection, selectorTerms(query.selector.match), window);
    // A `.keyword` match narrows the candidates exactly; the full selector is still tested on each.
    const exact = exactFilterField(query.selector.match, false);
    const candidates = exact ? metadata.index.candidates(exact.field, exact.value) : metadata.docs;
    const after = query.after?.getTime();
    const before = query.before?.getTime();
    const wanted = query.uuids ? new Set(query.uuids) : undefined;
    const hits: { meta: MetadataDoc; uuid: string; timestampMs: number }[] = [];
    for (const meta of candidates) {
      const rawUuid = getNested(meta.doc.body, query.uuidField);
      const uuid = rawUuid === undefined || rawUuid === null || rawUuid === '' ? meta.runUuid : String(rawUuid);
      if (wanted && !wanted.has(uuid)) continue;
      const timestampMs = metadataTime(meta, query.timestampField);
      if (Number.isNaN(timestampMs)) continue;
      if (after !== undefined && !(timestampMs > after)) continue;
      if (before !== undefined && !(timestampMs < before)) continue;
      if (!matchesSelector(meta.doc, query.selector)) continue;
      hits.push({ meta, uuid, timestampMs });
    }
    // Newest first, `limit` hits at most, the newest document of a run wins (as over OpenSearch).
    hits.sort((a, b) => b.timestampMs - a.timestampMs);
    const limited = query.limit !== undefined ? hits.slice(0, query.limit) : hits;
    const runs = new Map<string, RunInfo>();
    for (const { meta, uuid, timestampMs } of limited) {
      const ids = this.runIds.get(uuid) ?? new Set<number>();
      ids.add(meta.runId);
      this.runIds.set(uuid, ids);
      if (runs.has(uuid)) continue;
      const body = meta.doc.body;
      const version = getNested(body, query.versionField);
      const buildUrl = body.buildUrl ?? body.build_url ?? meta.buildUrl;
      runs.set(uuid, {
        uuid,
        timestampMs,
        ...(version !== undefined && version !== null ? { version: String(version) } : {}),
        ...(typeof buildUrl === 'string' ? { buildUrl } : {}),
        metadata: body,
      });
    }
    return [...runs.values()].sort((a, b) => a.timestampMs - b.timestampMs);
  }

  async runMetadata(query: { index?: string; uuidField: string; uuid: string }): Promise<Record<string, unknown> | undefined> {
    if (this.options.reads) this.options.reads.untracked = true;
    const { docs } = await this.metadataDocs(query.index ?? this.options.metadataCollection);
    const found = docs.find((m) => String(getNested(m.doc.body, query.uuidField) ?? m.runUuid) === query.uuid);
    return found?.doc.body;
  }

  async fetchMetrics(query: MetricQuery): Promise<Map<string, MetricRow[]>> {
    const out = new Map<string, MetricRow[]>(query.metrics.map((m) => [m.name, []]));
    if (query.uuids.length === 0 || query.metrics.length === 0) return out;
    const prepared = prepareMetrics(query.metrics);
    const listOf = prepared.map((m) => out.get(m.selector.name) ?? []);
    const collect = (metricIndex: number, row: MetricRow) => listOf[metricIndex].push(row);
    const rowsOf = (byUuid: Map<string, readonly StoredDocument[]>) => {
      for (const [uuid, docs] of byUuid) {
        if (docs.length !== 0) forEachMetricRow(uuid, docs, prepared, query.timestampField, collect);
      }
    };
    const metricNames = keywordMetricNames(query.metrics);
    const runIdsByUuid = await this.resolveRunIds(query.uuids);
    const pattern = query.index ?? this.options.benchmarkCollection;
    const cached = this.cachedDocuments(pattern, metricNames, runIdsByUuid);
    if (cached) {
      rowsOf(groupByUuid(runIdsByUuid, await cached));
    } else {
      // Streamed, a batch of runs at a time, each batch's documents dropped once its rows are made: they
      // die young, where the collector is cheapest, instead of a whole test's documents being kept and
      // copied between generations. Batches are whole uuids, so a run's documents are never split.
      const entries = [...runIdsByUuid];
      for (let i = 0; i < entries.length; i += STREAM_UUIDS) {
        const batch = new Map(entries.slice(i, i + STREAM_UUIDS));
        rowsOf(groupByUuid(batch, await this.loadDocuments(sortedRunIds(batch), pattern, metricNames)));
      }
    }
    for (const rows of out.values()) rows.sort((a, b) => a.timestampMs - b.timestampMs);
    return out;
  }

  async findDocuments(query: DocumentQuery): Promise<Record<string, unknown>[]> {
    const byRun = await this.documentsByUuid(query);
    const matching: { body: Record<string, unknown>; ts: number }[] = [];
    for (const docs of byRun.values()) {
      for (const d of docs) {
        if (!matchesFilters(d.doc, query.filters, query.not)) continue;
        matching.push({ body: d.doc.body, ts: documentTime(d, query.timestampField) });
      }
    }
    return matching.sort((a, b) => b.ts - a.ts).map((m) => m.body);
  }

  async distinctValues(query: DocumentQuery & { field: string }): Promise<string[]> {
    const values = new Set<string>();
    for (const body of await this.findDocuments(query)) {
      for (const v of fieldValues(body, stripKeyword(query.field))) {
        if (typeof v !== 'object') values.add(String(v));
      }
    }
    return [...values].sort();
  }

  /**
   * Metadata documents of the collections the pattern names, parsed once per pattern and selection: with
   * `fields`, only the runs run_terms says a selector with these `match` lookups may select, with `window`
   * only the runs run_times says may be in it (supersets).
   */
  private metadataDocs(pattern: string | undefined, fields?: FieldTerms[], window?: TimeWindow): Promise<MetadataSet> {
    const key = fields || window ? `${pattern ?? '*'}\u0000${JSON.stringify([fields ?? null, window ?? null])}` : pattern ?? '*';
    let cached = this.metadataCache.get(key);
    if (!cached) {
      cached = this.loadMetadataDocs(pattern, fields, window).then((docs) => ({ docs, index: new ExactIndex(docs, (m) => m.doc.body) }));
      this.metadataCache.set(key, cached);
    }
    return cached;
  }

  private async loadMetadataDocs(pattern: string | undefined, fields?: FieldTerms[], window?: TimeWindow): Promise<MetadataDoc[]> {
    const db = this.store.db;
    const count = () => this.queries++;
    const { chosen: chosenRuns, ids } = await selectionIds(db, { pattern, fields, window }, count, this.options.metadataProbe);
    // What the analysis reads, fingerprinted before it reads it (selection.ts).
    this.options.reads?.record({ pattern, fields, window }, await fingerprintOf(db, chosenRuns, ids, window, count));
    const out: MetadataDoc[] = [];
    if (chosenRuns.length) {
      const base = () => {
        const q = db.selectFrom('runs').select(['id', 'uuid', 'timestamp_ms', 'build_url', 'metadata', 'collection']);
        return window ? q.where(inWindow(window)) : q;
      };
      const inCollections = new Set(chosenRuns);
      const add = (rows: Awaited<ReturnType<ReturnType<typeof base>['execute']>>) => {
        for (const r of rows) {
          if (r.collection === null || !inCollections.has(r.collection)) continue;
          out.push({ runId: Number(r.id), runUuid: r.uuid, timestampMs: Number(r.timestamp_ms), buildUrl: r.build_url, doc: new MatchableDocument(parseBody(r.metadata)) });
        }
      };
      if (ids) {
        // The candidates are found by their ids (the primary key), their collection checked as they arrive:
        // with the collection in the query too, SQLite walked ix_runs_collection over every run of the
        // collection (91 ms per read beside 500 000 runs, against 1 ms; `npm run bench -- scale`).
        for (let i = 0; i < ids.length; i += IN_CHUNK) {
          this.queries++;
          add(await base().where('id', 'in', ids.slice(i, i + IN_CHUNK)).orderBy('id').execute());
        }
      } else {
        this.queries++;
        add(await base().where('collection', 'in', chosenRuns).execute());
      }
    }
    // An explicit pattern may name a document collection (Orion: metadata index = metrics index).
    if (pattern !== undefined) {
      const chosenDocs = selectCollections(await this.documentCollections(), pattern);
      if (chosenDocs.length) {
        // Documents as metadata are not fingerprinted: an answer that read them lasts one data version.
        if (this.options.reads) this.options.reads.untracked = true;
        this.queries++;
        const rows = await db
          .selectFrom('documents')
          .innerJoin('runs', 'runs.id', 'documents.run_id')
          .select(['documents.run_id as runId', 'runs.uuid as uuid', 'runs.build_url as buildUrl', 'documents.timestamp_ms as ts', 'runs.timestamp_ms as runTs', 'documents.body as body'])
          .where('documents.collection', 'in', chosenDocs)
          .execute();
        for (const r of rows) {
          const ts = r.ts === null ? Number(r.runTs) : Number(r.ts);
          out.push({ runId: r.runId, runUuid: r.uuid, timestampMs: ts, buildUrl: r.buildUrl, doc: new MatchableDocument(parseBody(r.body)) });
        }
      }
    }
    return out;
  }

  /** The documents of the query's runs (per uuid), from the collections its index names. */
  private async documentsByUuid(query: { index?: string; uuids: string[] }, metricNames?: string[]): Promise<Map<string, readonly StoredDocument[]>> {
    const runIdsByUuid = await this.resolveRunIds(query.uuids);
    const pattern = query.index ?? this.options.benchmarkCollection;
    let docs = this.cachedDocuments(pattern, metricNames, runIdsByUuid);
    if (!docs) {
      const ids = sortedRunIds(runIdsByUuid);
      docs = this.loadDocuments(ids, pattern, metricNames);
      this.documentCache = { key: documentsKey(pattern, metricNames, ids), docs };
    }
    return groupByUuid(runIdsByUuid, await docs);
  }

  /** The kept documents of the last run set, when they are these runs' (narrowed alike, or not narrowed). */
  private cachedDocuments(pattern: string | undefined, metricNames: string[] | undefined, runIdsByUuid: Map<string, Set<number>>): Promise<DocumentsByRun> | undefined {
    if (!this.documentCache) return undefined;
    const ids = sortedRunIds(runIdsByUuid);
    const { key, docs } = this.documentCache;
    // A cached superset (no metric-name narrowing) serves narrower queries too.
    return key === documentsKey(pattern, metricNames, ids) || key === documentsKey(pattern, undefined, ids) ? docs : undefined;
  }

  /** Document collection names, recorded at ingest (a few rows, not a scan of `documents`); once per source. */
  private documentCollections(): Promise<string[]> {
    this.collectionsOfDocuments ??= (async () => {
      this.queries++;
      return listDocumentCollections(this.store.db);
    })();
    return this.collectionsOfDocuments;
  }

  private async resolveRunIds(uuids: string[]): Promise<Map<string, Set<number>>> {
    const out = new Map<string, Set<number>>();
    const unknown: string[] = [];
    for (const uuid of uuids) {
      const ids = this.runIds.get(uuid);
      if (ids) out.set(uuid, ids);
      else unknown.push(uuid);
    }
    for (let i = 0; i < unknown.length; i += IN_CHUNK) {
      this.queries++;
      const rows = await this.store.db.selectFrom('runs').select(['id', 'uuid']).where('uuid', 'in', unknown.slice(i, i + IN_CHUNK)).execute();
      for (const r of rows) {
        const ids = out.get(r.uuid) ?? new Set<number>();
        ids.add(r.id);
        out.set(r.uuid, ids);
      }
    }
    return out;
  }

  /** The documents of the runs, grouped by run id as the rows arrive (in row order within a run). */
  private async loadDocuments(runIds: number[], pattern: string | undefined, metricNames?: string[]): Promise<DocumentsByRun> {
    const db = this.store.db;
    const out: DocumentsByRun = new Map();
    let collections: string[] | undefined;
    if (pattern !== undefined) {
      collections = selectCollections(await this.documentCollections(), pattern);
      if (collections.length === 0) return out;
    }
    for (let i = 0; i < runIds.length; i += IN_CHUNK) {
      this.queries++;
      let q = db
        .selectFrom('documents')
        .select(['run_id', 'timestamp_ms', 'body'])
        .where('run_id', 'in', runIds.slice(i, i + IN_CHUNK));
      if (collections) q = q.where('collection', 'in', collections);
      if (metricNames) q = q.where((eb) => eb.or([eb('metric_name', 'in', metricNames), eb('metric_name', 'is', null)]));
      let list: StoredDocument[] | undefined;
      let listRunId = Number.NaN;
      for (const r of await q.execute()) {
        // Rows come grouped by run (the run_id index): the list lookup is per run, not per row.
        if (r.run_id !== listRunId) {
          listRunId = r.run_id;
          list = out.get(listRunId);
          if (!list) out.set(listRunId, (list = []));
        }
        list?.push(new RowDocument(r.run_id, r.timestamp_ms === null ? null : Number(r.timestamp_ms), parseBody(r.body)));
      }
    }
    return out;
  }
}

function documentsKey(pattern: string | undefined, metricNames: string[] | undefined, runIds: number[]): string {
  return `${pattern ?? '*'}|${metricNames?.join('\u0000') ?? ''}|${runIds.join(',')}`;
}

/** A run's documents, by run id. */
type DocumentsByRun = Map<number, StoredDocument[]>;

/** Runs per query when metric rows are streamed: ~2 000 documents of 20 metrics, a few MB at most. */
const STREAM_UUIDS = 100;

function sortedRunIds(runIdsByUuid: Map<string, Set<number>>): number[] {
  const ids = new Set<number>();
  for (const set of runIdsByUuid.values()) for (const id of set) ids.add(id);
  return [...ids].sort((a, b) => a - b);
}

/** Each uuid's documents: its runs' lists, in run-id-set order. */
function groupByUuid(runIdsByUuid: Map<string, Set<number>>, byRunId: DocumentsByRun): Map<string, readonly StoredDocument[]> {
  const out = new Map<string, readonly StoredDocument[]>();
  for (const [uuid, ids] of runIdsByUuid) {
    // Nearly every uuid is one run: its list is shared, not copied.
    if (ids.size === 1) {
      for (const id of ids) out.set(uuid, byRunId.get(id) ?? []);
    } else {
      out.set(uuid, [...ids].flatMap((id) => byRunId.get(id) ?? []));
    }
  }
  return out;
}

/**
 * One object per document row — its body, memos and run — instead of a row wrapper around a
 * MatchableDocument: half the objects for the collector to trace. `doc` is itself, so it is the
 * StoredDocument the metric rows (shared with the CSV source) read.
 */
class RowDocument extends MatchableDocument implements StoredDocument {
  readonly doc: MatchableDocument = this;
  timeField: string | undefined = undefined;
  timeMs: number | undefined = undefined;

  constructor(
    readonly runId: number,
    readonly timestampMs: number | null,
    body: Record<string, unknown>,
  ) {
    super(body);
  }
}

/** A metadata document's time: its timestamp field, else the run's stored time (memoised on the document). */
function metadataTime(meta: MetadataDoc, timestampField: string): number {
  if (meta.timeField === timestampField && meta.timeMs !== undefined) return meta.timeMs;
  const raw = getNested(meta.doc.body, timestampField);
  const ms = raw === undefined ? meta.timestampMs : toEpochMs(raw);
  meta.timeField = timestampField;
  meta.timeMs = ms;
  return ms;
}

/**
 * The metric names SQL may narrow documents to: only when every metric filters on `metricName.keyword`
 * (exact, like the `metric_name` column); a text `match` on `metricName` is token-based and stays in TS.
 * Not with an aggregated metric: its time is the mean time of every document of the run (Orion's `time`
 * agg has no metric filter), other metrics' documents included. Documents without a `metric_name` (their
 * `metricName` is not a string: an array may hold the name) are read too (loadDocuments).
 */
function keywordMetricNames(metrics: readonly MetricSelector[]): string[] | undefined {
  const names = new Set<string>();
  for (const m of metrics) {
    if (m.agg) return undefined;
    const name: FieldValue | undefined = m.filters['metricName.keyword'];
    if (typeof name !== 'string') return undefined;
    names.add(name);
  }
  return [...names];
}

function parseBody(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
