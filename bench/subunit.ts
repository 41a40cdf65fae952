import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './registry.js';
import { ingestTestRecords } from '../src/ingest/subunit/ingest.js';
import { readSubunitTests } from '../src/ingest/subunit/read.js';
import { encodePacket } from '../src/ingest/subunit/v2-writer.js';
import { openStore } from '../src/store/connect.js';

/**
 * A generated stestr-like v2 stream of 100 000 test results (inprogress + final packet each, worker tag and
 * route code, 1 % with a 2 KiB traceback attachment): parse MB/s and tests/s, then ingest tests/s into
 * SQLite and PostgreSQL (PERFHOUND_BENCH_PG_URL, default the test server) with peak RSS.
 */
const TESTS = 100_000;

function generate(): Buffer[] {
  const chunks: Buffer[] = [];
  const traceback = Buffer.alloc(2048, 'Traceback (most recent call last): boom\n');
  let clock = Date.UTC(2026, 0, 1) * 1000;
  for (let i = 0; i < TESTS; i++) {
    const testId = `bench.tests.test_module_${i % 200}.TestCase${i % 37}.test_case_${i}`;
    const common = { testId, tags: [`worker-${i % 4}`], routeCode: String(i % 4) };
    const packets = [encodePacket({ ...common, status: 'inprogress', timestampUs: clock })];
    clock += 1000 + (i % 500);
    if (i % 100 === 0) packets.push(encodePacket({ ...common, fileName: 'traceback', fileBytes: traceback, mimeType: 'text/x-traceback; charset="utf8"', eof: true, timestampUs: clock }));
    packets.push(encodePacket({ ...common, status: i % 100 === 0 ? 'fail' : i % 50 === 1 ? 'skip' : 'success', timestampUs: clock }));
    chunks.push(Buffer.concat(packets));
  }
  // Re-chunk into 64 KiB reads, as a file stream would deliver them.
  const all = Buffer.concat(chunks);
  const out: Buffer[] = [];
  for (let i = 0; i < all.length; i += 65536) out.push(all.subarray(i, i + 65536));
  return out;
}

function rssMb(): number {
  return process.memoryUsage().rss / 2 ** 20;
}

async function ingestInto(url: string, label: string, stream: Buffer[]): Promise<void> {
  const store = await openStore(url);
  try {
    let peak = rssMb();
    const timer = setInterval(() => (peak = Math.max(peak, rssMb())), 20);
    const t0 = performance.now();
    const summary = await ingestTestRecords(store, readSubunitTests(stream, { keepAttachmentBytes: true }), { source: 'subunit', runId: `bench-${Date.now()}`, storeAttachments: true });
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(timer);
    peak = Math.max(peak, rssMb());
    console.log(`ingest ${label}: ${summary.tests} tests in ${seconds.toFixed(2)} s = ${(summary.tests / seconds).toFixed(0)} tests/s (goal ≥ 50000 on SQLite); peak RSS ${peak.toFixed(0)} MB (goal < 200)`);
  } finally {
    await store.close();
  }
}

export const subunitBenchmark: Benchmark = {
  name: 'subunit',
  description: `parse and ingest a generated subunit v2 stream of ${TESTS} test results (1 % with attachments)`,
  async run() {
    const stream = generate();
    const bytes = stream.reduce((n, c) => n + c.length, 0);
    const t0 = performance.now();
    let count = 0;
    for await (const record of readSubunitTests(stream, { keepAttachmentBytes: false })) if (record.status !== 'exists') count++;
    const seconds = (performance.now() - t0) / 1000;
    console.log(`parse: ${(bytes / 2 ** 20).toFixed(1)} MB, ${count} tests in ${seconds.toFixed(2)} s = ${(bytes / 2 ** 20 / seconds).toFixed(1)} MB/s (goal ≥ 50), ${(count / seconds).toFixed(0)} tests/s`);
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-bench-'));
    try {
      await ingestInto(`sqlite:${join(dir, 'bench.db')}`, 'SQLite', stream);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const pg = process.env.PERFHOUND_BENCH_PG_URL;
    if (pg) await ingestInto(pg, 'PostgreSQL', stream);
    else console.log('ingest PostgreSQL: set PERFHOUND_BENCH_PG_URL (an empty database) to measure');
  },
};
