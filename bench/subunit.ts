import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { peakRssMb } from './peak-rss.js';
import type { Benchmark } from './registry.js';
import { ingestTestRecords } from '../src/ingest/subunit/ingest.js';
import { readSubunitTestBatches } from '../src/ingest/subunit/read.js';
import { encodePacket } from '../src/ingest/subunit/v2-writer.js';
import { openStore } from '../src/store/connect.js';
import type { DialectName } from '../src/store/url.js';
import { createTestDatabase } from '../test/support/create-database.js';

/**
 * A generated stestr-like v2 stream (inprogress + final packet per test, worker tag and route code, 1 % with
 * a 2 KiB traceback attachment), written to a temp file and read back with a file stream as the CLI does:
 * parse MB/s and tests/s, then ingest tests/s into SQLite, PostgreSQL and MariaDB (fresh databases on the
 * test servers), and the same stream once more into each as a second run (its tests already stored). Each
 * phase runs in its own process so its peak RSS is its own; wall and CPU time are both printed because the
 * machine is shared (CPU time is what the code costs, wall time what a user waits).
 * PERFHOUND_BENCH_SUBUNIT_TESTS changes the size (RSS must stay flat as it grows);
 * PERFHOUND_BENCH_SUBUNIT_DIALECTS (e.g. `sqlite`) limits the ingest phases.
 */
const TESTS = Number(process.env.PERFHOUND_BENCH_SUBUNIT_TESTS ?? 100_000);
const DIALECTS = (process.env.PERFHOUND_BENCH_SUBUNIT_DIALECTS ?? 'sqlite,postgres,mysql').split(',');
/** The chunk size `perfhound ingest` reads files with (src/ingest/test-file.ts). */
const READ_CHUNK = 1 << 16;

async function generate(path: string, tests: number): Promise<number> {
  const out = createWriteStream(path);
  const traceback = Buffer.alloc(2048, 'Traceback (most recent call last): boom\n');
  let clock = Date.UTC(2026, 0, 1) * 1000;
  let bytes = 0;
  let pending: Buffer[] = [];
  for (let i = 0; i < tests; i++) {
    const testId = `bench.tests.test_module_${i % 200}.TestCase${i % 37}.test_case_${i}`;
    const common = { testId, tags: [`worker-${i % 4}`], routeCode: String(i % 4) };
    pending.push(encodePacket({ ...common, status: 'inprogress', timestampUs: clock }));
    clock += 1000 + (i % 500);
    if (i % 100 === 0) pending.push(encodePacket({ ...common, fileName: 'traceback', fileBytes: traceback, mimeType: 'text/x-traceback; charset="utf8"', eof: true, timestampUs: clock }));
    pending.push(encodePacket({ ...common, status: i % 100 === 0 ? 'fail' : i % 50 === 1 ? 'skip' : 'success', timestampUs: clock }));
    if (pending.length >= 2000 || i === tests - 1) {
      const block = Buffer.concat(pending);
      bytes += block.length;
      pending = [];
      if (!out.write(block)) await once(out, 'drain');
    }
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

interface PhaseResult {
  tests: number;
  wallSeconds: number;
  cpuSeconds: number;
  maxRssMb: number;
}

/** One phase, in the child process: parse only (`url` null) or parse + ingest into `url`. */
export async function runPhase(path: string, url: string | null): Promise<PhaseResult> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let tests = 0;
  const stream = () => createReadStream(path, { highWaterMark: READ_CHUNK });
  if (url === null) {
    for await (const records of readSubunitTestBatches(stream(), { keepAttachmentBytes: false })) {
      for (const record of records) if (record.status !== 'exists') tests++;
    }
  } else {
    const store = await openStore(url);
    try {
      const records = readSubunitTestBatches(stream(), { keepAttachmentBytes: true });
      tests = (await ingestTestRecords(store, records, { source: 'subunit', runId: `bench-${Date.now()}`, storeAttachments: true })).tests;
    } finally {
      await store.close();
    }
  }
  const cpu = process.cpuUsage(cpu0);
  return { tests, wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMb: peakRssMb() };
}

function runPhaseInChild(path: string, url: string | null): Promise<PhaseResult> {
  const self = fileURLToPath(import.meta.url);
  const script = `import(${JSON.stringify(self)}).then((m) => m.runPhase(${JSON.stringify(path)}, ${JSON.stringify(url)})).then((r) => console.log(JSON.stringify(r)))`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1) as string) as PhaseResult);
    });
  });
}

const times = (r: PhaseResult) => `wall ${r.wallSeconds.toFixed(2)} s, CPU ${r.cpuSeconds.toFixed(2)} s`;
const rates = (n: number, r: PhaseResult, unit: string) => `${(n / r.wallSeconds).toFixed(0)} ${unit}/s by wall, ${(n / r.cpuSeconds).toFixed(0)} by CPU`;

export const subunitBenchmark: Benchmark = {
  name: 'subunit',
  description: `parse and ingest a generated subunit v2 stream of ${TESTS} test results (1 % with attachments), read from a file`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-bench-subunit-'));
    try {
      const path = join(dir, 'bench.subunit');
      const mb = (await generate(path, TESTS)) / 2 ** 20;
      const parse = await runPhaseInChild(path, null);
      console.log(
        `parse: ${mb.toFixed(1)} MB, ${parse.tests} tests; ${times(parse)}; ${(mb / parse.wallSeconds).toFixed(1)} MB/s by wall, ${(mb / parse.cpuSeconds).toFixed(1)} by CPU (goal ≥ 50); ` +
          `${rates(parse.tests, parse, 'tests')}; peak RSS ${parse.maxRssMb.toFixed(0)} MB`,
      );
      const dialects: [DialectName, string][] = [['sqlite', 'SQLite'], ['postgres', 'PostgreSQL'], ['mysql', 'MariaDB']];
      for (const [dialect, label] of dialects.filter(([d]) => DIALECTS.includes(d))) {
        let database: Awaited<ReturnType<typeof createTestDatabase>>;
        try {
          database = await createTestDatabase(dialect);
        } catch (err) {
          console.log(`ingest ${label}: no server (${(err as Error).message})`);
          continue;
        }
        try {
          const r = await runPhaseInChild(path, database.url);
          const goal = dialect === 'sqlite' ? ' (goal ≥ 50000)' : '';
          console.log(`ingest ${label}: ${r.tests} tests; ${times(r)}; ${rates(r.tests, r, 'tests')}${goal}; peak RSS ${r.maxRssMb.toFixed(0)} MB (goal < 200)`);
          // The usual case in CI: a store with history, whose tests exist (aggregates updated, results added).
          const again = await runPhaseInChild(path, database.url);
          console.log(`ingest ${label} again (a second run, its tests stored): ${times(again)}; ${rates(again.tests, again, 'tests')}; peak RSS ${again.maxRssMb.toFixed(0)} MB`);
        } finally {
          await database.drop();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
