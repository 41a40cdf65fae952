import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RangeReader } from '../../src/ingest/line-scanner.js';

/** Open file descriptors of this process (Linux). */
const openFiles = () => readdirSync('/proc/self/fd').length;

describe('RangeReader over many files', () => {
  it('keeps a few files open, not every file it has read (a kube-burner directory of thousands of files ran out of descriptors)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-range-files-'));
    const paths = Array.from({ length: 300 }, (_, i) => join(dir, `${i}.json`));
    paths.forEach((p, i) => writeFileSync(p, `[{"n":${i}}]`));
    const reader = new RangeReader();
    const before = openFiles();
    try {
      let most = 0;
      // Twice over, as runs whose documents span several files come back to a file read before.
      for (let round = 0; round < 2; round++) {
        for (const [i, p] of paths.entries()) {
          expect(await reader.read(p, [{ offset: 1, length: `{"n":${i}}`.length }])).toEqual([`{"n":${i}}`]);
          most = Math.max(most, openFiles() - before);
        }
      }
      expect(most).toBeLessThanOrEqual(32);
    } finally {
      await reader.close();
    }
    expect(openFiles()).toBe(before);
  });
});
