/**
 * The first pass of `ingest bulk` on parse threads (built bundle) notes exactly what it notes in the
 * calling thread — every run, document, refusal, orphan and warning, in order — whatever the chunk size
 * (chunk ends land on every kind of line), when a document looks like an action line (the threads' guess
 * is wrong and the chunk is read again), and when a thread dies mid-file.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS, scanBulk, type BulkOptions } from '../../src/ingest/bulk.js';
import type { ParseThreadOptions } from '../../src/ingest/bulk-parse-threads.js';

const ROOT = resolve('.');
const SCRIPT = pathToFileURL(join(ROOT, 'dist/cli/ingest-parser.cjs'));
const DYING = pathToFileURL(join(ROOT, 'test/support/dying-bulk-parser.mjs'));

const ACTION = '{"index":{"_index":"perf_scale_ci"}}';
const DOC_ACTION = '{"index":{"_index":"ripsaw-kube-burner"}}';
const ts = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
const meta = (i: number) => JSON.stringify({ uuid: `r${i}`, timestamp: ts(i), benchmark: `b${i % 3}`, ocpVersion: `4.20.${i}` });
const doc = (i: number, m: number) => JSON.stringify({ uuid: `r${i}`, timestamp: ts(i), metricName: `m${m}`, value: m });

/** Runs, each with its lines, and between them every kind of line the first pass must tell apart. */
function mixedLines(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    lines.push(ACTION, meta(i));
    for (let m = 0; m < 3; m++) lines.push(DOC_ACTION, doc(i, m));
    switch (i % 15) {
      case 1: lines.push('', '   ', '\u00a0'); break; // blank lines, one of a non-ASCII space
      case 2: lines.push(DOC_ACTION, `{"uuid":"r${i}","timestamp":"${ts(i)}","metricName":"broken"`); break; // malformed, run id salvaged
      case 3: lines.push(DOC_ACTION, '{"oops": true, "note": "for r' + (i - 1) + '"}'); break; // no run id: an orphan naming a run
      case 4: lines.push('{"delete":{"_index":"x"}}', '{"index":{}}', '{"index":'); break; // refused action lines
      case 5: lines.push(ACTION, JSON.stringify({ uuid: `x${i}`, ocpVersion: '4.1', big: 1e300 }).replace('1e+300', '1e400')); break; // beyond a double, no timestamp
      case 6: lines.push(ACTION, JSON.stringify({ uuid: `y${i}`, ocpVersion: '4.1' })); break; // metadata without a timestamp
      case 7: lines.push(DOC_ACTION, `{"uuid":"r${i}","metricName":"long","text":"${'x'.repeat(3000)}"}`); break; // longer than a small chunk
      case 8: lines.push('{"index":{"_index":"other"}}', JSON.stringify({ uuid: `c${i}`, timestamp: ts(i), ocpVersion: '4.2' })); break; // metadata by its fields
      case 9: lines.push(DOC_ACTION, '{"index":{"_index":"perf_scale_ci"},"uuid":"r' + i + '","timestamp":"' + ts(i) + '"}'); break; // a document that looks like an action
      case 10: lines.push(DOC_ACTION, JSON.stringify([1, 2])); break; // not an object
      case 11: lines.push('[]'); break; // an action line that is no object
      case 12: lines.push(DOC_ACTION, doc(i, 9).replace('"m9"', '"m\u00e9"')); break; // non-ASCII text
      case 13: lines.push('{"delete":{"_index":"x"}}', doc(i - 2, 7)); break; // a document read as an action line: its run refused
    }
  }
  return lines;
}

/** Everything the first pass noted, in order. */
async function firstPass(path: string, parseThreads: ParseThreadOptions, extra: Partial<BulkOptions> = {}) {
  const warnings: string[] = [];
  const options: BulkOptions = {
    metadataCollections: DEFAULT_METADATA_COLLECTIONS, uuidFields: DEFAULT_UUID_FIELDS, timestampField: 'timestamp', versionField: 'ocpVersion',
    runMeta: {}, parseThreads, onWarning: (w) => warnings.push(w), ...extra,
  };
  const groups = await scanBulk(path, options);
  try {
    const runs = [...groups.runs()].map((run) => ({ ...run, documents: groups.documents(run) }));
    return { runs, orphans: groups.orphanErrors, documentCount: groups.documentCount, warnings };
  } finally {
    groups.close();
  }
}

describe('bulk first pass on parse threads', () => {
  const env = { dir: mkdtempSync(join(tmpdir(), 'perfhound-bulk-threads-')) };

  it('notes what the calling thread notes, at every chunk size, reading again a chunk that starts with a document', async () => {
    expect(existsSync(SCRIPT), 'dist/ is missing: run npm run build').toBe(true);
    const path = join(env.dir, 'mixed.ndjson');
    // A byte order mark, CRLF line ends, a trailing action without its document, no newline at the end.
    writeFileSync(path, '\ufeff' + mixedLines().join('\r\n') + '\r\n' + ACTION);
    const alone = await firstPass(path, { threads: 1 });
    expect(alone.runs.length).toBeGreaterThan(60);
    expect(alone.runs.filter((r) => r.error).length).toBeGreaterThan(8);
    expect(alone.orphans.length).toBeGreaterThan(3);
    expect(alone.runs.some((r) => r.documents.some((d) => d.metricName === 'm\u00e9'))).toBe(true);
    expect(alone.runs.find((r) => r.uuid === 'r11')?.error?.message).toMatch(/unsupported bulk action "uuid"/);

    let rereads = 0;
    for (const chunkBytes of [97, 211, 400, 1024, 4096, 1 << 20]) {
      const threaded = await firstPass(path, { threads: 2, script: SCRIPT, minBytes: 0, chunkBytes, onReread: () => rereads++ });
      expect(threaded, `chunks of ${chunkBytes} bytes`).toEqual(alone);
    }
    // Some chunk ended before the document that looks like an action line: the guess was checked.
    expect(rereads).toBeGreaterThan(0);
  });

  it('warns as the calling thread does when no collection is run metadata', async () => {
    const path = join(env.dir, 'unnamed.ndjson');
    const lines = [];
    for (let i = 0; i < 40; i++) lines.push('{"index":{"_index":"results"}}', JSON.stringify({ uuid: `u${i}`, timestamp: ts(i), ocpVersion: '4.3' }), '{"index":{"_index":"results"}}', doc(i, 1).replace(`r${i}`, `u${i}`));
    writeFileSync(path, lines.join('\n') + '\n');
    const alone = await firstPass(path, { threads: 1 });
    expect(alone.warnings).toHaveLength(1);
    expect(alone.warnings[0]).toMatch(/40 document\(s\) of results recognised as run metadata/);
    expect(await firstPass(path, { threads: 3, script: SCRIPT, minBytes: 0, chunkBytes: 300 })).toEqual(alone);
  });

  it('reads again in the calling thread what a thread that died had not answered', async () => {
    const path = join(env.dir, 'dying.ndjson');
    writeFileSync(path, mixedLines().join('\n') + '\n');
    const alone = await firstPass(path, { threads: 1 });
    // Each thread of this script answers two chunks, then exits on the third.
    const dying = await firstPass(path, { threads: 2, script: DYING, minBytes: 0, chunkBytes: 500 });
    expect(dying).toEqual(alone);
  });
});
