/**
 * `analyzeText` tokenises ASCII text by character codes (a fast path for ingest, which computes the terms
 * of every run's metadata): its tokens are exactly those of the general path by Unicode properties.
 */
import { describe, expect, it } from 'vitest';
import { analyzeText, analyzeUnicode } from '../../src/sources/store/text-analysis.js';
import { seededRandom } from '../../src/util/random.js';

/** Characters that make and break tokens: letters, digits, `_`, every joiner, spaces and other punctuation. */
const ALPHABET = 'aZz09_.\':,;-/ @\t\u0000~';

describe('analyzeText on ASCII text', () => {
  it('tokenises as the Unicode path does', () => {
    const random = seededRandom(17);
    for (let n = 0; n < 20_000; n++) {
      const length = Math.floor(random() * 12);
      let text = '';
      for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
      expect(analyzeText(text), JSON.stringify(text)).toEqual(analyzeUnicode(text));
    }
  });

  it('keeps the examples of the standard analyzer', () => {
    for (const text of ['4.20.0-0.nightly-2026', 'Self-Managed', "O'Neil a.b c:d 1,000;2 e:3 4:f", 'https://ci/small-6/6', '2025-01-01T00:06:00.000Z', '.a.', 'a..b', '__x__']) {
      expect(analyzeText(text)).toEqual(analyzeUnicode(text));
    }
    expect(analyzeText('4.20.0-0.nightly-2026')).toEqual(['4.20.0', '0', 'nightly', '2026']);
  });
});
