import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RangeReader, scanLineBatches, scanLineBuffers } from '../../src/ingest/line-scanner.js';

/** Lines as a plain split sees them: number, text without `\r`, byte offset and length. */
function naive(content: string) {
  const out = [];
  let offset = 0;
  const parts = content.split('\n');
  if (parts.at(-1) === '') parts.pop();
  for (const [i, part] of parts.entries()) {
    const text = part.endsWith('\r') ? part.slice(0, -1) : part;
    out.push({ text, line: i + 1, offset, length: Buffer.byteLength(text) });
    offset += Buffer.byteLength(part) + 1;
  }
  return out;
}

describe('line scanner', () => {
  // Lines across the 1 MB read boundary, longer than a read, CRLF endings, blank lines, multi-byte text, no final newline.
  const lines = ['{"a":1}', '', 'é✓🐕'.repeat(50_000), 'x'.repeat(700_000) + '\r', '  ', 'y'.repeat(2_600_000), '{"b":2}\r', 'last'];
  const content = lines.join('\n');
  const path = join(mkdtempSync(join(tmpdir(), 'perfhound-lines-')), 'lines.ndjson');
  writeFileSync(path, content);

  it('gives every line with its number and byte range', async () => {
    const got = [];
    for await (const batch of scanLineBatches(path)) got.push(...batch);
    expect(got).toEqual(naive(content));
  });

  it('splits a CRLF ending across two reads, and a newline that ends a read', async () => {
    const mb = 1 << 20;
    const edges = 'a'.repeat(mb - 1) + '\r\nb\n' + 'c'.repeat(mb - 3) + '\n' + 'd\r';
    const file = join(mkdtempSync(join(tmpdir(), 'perfhound-lines-')), 'edges.ndjson');
    writeFileSync(file, edges);
    const got = [];
    for await (const batch of scanLineBatches(file)) got.push(...batch);
    expect(got).toEqual(naive(edges));
  });

  it('gives the same lines as byte ranges of its buffers, which read back to the same text', async () => {
    const got = [];
    for await (const b of scanLineBuffers(path)) {
      for (let k = 0; k < b.starts.length; k++) {
        got.push({ text: b.data.toString('utf8', b.starts[k], b.ends[k]), line: b.firstLine + k, offset: b.offset + b.starts[k], length: b.ends[k] - b.starts[k] });
      }
    }
    const expected = naive(content);
    expect(got).toEqual(expected);
    const reader = new RangeReader();
    try {
      expect(await reader.read(path, expected)).toEqual(expected.map((l) => l.text));
    } finally {
      await reader.close();
    }
  });

  it('reads ranges back with one reader, small reads then larger ones, from more than one file', async () => {
    const expected = naive(content);
    const other = join(mkdtempSync(join(tmpdir(), 'perfhound-lines-')), 'other.ndjson');
    writeFileSync(other, 'zz\n{"y":1}\n');
    const reader = new RangeReader();
    try {
      expect(await reader.read(path, expected.slice(0, 2))).toEqual(['{"a":1}', '']);
      expect(await reader.read(other, [{ offset: 3, length: 7 }])).toEqual(['{"y":1}']);
      expect(await reader.read(path, expected.slice(2).reverse())).toEqual(expected.slice(2).reverse().map((l) => l.text));
      expect(await reader.read(path, expected)).toEqual(expected.map((l) => l.text));
    } finally {
      await reader.close();
    }
  });

  it('reads runs back one by one in file order from its read-ahead, across its 1 MB windows, and any range after that', async () => {
    const many = Array.from({ length: 40_000 }, (_, i) => `{"i":${i},"text":"${'é'.repeat(i % 90)}"}`);
    const file = join(mkdtempSync(join(tmpdir(), 'perfhound-lines-')), 'many.ndjson');
    writeFileSync(file, many.join('\n') + '\n');
    const ranges = naive(many.join('\n') + '\n');
    const reader = new RangeReader();
    try {
      for (let i = 0; i < ranges.length; i += 2) expect(await reader.read(file, [ranges[i], ranges[i + 1]])).toEqual([many[i], many[i + 1]]);
      for (const i of [39_999, 3, 20_000, 20_001, 0]) expect(await reader.read(file, [ranges[i]])).toEqual([many[i]]);
      // A file that ends before a range (changed since the first pass) is refused, not read as stale bytes.
      writeFileSync(file, many.slice(0, 10).join('\n'));
      await expect(reader.read(file, [ranges[30_000]])).rejects.toThrow(/the file changed since it was first read/);
    } finally {
      await reader.close();
    }
  });
});
