import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodePacket } from '../../src/ingest/subunit/v2-writer.js';
import { runCli } from '../support/cli.js';
import { useTestDatabase } from '../support/databases.js';

/**
 * Times a date cannot hold are refused at ingest in every format, naming the field, so they never reach
 * the store where `runs list`, `runs show` and `export` would fail for everyone.
 */
const database = useTestDatabase('sqlite');
let dir = '';
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'out-of-range-'))));

async function ingest(format: string, name: string, content: string | Buffer, ...flags: string[]) {
  const path = join(dir, name);
  writeFileSync(path, content);
  return runCli(['ingest', format, path, '--db', database.url, ...flags]);
}

const bulkLine = (index: string, doc: object) => `${JSON.stringify({ index: { _index: index } })}\n${JSON.stringify(doc)}\n`;
const GOOD = '2026-01-10T12:00:00Z';
/** The value: 1e17 once parsed, far beyond the 8.64e15 ms a date holds. */
const FAR = 1e17;

describe('times beyond what a date holds', () => {
  it('are refused in each format with the field named, and the good runs still stored and readable', async () => {
    const cases: [string, string, string | Buffer, RegExp][] = [
      ['bulk', 'a.ndjson', bulkLine('perf_scale_ci', { uuid: 'bulk-far', timestamp: FAR }) + bulkLine('perf_scale_ci', { uuid: 'bulk-ok', timestamp: GOOD }), /a\.ndjson:2: field timestamp: run bulk-far has no valid timestamp/],
      ['json', 'a.json', JSON.stringify([{ uuid: 'json-far', timestamp: FAR }, { uuid: 'json-ok', timestamp: GOOD }]), /a\.json:1: field timestamp: timestamp \d+ is not a time/],
      ['json', 'b.json', JSON.stringify([{ uuid: 'json-far2', timestamp: '-300000-01-01T00:00:00Z' }]), /field timestamp/],
      ['kube-burner', 'kb.json', JSON.stringify([{ uuid: 'kb-far', metricName: 'jobSummary', timestamp: 1e300 }]), /kb\.json:1: field timestamp/],
      ['csv', 'a.csv', `time,uuid,cpu\n99999999999999999,csv-far,1\n${GOOD},csv-ok,2\n`, /a\.csv:2: .*time/],
    ];
    for (const [format, name, content, message] of cases) {
      const res = await ingest(format, name, content);
      expect(res.code, `${format}: ${res.stdout}${res.stderr}`).toBe(1);
      expect(res.stdout + res.stderr, `${format}: ${res.stdout}${res.stderr}`).toMatch(message);
    }
    const listed = await runCli(['runs', 'list', '--output', 'json', '--db', database.url]);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { uuid: string }[]).map((r) => r.uuid).sort()).toEqual(['bulk-ok', 'csv-ok', 'json-ok']);
  });

  it('subunit: a v1 time or v2 stream whose test times run past the µs range is refused naming the test', async () => {
    const v1 = 'time: 9999-01-01 00:00:00.000000Z\ntest: far.test\nsuccess: far.test\n';
    const res = await ingest('subunit', 'far.subunit', v1, '--run-id', 'sub-far', '--subunit-version', '1');
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).toMatch(/test far\.test: field start: .*9999/);
    const shown = await runCli(['runs', 'show', 'sub-far', '--db', database.url]);
    expect(shown.code).toBe(1);
    // A v2 stream within range is fine.
    const ok = Buffer.concat([encodePacket({ testId: 'ok.test', status: 'inprogress', timestampUs: 1e15 }), encodePacket({ testId: 'ok.test', status: 'success', timestampUs: 1e15 + 5 })]);
    expect((await ingest('subunit', 'ok.subunit', ok, '--run-id', 'sub-ok')).code).toBe(0);
  });

  it('junit: time="1e300" names the file, line and field', async () => {
    const res = await ingest('junit', 'far.xml', '<testsuite timestamp="2026-01-01T00:00:00">\n<testcase name="a" time="1e300"/>\n</testsuite>\n');
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).toMatch(/far\.xml:2: field time: time "1e300" of test a/);
  });
});
