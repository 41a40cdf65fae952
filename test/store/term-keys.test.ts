/**
 * The keys run_terms stores (src/store/term-index.ts): cyrb53 of a term's field, a NUL and the term, as
 * published (stored keys must never change without a migration), and the keys an ingest hashes from the
 * parts of each term are those of the terms the store source looks up, cut where they are cut.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { metadataTermKeys, metadataTerms } from '../../src/store/metadata.js';
import { termKey } from '../../src/store/term-index.js';

/** cyrb53 as its author publishes it (github.com/bryc/code, jshash/experimental/cyrb53.js). */
function cyrb53(str: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

describe('term keys', () => {
  it('the reference is the published cyrb53', () => {
    expect([cyrb53('a'), cyrb53('b'), cyrb53('revenge'), cyrb53('revenue')]).toEqual([7929297801672961, 8684336938537663, 4051478007546757, 8309097637345594]);
  });

  it('a key is cyrb53 of the field, a NUL and the term, a safe integer', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (field, term) => {
        const key = termKey(field, term);
        expect(key).toBe(cyrb53(`${field}\u0000${term}`));
        expect(Number.isSafeInteger(key) && key >= 0).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('an ingest hashes the keys of exactly the terms the source looks up: long, NUL, non-ASCII and nested values', () => {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('AWS-ocp', 'Straße ü', '😀'.repeat(120), 'x'.repeat(199), 'y'.repeat(198) + ' z', 'a\u0000b', 'Word '.repeat(60)));
    const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
    const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom('a', 'b.c', 'x'.repeat(198), 'n\u0000'), scalar, { maxKeys: 2 }));
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom('platform', 'p'.repeat(199), 'ü'), fc.string({ maxLength: 4 })), value), (metadata) => {
        const expected = new Set(metadataTerms(metadata).map((t) => termKey(t.field, t.term)));
        expect(new Set(metadataTermKeys(metadata))).toEqual(expected);
        expect(metadataTermKeys(metadata).length).toBe(expected.size);
      }),
      { numRuns: 1000 },
    );
  });
});
