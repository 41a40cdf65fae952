import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './registry.js';
import { readJunitTests } from '../src/ingest/junit/read.js';

/**
 * JUnit XML parse speed, read from a file in the 64 KiB chunks `perfhound ingest junit` uses: a report of
 * many small cases, and reports whose bulk is one long token (an attribute, a CDATA section, a comment)
 * — the tokenizer must stay linear in a token's length (it re-scanned held tokens at every chunk once:
 * 20 MB took 30 s). PERFHOUND_BENCH_JUNIT_MB sets the long token's size (default 20).
 */
const MB = Number(process.env.PERFHOUND_BENCH_JUNIT_MB ?? 20);
const READ_CHUNK = 1 << 16;

function documents(): [string, string][] {
  const long = 'x'.repeat(MB * 2 ** 20);
  const cases: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    cases.push(`<testcase classname="bench.Module${i % 200}" name="test_${i}" time="0.${i % 1000}">${i % 100 === 0 ? '<failure message="boom">Traceback &lt;most recent&gt;</failure>' : ''}</testcase>`);
  }
  return [
    ['100 000 small cases', `<testsuite timestamp="2026-01-01T00:00:00">\n${cases.join('\n')}\n</testsuite>\n`],
    [`one ${MB} MB attribute`, `<testsuite><testcase name="${long}" time="1"/></testsuite>`],
    [`one ${MB} MB CDATA`, `<testsuite><testcase name="a"><system-out><![CDATA[${long}]]></system-out></testcase></testsuite>`],
    [`one ${MB} MB comment`, `<testsuite><!--${long}--><testcase name="a"/></testsuite>`],
  ];
}

export const junitBenchmark: Benchmark = {
  name: 'junit',
  description: `parse JUnit XML from a file: many small cases, and one ${MB} MB token (attribute, CDATA, comment)`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'perfhound-bench-junit-'));
    try {
      for (const [what, xml] of documents()) {
        const path = join(dir, 'bench.xml');
        writeFileSync(path, xml);
        const mb = Buffer.byteLength(xml) / 2 ** 20;
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        let tests = 0;
        for await (const _ of readJunitTests(createReadStream(path, { highWaterMark: READ_CHUNK }))) tests++;
        const wall = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        console.log(`${what}: ${mb.toFixed(1)} MB, ${tests} tests; wall ${wall.toFixed(2)} s, CPU ${cpuSeconds.toFixed(2)} s; ${(mb / cpuSeconds).toFixed(1)} MB/s by CPU`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
