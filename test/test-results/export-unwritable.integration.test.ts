import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSubunitTests } from '../../src/ingest/subunit/read.js';
import { runCli } from '../support/cli.js';
import { useTestDatabase } from '../support/databases.js';
import { collect } from './support.js';

/**
 * `export subunit` of a run subunit v2 cannot carry (times outside 1970–2106, which the store holds) is a
 * clear error before any byte, and `-o FILE` is written whole or not at all.
 */
const database = useTestDatabase('sqlite');
let dir = '';
const db = () => ['--db', database.url];
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'export-'))));

async function ingestJunit(runId: string, xml: string): Promise<void> {
  const path = join(dir, `${runId}.xml`);
  writeFileSync(path, xml);
  const res = await runCli(['ingest', 'junit', path, '--run-id', runId, '--store-attachments', ...db()]);
  expect(res.code, res.stderr).toBe(0);
}

describe('export subunit', () => {
  it('a run with a huge duration: one clear line, exit 1, no file left and an earlier file untouched', async () => {
    // 158 years from 2026: a time the store holds, past subunit v2's 2106.
    await ingestJunit('far', '<testsuite timestamp="2026-01-01T00:00:00"><testcase classname="c" name="long" time="5000000000"/></testsuite>');
    await ingestJunit('early', '<testsuite timestamp="1960-01-01T00:00:00"><testcase name="old" time="1"/></testsuite>');
    for (const [run, message] of [['far', /test c\.long: field stop: its stop time 2184-.* cannot be written in subunit v2/], ['early', /test old: field start: its start time 1960-/]] as const) {
      const out = join(dir, `${run}.subunit`);
      const res = await runCli(['export', 'subunit', run, '-o', out, ...db()]);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(message);
      expect(res.stderr).not.toMatch(/\bat \S+ \(|RangeError/);
      expect(existsSync(out)).toBe(false);
      writeFileSync(out, 'before');
      expect((await runCli(['export', 'subunit', run, '-o', out, ...db()])).code).toBe(1);
      expect(readFileSync(out, 'utf8')).toBe('before');
    }
    expect((await runCli(['export', 'subunit', 'no-such-run', '-o', join(dir, 'none.subunit'), ...db()])).code).toBe(1);
    expect(existsSync(join(dir, 'none.subunit'))).toBe(false);
    expect(readdirSync(dir).filter((n) => n.includes('partial'))).toEqual([]);
  });

  it('a good run is written whole, an attachment larger than a packet in pieces read back as one', async () => {
    const big = 'x'.repeat(5 << 20);
    await ingestJunit('big', `<testsuite timestamp="2026-01-01T00:00:00"><testcase name="t" time="1"><system-out>${big}</system-out></testcase></testsuite>`);
    const out = join(dir, 'big.subunit');
    writeFileSync(out, 'before');
    const res = await runCli(['export', 'subunit', 'big', '-o', out, ...db()]);
    expect(res.code, res.stderr).toBe(0);
    const [t] = (await collect(readSubunitTests([readFileSync(out)], { keepAttachmentBytes: true }))).filter((r) => r.status === 'success');
    expect(t.testId).toBe('t');
    expect(t.details.get('stdout')?.bytes?.toString()).toBe(big);
    const bad = await runCli(['export', 'subunit', 'big', '-o', join(dir, 'no-such-dir', 'x.subunit'), ...db()]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/x\.subunit: field --out: cannot write the file \(ENOENT\)/);
  });
});
