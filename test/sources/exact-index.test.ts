import { describe, expect, it } from 'vitest';
import { ExactIndex } from '../../src/sources/store/exact-index.js';
import { MatchableDocument, matchesField } from '../../src/sources/store/match.js';

const docs: Record<string, unknown>[] = [
  { name: 'a', tags: ['x', 'y', 'x'] },
  { name: 'b', tags: 'x', nested: { n: 3 } },
  { name: 'a', tags: [1, null, { x: 1 }, ['x']], nested: { n: '3' } },
  { name: null, tags: [] },
  { tags: true, nested: { n: 3 } },
  { name: { a: 1 }, tags: ['true', 'y'] },
  // Arrays of objects and nested arrays: OpenSearch indexes every value below them.
  { name: [['a'], [['b']]], nested: [{ n: 3 }, { n: ['4', null] }], tags: [[{ x: 1 }]] },
];

/** What the index must answer: the documents a `.keyword` match of the value selects, in order, once each. */
function naive(path: string, value: string): Record<string, unknown>[] {
  return docs.filter((d) => matchesField(new MatchableDocument(d), `${path}.keyword`, value));
}

describe('ExactIndex', () => {
  it('buckets documents by the string form of each scalar value, arrays element by element, each document once', () => {
    const index = new ExactIndex(docs, (d) => d);
    for (const [field, value] of [['name', 'a'], ['name.keyword', 'b'], ['tags', 'x'], ['tags', 'y'], ['tags', '1'], ['tags', 'true'], ['nested.n', '3'], ['name', 'null'], ['tags', '[object Object]'], ['missing', 'a'], ['nested.n', '4'], ['tags.x', '1']] as const) {
      expect(index.candidates(field, value), `${field}=${value}`).toEqual(naive(field.replace(/\.keyword$/, ''), value));
    }
    expect(index.candidates('tags', 'x')).toHaveLength(3); // ['x', 'y', 'x'] once, 'x', and [['x']] flattened
  });
});
