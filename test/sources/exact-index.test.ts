import { describe, expect, it } from 'vitest';
import { getNested } from '../../src/sources/opensearch/fields.js';
import { ExactIndex } from '../../src/sources/store/exact-index.js';

const docs: Record<string, unknown>[] = [
  { name: 'a', tags: ['x', 'y', 'x'] },
  { name: 'b', tags: 'x', nested: { n: 3 } },
  { name: 'a', tags: [1, null, { x: 1 }, ['x']], nested: { n: '3' } },
  { name: null, tags: [] },
  { tags: true, nested: { n: 3 } },
  { name: { a: 1 }, tags: ['true', 'y'] },
];

/** What the index must answer: the documents with the value among the field's scalar values, in order, once each. */
function naive(path: string, value: string): Record<string, unknown>[] {
  return docs.filter((d) => {
    const raw = getNested(d, path);
    const values = Array.isArray(raw) ? raw : [raw];
    return values.some((v) => v !== null && v !== undefined && typeof v !== 'object' && String(v) === value);
  });
}

describe('ExactIndex', () => {
  it('buckets documents by the string form of each scalar value, arrays element by element, each document once', () => {
    const index = new ExactIndex(docs, (d) => d);
    for (const [field, value] of [['name', 'a'], ['name.keyword', 'b'], ['tags', 'x'], ['tags', 'y'], ['tags', '1'], ['tags', 'true'], ['nested.n', '3'], ['name', 'null'], ['tags', '[object Object]'], ['missing', 'a']] as const) {
      expect(index.candidates(field, value), `${field}=${value}`).toEqual(naive(field.replace(/\.keyword$/, ''), value));
    }
    expect(index.candidates('tags', 'x')).toHaveLength(2);
  });
});
