/**
 * CopyRows builds COPY's text format: the bytes must be exactly those of the rows'
 * lines joined and encoded as UTF-8 (escapes, NULL, numbers, non-ASCII, lone surrogates, values longer
 * than a chunk), whatever the chunks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CopyRows, copyText } from '../../src/store/pg-copy.js';

/** The format as PostgreSQL's documentation gives it, built the plain way. */
function expected(rows: (string | number | null)[][]): Buffer {
  const text = rows.map((row) => row.map((v) => (v === null ? '\\N' : typeof v === 'number' ? String(v) : copyText(v))).join('\t') + '\n').join('');
  return Buffer.from(text, 'utf8');
}

const value = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('a\tb', 'line\nbreak\r', 'back\\slash', '\\N', '', 'ü😀\uD800x'),
  fc.double({ noNaN: true }),
  fc.integer(),
  fc.constant(null),
);

describe('CopyRows', () => {
  it('writes the bytes of the rows’ lines, for any values and widths', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }).chain((width) => fc.array(fc.array(value, { minLength: width, maxLength: width }), { maxLength: 40 })), (rows) => {
        const copy = new CopyRows();
        for (const row of rows) copy.push(row);
        expect(Buffer.concat(copy.buffers()).equals(expected(rows))).toBe(true);
        expect(copy.count).toBe(rows.length);
      }),
      { numRuns: 500 },
    );
  });

  it('splits long input into chunks of a bounded size, and a value longer than a chunk keeps its bytes', () => {
    const rows: (string | number | null)[][] = [];
    for (let i = 0; i < 5000; i++) rows.push([i, `{"uuid":"r${i}","body":"${'ß'.repeat(i % 97)}"}`, null]);
    rows.push([1, 'x'.repeat(700_000), 'ü'.repeat(300_000)]);
    rows.push([2, 'tail', null]);
    const copy = new CopyRows();
    for (const row of rows) copy.push(row);
    const chunks = copy.buffers();
    expect(chunks.length).toBeGreaterThan(2);
    expect(Buffer.concat(chunks).equals(expected(rows))).toBe(true);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(1_000_000 * 3);
  });
});
