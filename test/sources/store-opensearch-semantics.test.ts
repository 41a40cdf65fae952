/**
 * The store source's matching against OpenSearch's (the test server, test/support/opensearch-server/,
 * stands for it), where it can know it without a mapping:
 * - nested arrays and arrays of objects: a `match` on the field or its `.keyword` selects a document when
 *   any value below the arrays matches, and every number below them counts in an aggregation (the store
 *   matched only the first level of an array and did not follow a dotted path into an array of objects);
 * - a value longer than 256 characters is not in the `.keyword` sub-field (ignore_above): `match` and
 *   `wildcard` on `.keyword` do not find it, `match` on the text field does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MatchableDocument, matchesField, matchesWildcard } from '../../src/sources/store/match.js';
import { runMetricRows } from '../../src/sources/store/metric-rows.js';
import type { FieldValue } from '../../src/sources/types.js';
import { startOpenSearchTestServer, type OpenSearchTestServer } from '../support/opensearch-server/index.js';

const timestamp = '2026-01-01T00:00:00Z';
const long = 'word '.repeat(60).trim();
/** One index per case, so each field's mapping is its first value's, as the store cannot know mappings. */
const cases: { name: string; field: string; docs: Record<string, unknown>[]; queries: FieldValue[] }[] = [
  { name: 'nested-arrays', field: 'f', docs: [{ f: [['x']] }, { f: [['y'], [['x', 'z']]] }, { f: 'y' }, { f: [] }], queries: ['x', 'y', 'z'] },
  { name: 'long-values', field: 'f', docs: [{ f: long }, { f: [long, 'x'] }, { f: 'x' }, { f: long.slice(0, 256) }], queries: [long, 'x', long.slice(0, 256)] },
  { name: 'object-arrays', field: 'f.a', docs: [{ f: [{ a: 'x' }, { a: 'y' }] }, { f: { a: 'y' } }, { f: [{ a: ['z', 'x'] }, { b: 'x' }] }, { f: [[{ a: 'z' }]] }], queries: ['x', 'y', 'z'] },
];

async function post(os: OpenSearchTestServer, path: string, body: string, type = 'application/json'): Promise<unknown> {
  const response = await fetch(`${os.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
  return response.json();
}

describe('store source: matching as OpenSearch matches', () => {
  let os: OpenSearchTestServer;

  beforeAll(async () => {
    os = await startOpenSearchTestServer();
    for (const c of cases) {
      const lines = c.docs.flatMap((doc, i) => [JSON.stringify({ index: { _index: c.name, _id: String(i) } }), JSON.stringify(doc)]);
      await post(os, '/_bulk?refresh=true', lines.join('\n') + '\n', 'application/x-ndjson');
    }
  });

  afterAll(async () => {
    await os.close();
  });

  it('match on the field and on its .keyword selects the documents OpenSearch selects', async () => {
    for (const c of cases) {
      for (const field of [c.field, `${c.field}.keyword`]) {
        for (const query of c.queries) {
          const result = (await post(os, `/${c.name}/_search`, JSON.stringify({ size: 100, query: { bool: { must: [{ match: { [field]: query } }] } } }))) as { hits: { hits: { _id: string }[] } };
          const opensearch = result.hits.hits.map((h) => Number(h._id)).sort((a, b) => a - b);
          const store = c.docs.flatMap((doc, i) => (matchesField(new MatchableDocument(doc), field, query) ? [i] : []));
          expect(store, `${c.name} ${field}=${query}`).toEqual(opensearch);
        }
      }
    }
  });

  it('wildcard on .keyword skips values longer than 256 characters', async () => {
    const c = cases.find((x) => x.name === 'long-values');
    if (!c) throw new Error('no long-values case');
    for (const pattern of ['word*', '*x*']) {
      const result = (await post(os, `/${c.name}/_search`, JSON.stringify({ size: 100, query: { bool: { must: [{ wildcard: { 'f.keyword': pattern } }] } } }))) as { hits: { hits: { _id: string }[] } };
      const opensearch = result.hits.hits.map((h) => Number(h._id)).sort((a, b) => a - b);
      expect(c.docs.flatMap((doc, i) => (matchesWildcard(new MatchableDocument(doc), 'f.keyword', pattern) ? [i] : [])), pattern).toEqual(opensearch);
    }
  });

  it('aggregates every number below the arrays, in the filter buckets too', async () => {
    const docs = [
      { timestamp, kind: [['cpu']], v: [[1, 2], [3]] },
      { timestamp, kind: 'cpu', pods: [{ v: 10 }, { v: [20, null] }] },
      { timestamp, group: [{ name: 'cpu' }], v: 100 },
    ];
    const lines = docs.flatMap((doc, i) => [JSON.stringify({ index: { _index: 'agg', _id: String(i) } }), JSON.stringify(doc)]);
    await post(os, '/_bulk?refresh=true', lines.join('\n') + '\n', 'application/x-ndjson');
    const search = async (filter: Record<string, string>, field: string) => {
      const body = { size: 0, query: { bool: { must: [{ match: filter }] } }, aggs: { s: { sum: { field } }, n: { value_count: { field } } } };
      const result = (await post(os, '/agg/_search', JSON.stringify(body))) as { aggregations: { s: { value: number }; n: { value: number } } };
      return [result.aggregations.s.value, result.aggregations.n.value];
    };
    const stored = docs.map((body) => ({ runId: 1, timestampMs: null, doc: new MatchableDocument(body) }));
    for (const [filter, field] of [[{ 'kind.keyword': 'cpu' }, 'v'], [{ 'kind.keyword': 'cpu' }, 'pods.v'], [{ 'group.name.keyword': 'cpu' }, 'v']] as const) {
      const rows = runMetricRows('u', stored, [
        { name: 'sum', filters: filter, not: {}, metricOfInterest: field, agg: { type: 'sum' } },
        { name: 'count', filters: filter, not: {}, metricOfInterest: field, agg: { type: 'count' } },
      ], 'timestamp');
      expect([rows.get('sum')?.value, rows.get('count')?.value], `${JSON.stringify(filter)} ${field}`).toEqual(await search(filter, field));
    }
  });
});
