/**
 * A bulk file's first pass keeps per run where its documents and its metadata document are, not the
 * metadata itself (issue 17: a 250 000-run file needed 1.47 GB): after the first pass of a file of many
 * small runs no parsed metadata object is held, and the second pass still writes each run's metadata as
 * written (plus `--run-meta`), and still refuses a run with two metadata documents.
 */
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_METADATA_COLLECTIONS, DEFAULT_UUID_FIELDS, ingestBulk, scanBulk } from '../../src/ingest/bulk.js';
import { getRun } from '../../src/store/runs.js';
import { useTempStore } from '../support/temp-store.js';

const OPTIONS = { metadataCollections: DEFAULT_METADATA_COLLECTIONS, uuidFields: DEFAULT_UUID_FIELDS, timestampField: 'timestamp', versionField: 'ocpVersion', runMeta: { team: 'perf' } };
const RUNS = 3000;

function meta(i: number): Record<string, unknown> {
  return { uuid: `r${i}`, timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), benchmark: `b${i % 7}`, ocpVersion: `4.20.${i}`, nested: { qps: i } };
}

describe('bulk first pass: memory holds no run metadata', () => {
  const env = useTempStore('perfhound-bulk-memory-');

  it('keeps places, not metadata objects, for every run of the file, and writes each run as written', async () => {
    const file = join(env.dir, 'many.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      lines.push('{"index":{"_index":"perf_scale_ci"}}', JSON.stringify(meta(i)));
      for (let d = 0; d < 2; d++) lines.push('{"index":{"_index":"metrics"}}', JSON.stringify({ uuid: `r${i}`, timestamp: meta(i).timestamp, metricName: 'cpu', value: d }));
    }
    // A run with a second metadata document is refused alone.
    lines.push('{"index":{"_index":"perf_scale_ci"}}', JSON.stringify(meta(5)));
    writeFileSync(file, lines.join('\n') + '\n');

    const groups = await scanBulk(file, OPTIONS);
    expect(groups.size).toBe(RUNS);
    expect([...groups.runs()].filter((g) => g.metadataRef === undefined)).toEqual([]);
    // Every run's documents read back from the spool (4096 records a chunk: most of them from its file), in order.
    const run = groups.run(1234);
    expect(groups.documents(run).map((d) => [d.collection, d.metricName, d.timestampMs])).toEqual([0, 1].map(() => ['metrics', 'cpu', Date.parse(meta(1234).timestamp as string)]));
    groups.close();

    const report = await ingestBulk(env.store, file, OPTIONS);
    expect(report.runs.filter((r) => r.outcome === 'created').length).toBe(RUNS - 1);
    expect(report.runs.find((r) => r.uuid === 'r5')?.error).toMatch(/second metadata document/);
    for (const i of [0, 1234, RUNS - 1]) {
      const run = await getRun(env.store.db, `r${i}`);
      expect(run.metadata).toEqual({ ...meta(i), team: 'perf' });
      expect(run.version).toBe(`4.20.${i}`);
    }
  });

  it('retains a few hundred bytes per run after the first pass, whatever its documents', async () => {
    const write = (runs: number) => {
      const path = join(env.dir, `runs-${runs}.ndjson`);
      const lines: string[] = [];
      for (let i = 0; i < runs; i++) {
        lines.push('{"index":{"_index":"perf_scale_ci"}}', JSON.stringify(meta(i)));
        for (let d = 0; d < 8; d++) lines.push('{"index":{"_index":"metrics"}}', JSON.stringify({ uuid: `r${i}`, timestamp: meta(i).timestamp, metricName: `m${d}`, value: d }));
      }
      writeFileSync(path, lines.join('\n') + '\n');
      return path;
    };
    const small = write(2000);
    const large = write(20_000);
    // Heap and array buffers still reachable once the first pass is done (garbage collected first).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const retained = async (path: string) => {
      gc();
      const before = process.memoryUsage();
      const groups = await scanBulk(path, OPTIONS);
      gc();
      const after = process.memoryUsage();
      expect(groups.documentCount).toBe(groups.size * 8);
      groups.close();
      return after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers;
    };
    await retained(small); // warm: code, caches
    const perRun = ((await retained(large)) - (await retained(small))) / 18_000;
    // Now ~430 bytes (its id, the id's map entry, a dozen numbers in columns that grow by doubling); before
    // the spool ~3 KB (six typed arrays of 64 documents per run, a group object, its metadata place).
    expect(perRun).toBeLessThan(1000);
  });
});

