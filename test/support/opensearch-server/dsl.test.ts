/**
 * The test server's DSL, mapping, sorting and aggregation rules (reference/orion.md §2.6), exercised
 * without HTTP through the same `Cluster` and `search` the server uses.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from './analysis.js';
import { Cluster } from './cluster.js';
import { OpenSearchError } from './errors.js';
import { percentile } from './percentiles.js';
import { search } from './search.js';

function clusterWith(index: string, docs: Record<string, unknown>[]): Cluster {
  const cluster = new Cluster();
  const ndjson = docs.flatMap((d, i) => [JSON.stringify({ index: { _index: index, _id: `d${i}` } }), JSON.stringify(d)]).join('\n');
  const result = cluster.bulk(ndjson + '\n');
  if (result.errors) throw new Error(JSON.stringify(result.items));
  return cluster;
}

type Response = {
  hits: { total: { value: number }; hits: { _id: string; sort?: unknown[]; _source?: Record<string, unknown> }[] };
  aggregations?: Record<string, unknown>;
};

function run(cluster: Cluster, body: Record<string, unknown>, pattern = '*'): Response {
  return search(cluster.resolve(pattern), body, new URLSearchParams()) as Response;
}

const ids = (cluster: Cluster, query: unknown, pattern = '*') => run(cluster, { query, size: 100 }, pattern).hits.hits.map((h) => h._id);

function errorOf(fn: () => unknown): OpenSearchError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OpenSearchError) return err;
    throw err;
  }
  throw new Error('expected an OpenSearchError');
}

const runs = clusterWith('meta', [
  { uuid: 'U1', platform: 'GCP', clusterType: 'self-managed', count: 3, ok: true, ocpVersion: '4.20.0-0.nightly-2026-01-18-195655', timestamp: '2026-01-19T10:47:27Z', labels: { namespace: 'openshift-etcd' }, tags: ['a', 'b'] },
  { uuid: 'U2', platform: 'AWS', clusterType: 'managed', count: 6, ok: false, ocpVersion: '4.19.3', timestamp: '2026-01-18T10:47:27Z', labels: { namespace: 'openshift-ovn' }, tags: ['c'] },
  { uuid: 'U3', platform: 'gcp', clusterType: 'Self Managed', count: 3, ok: true, ocpVersion: '4.20.1', timestamp: '2026-01-17T10:47:27Z' },
]);

describe('analysis (standard tokenizer + lower-case)', () => {
  it.each([
    ['4.20.0-0.nightly-2026-01-18-195655', ['4.20.0', '0', 'nightly', '2026', '01', '18', '195655']],
    ['self-managed', ['self', 'managed']],
    ['OVNKubernetes', ['ovnkubernetes']],
    ['keystone_v3.list_users', ['keystone_v3', 'list_users']],
    ['e2-custom-6-16384', ['e2', 'custom', '6', '16384']],
    ["it's a.b, 1,000", ["it's", 'a.b', '1,000']],
    ['/system.slice/ovs-vswitchd.service', ['system.slice', 'ovs', 'vswitchd.service']],
  ])('%s', (text, tokens) => expect(analyze(text)).toEqual(tokens));
});

describe('dynamic mapping', () => {
  it('infers date, text (+keyword), long, float, boolean from the first value', () => {
    const c = clusterWith('m', [{ t: '2026-01-19T10:47:27Z', d: '2026-02-11T07:21:37.929397', s: '1609', n: 3, f: 1.5, b: true, o: { x: 'y' } }]);
    const mapping = c.indices.get('m')?.mapping;
    expect(Object.fromEntries([...(mapping ?? [])].map(([k, v]) => [k, v.type]))).toEqual({
      t: 'date',
      d: 'date',
      s: 'text',
      n: 'long',
      f: 'float',
      b: 'boolean',
      'o.x': 'text',
    });
  });

  it('rejects a later value the mapped type cannot take, coerces one it can', () => {
    const c = clusterWith('m', [{ t: '2026-01-19T10:47:27Z', n: 3 }]);
    const result = c.bulk(
      [
        JSON.stringify({ index: { _index: 'm', _id: 'bad' } }),
        JSON.stringify({ t: 'yesterday' }),
        JSON.stringify({ index: { _index: 'm', _id: 'ok' } }),
        JSON.stringify({ n: '7' }),
      ].join('\n') + '\n',
    );
    expect(result.errors).toBe(true);
    expect(result.items.map((i) => Object.values(i)[0].status)).toEqual([400, 201]);
    expect(ids(c, { match: { n: 7 } })).toEqual(['ok']);
  });

  it('honours an explicit mapping from index creation', () => {
    const c = new Cluster();
    c.create('x', { mappings: { properties: { id: { type: 'keyword' }, v: { type: 'double' } } } });
    c.bulk(`${JSON.stringify({ index: { _index: 'x', _id: '1' } })}\n${JSON.stringify({ id: 'Self-Managed', v: 0.1 })}\n`);
    expect(ids(c, { match: { id: 'managed' } })).toEqual([]);
    expect(ids(c, { match: { id: 'Self-Managed' } })).toEqual(['1']);
    expect(run(c, { size: 0, aggs: { s: { sum: { field: 'v' } } } }).aggregations?.s).toEqual({ value: 0.1 });
  });
});

describe('queries', () => {
  it('match on .keyword is exact and case-sensitive', () => {
    expect(ids(runs, { match: { 'platform.keyword': 'GCP' } })).toEqual(['d0']);
    expect(ids(runs, { match: { 'clusterType.keyword': 'managed' } })).toEqual(['d1']);
  });

  it('match on text is analysed, lower-cased, OR of tokens', () => {
    expect(ids(runs, { match: { platform: 'GCP' } })).toEqual(['d0', 'd2']);
    expect(ids(runs, { match: { clusterType: 'self-managed' } })).toEqual(['d0', 'd1', 'd2']);
    expect(ids(runs, { match: { clusterType: { query: 'self-managed', operator: 'and' } } })).toEqual(['d0', 'd2']);
    expect(ids(runs, { match: { platform: '' } })).toEqual([]);
  });

  it('match on numbers and booleans is typed equality with string coercion', () => {
    expect(ids(runs, { match: { count: '3' } })).toEqual(['d0', 'd2']);
    expect(ids(runs, { match: { count: 3.5 } })).toEqual([]);
    expect(ids(runs, { match: { ok: 'false' } })).toEqual(['d1']);
    expect(errorOf(() => ids(runs, { match: { count: 'three' } })).type).toBe('query_shard_exception');
    expect(errorOf(() => ids(runs, { match: { ok: 'True' } })).reason).toMatch(/Can't parse boolean value \[True\]/);
  });

  it('match on a date compares instants', () => {
    expect(ids(runs, { match: { timestamp: '2026-01-18T11:47:27+01:00' } })).toEqual(['d1']);
  });

  it('dotted names traverse objects and arrays match on any element', () => {
    expect(ids(runs, { match: { 'labels.namespace.keyword': 'openshift-ovn' } })).toEqual(['d1']);
    expect(ids(runs, { match: { tags: 'b' } })).toEqual(['d0']);
    const literal = clusterWith('l', [{ 'a.b': 1 }, { a: { b: 2 } }]);
    expect(ids(literal, { match: { 'a.b': 1 } })).toEqual(['d0']);
    expect(ids(literal, { match: { 'a.b': 2 } })).toEqual(['d1']);
  });

  it('unknown fields match nothing; unknown queries are errors', () => {
    expect(ids(runs, { match: { nope: 'x' } })).toEqual([]);
    const err = errorOf(() => ids(runs, { fuzzy: { platform: 'gcp' } }));
    expect([err.status, err.type, err.reason]).toEqual([400, 'parsing_exception', 'unknown query [fuzzy]']);
  });

  it('terms: exact values on keyword, exact tokens on text, typed on numbers', () => {
    expect(ids(runs, { terms: { 'uuid.keyword': ['U1', 'U3', 'U9'] } })).toEqual(['d0', 'd2']);
    expect(ids(runs, { terms: { uuid: ['U1'] } })).toEqual([]);
    expect(ids(runs, { terms: { uuid: ['u1'] } })).toEqual(['d0']);
    expect(ids(runs, { terms: { count: ['6', 7] } })).toEqual(['d1']);
  });

  it('exists: fields, objects, and .keyword only under 256 characters', () => {
    const c = clusterWith('e', [{ a: 'x'.repeat(300), o: { p: 1 } }, { a: 'short' }, { b: null }]);
    expect(ids(c, { exists: { field: 'a' } })).toEqual(['d0', 'd1']);
    expect(ids(c, { exists: { field: 'a.keyword' } })).toEqual(['d1']);
    expect(ids(c, { exists: { field: 'o' } })).toEqual(['d0']);
    expect(ids(c, { exists: { field: 'b' } })).toEqual([]);
  });

  it('wildcard: on analysed tokens for text, on the whole value for keyword, an error on numbers', () => {
    expect(ids(runs, { wildcard: { ocpVersion: { value: '4.20*' } } })).toEqual(['d0', 'd2']);
    expect(ids(runs, { wildcard: { ocpVersion: 'nightly' } })).toEqual(['d0']);
    expect(ids(runs, { wildcard: { 'ocpVersion.keyword': { value: '4.20*' } } })).toEqual(['d0', 'd2']);
    expect(ids(runs, { wildcard: { 'ocpVersion.keyword': { value: 'nightly' } } })).toEqual([]);
    expect(ids(runs, { wildcard: { 'uuid.keyword': { value: 'U?' } } })).toEqual(['d0', 'd1', 'd2']);
    expect(errorOf(() => ids(runs, { wildcard: { count: { value: '3*' } } })).type).toBe('query_shard_exception');
  });

  it('range: gt/gte/lt/lte on ISO dates and numbers', () => {
    expect(ids(runs, { range: { timestamp: { gt: '2026-01-17T10:47:27Z', lt: '2026-01-20T00:00:00Z' } } })).toEqual(['d0', 'd1']);
    expect(ids(runs, { range: { timestamp: { gte: '2026-01-17T10:47:27Z', lte: '2026-01-18T10:47:27Z' } } })).toEqual(['d1', 'd2']);
    expect(ids(runs, { range: { count: { gte: 4 } } })).toEqual(['d1']);
    expect(errorOf(() => ids(runs, { range: { timestamp: { gt: 'now-15d' } } })).type).toBe('query_shard_exception');
  });

  it('bool: must, filter, must_not, should with minimum_should_match, nesting, empty = match_all', () => {
    expect(ids(runs, { bool: {} })).toEqual(['d0', 'd1', 'd2']);
    expect(ids(runs, { bool: { must: [{ match: { platform: 'gcp' } }], must_not: [{ match: { 'uuid.keyword': 'U3' } }] } })).toEqual(['d0']);
    expect(ids(runs, { bool: { filter: { match: { count: 3 } }, must: [{ bool: { must_not: [{ match: { ok: true } }] } }] } })).toEqual([]);
    // should alone: at least one must match; with must: optional unless minimum_should_match says so.
    expect(ids(runs, { bool: { should: [{ match: { 'uuid.keyword': 'U1' } }, { match: { 'uuid.keyword': 'U2' } }] } })).toEqual(['d0', 'd1']);
    expect(ids(runs, { bool: { must: [{ match: { count: 3 } }], should: [{ match: { 'uuid.keyword': 'U2' } }] } })).toEqual(['d0', 'd2']);
    expect(
      ids(runs, {
        bool: { must: [{ terms: { 'uuid.keyword': ['U1', 'U2', 'U3'] } }], should: [{ match: { count: 6 } }, { match: { platform: 'gcp' } }], minimum_should_match: 1 },
      }),
    ).toEqual(['d0', 'd1', 'd2']);
    expect(ids(runs, { bool: { should: [{ match: { count: 3 } }, { match: { platform: 'gcp' } }, { match: { ok: true } }], minimum_should_match: 3 } })).toEqual(['d0', 'd2']);
  });

  it('match_all and a top-level match (Orion --uuid)', () => {
    expect(ids(runs, { match_all: {} })).toHaveLength(3);
    expect(ids(runs, { match: { uuid: 'u2' } })).toEqual(['d1']);
  });
});

describe('sorting and paging', () => {
  const sorted = clusterWith('s', [
    { t: '2026-01-01T00:00:00Z', n: [5, 1] },
    { t: '2026-01-03T00:00:00Z', n: 2 },
    { t: '2026-01-02T00:00:00Z' },
    { t: '2026-01-03T00:00:00Z', n: 9 },
  ]);

  it('desc on a date gives each hit sort:[epoch ms], ties in index order', () => {
    const hits = run(sorted, { sort: [{ t: { order: 'desc' } }] }).hits.hits;
    expect(hits.map((h) => [h._id, h.sort])).toEqual([
      ['d1', [Date.parse('2026-01-03T00:00:00Z')]],
      ['d3', [Date.parse('2026-01-03T00:00:00Z')]],
      ['d2', [Date.parse('2026-01-02T00:00:00Z')]],
      ['d0', [Date.parse('2026-01-01T00:00:00Z')]],
    ]);
  });

  it('multi-valued fields sort by max (desc) / min (asc); missing values sort last', () => {
    expect(run(sorted, { sort: [{ n: { order: 'desc' } }] }).hits.hits.map((h) => h._id)).toEqual(['d3', 'd0', 'd1', 'd2']);
    expect(run(sorted, { sort: [{ n: 'asc' }] }).hits.hits.map((h) => [h._id, h.sort?.[0]])).toEqual([
      ['d0', 1],
      ['d1', 2],
      ['d3', 9],
      ['d2', 2 ** 63],
    ]);
  });

  it('search_after keeps hits strictly after the values (ties skipped, like OpenSearch)', () => {
    const after = (v: number) => run(sorted, { sort: [{ t: { order: 'desc' } }], search_after: [v] }).hits.hits.map((h) => h._id);
    expect(after(Date.parse('2026-01-03T00:00:00Z'))).toEqual(['d2', 'd0']);
    expect(after(Date.parse('2026-01-01T00:00:00Z'))).toEqual([]);
    expect(errorOf(() => run(sorted, { search_after: [1] })).status).toBe(400);
  });

  it('size defaults to 10, may be 0, from skips, and from+size over 10000 is refused', () => {
    const many = clusterWith('p', Array.from({ length: 25 }, (_, i) => ({ i })));
    expect(run(many, {}).hits.hits).toHaveLength(10);
    expect(run(many, { size: 0 }).hits).toMatchObject({ total: { value: 25 }, hits: [] });
    expect(run(many, { from: 20, size: 10, sort: ['i'] }).hits.hits.map((h) => h._source?.i)).toEqual([20, 21, 22, 23, 24]);
    const err = errorOf(() => run(many, { from: 1, size: 10_000 }));
    expect([err.status, err.type]).toEqual([400, 'illegal_argument_exception']);
    expect(err.reason).toMatch(/Result window is too large, from \+ size must be less than or equal to: \[10000\] but was \[10001\]/);
  });

  it('sorting on text or on an unmapped field is an error', () => {
    expect(errorOf(() => run(runs, { sort: [{ platform: 'asc' }] })).reason).toMatch(/Text fields are not optimised/);
    expect(errorOf(() => run(runs, { sort: [{ nope: 'asc' }] })).reason).toBe('No mapping found for [nope] in order to sort on');
  });

  it('index patterns: comma lists and wildcards; a missing concrete index is a 404', () => {
    const c = clusterWith('alpha-1', [{ a: 1 }]);
    c.bulk(`${JSON.stringify({ index: { _index: 'beta-1', _id: 'b' } })}\n{"a":2}\n`);
    expect(run(c, {}, 'alpha-*,beta-1').hits.total.value).toBe(2);
    expect(run(c, {}, 'gamma-*').hits.total.value).toBe(0);
    expect(errorOf(() => c.resolve('gamma')).status).toBe(404);
  });
});

describe('aggregations', () => {
  const docs = clusterWith('agg', [
    { uuid: 'u1', t: '2026-01-01T00:00:00Z', m: 'cpu', v: 1, raw: [1, 2, 3, 4] },
    { uuid: 'u1', t: '2026-01-01T00:00:10Z', m: 'cpu', v: 3 },
    { uuid: 'u1', t: '2026-01-01T00:00:20Z', m: 'mem', v: 10 },
    { uuid: 'u2', t: '2026-01-02T00:00:00Z', m: 'mem', v: 20 },
    { uuid: 'u3', t: '2026-01-03T00:00:00Z', m: 'mem', v: 1.1 },
  ]);
  const aggs = (spec: Record<string, unknown>) => run(docs, { size: 0, aggs: spec }).aggregations ?? {};

  it('terms: buckets by doc_count desc then key, size, sum_other_doc_count', () => {
    expect(aggs({ u: { terms: { field: 'uuid.keyword', size: 2 } } }).u).toEqual({
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: 1,
      buckets: [
        { key: 'u1', doc_count: 3 },
        { key: 'u2', doc_count: 1 },
      ],
    });
    expect(errorOf(() => aggs({ u: { terms: { field: 'uuid' } } })).reason).toMatch(/Text fields are not optimised/);
  });

  it('filter with sub-aggregations; an empty filter bucket has doc_count 0 and null values', () => {
    const result = aggs({
      u: {
        terms: { field: 'uuid.keyword', size: 3 },
        aggs: {
          time: { avg: { field: 't' } },
          cpu: { filter: { bool: { must: [{ match: { 'm.keyword': 'cpu' } }] } }, aggs: { v: { avg: { field: 'v' } } } },
        },
      },
    }).u as { buckets: Record<string, unknown>[] };
    expect(result.buckets[0]).toEqual({
      key: 'u1',
      doc_count: 3,
      time: { value: Date.parse('2026-01-01T00:00:10Z'), value_as_string: '2026-01-01T00:00:10.000Z' },
      cpu: { doc_count: 2, v: { value: 2 } },
    });
    expect(result.buckets[1].cpu).toEqual({ doc_count: 0, v: { value: null } });
  });

  it('avg/sum/min/max/value_count; float fields hold 32-bit values, as OpenSearch stores them', () => {
    const result = aggs({
      avg: { avg: { field: 'v' } },
      sum: { sum: { field: 'v' } },
      min: { min: { field: 'v' } },
      max: { max: { field: 'v' } },
      n: { value_count: { field: 'v' } },
      none: { max: { field: 'nope' } },
      tmin: { min: { field: 't' } },
    });
    // `v` was mapped `long` by its first value (1), so 1.1 is truncated to 1, as OpenSearch does.
    expect(result).toMatchObject({ avg: { value: 7 }, sum: { value: 35 }, min: { value: 1 }, max: { value: 20 }, n: { value: 5 }, none: { value: null } });
    expect(result.tmin).toEqual({ value: Date.parse('2026-01-01T00:00:00Z'), value_as_string: '2026-01-01T00:00:00.000Z' });
    const floats = clusterWith('f', [{ x: 9.236901587728381 }, { x: 0.1 }]);
    const avg = (run(floats, { size: 0, aggs: { a: { avg: { field: 'x' } } } }).aggregations?.a as { value: number }).value;
    expect(avg).toBe((Math.fround(9.236901587728381) + Math.fround(0.1)) / 2);
  });

  it('multi-valued numeric arrays: every element contributes', () => {
    expect(aggs({ s: { sum: { field: 'raw' } }, n: { value_count: { field: 'raw' } } })).toEqual({ s: { value: 10 }, n: { value: 4 } });
  });

  it('percentiles: linear interpolation between closest ranks, keys like "50.0"', () => {
    expect(aggs({ p: { percentiles: { field: 'raw', percents: [0, 25, 50, 99, 100] } } }).p).toEqual({
      values: { '0.0': 1, '25.0': 1.5, '50.0': 2.5, '99.0': 4, '100.0': 4 },
    });
    // Independent definition: rank x = p/100·n − ½ over the sorted values, clamped at both ends.
    const values = [3, 1, 4, 1, 5, 9, 2, 6].sort((a, b) => a - b);
    expect(percentile(values, 50)).toBe((values[3] + values[4]) / 2);
    expect(percentile(values, 30)).toBeCloseTo(values[1] + 0.9 * (values[2] - values[1]), 12);
    expect(aggs({ p: { percentiles: { field: 'nope', percents: [50] } } }).p).toEqual({ values: { '50.0': null } });
  });

  it('unsupported aggregations and options are errors, never approximations', () => {
    expect(errorOf(() => aggs({ h: { histogram: { field: 'v', interval: 1 } } })).type).toBe('parsing_exception');
    expect(errorOf(() => aggs({ a: { avg: { field: 'v', missing: 0 } } })).type).toBe('parsing_exception');
    expect(errorOf(() => aggs({ a: { avg: { field: 'm.keyword' } } })).reason).toMatch(/type \[keyword\] is not supported for aggregation \[avg\]/);
  });
});
