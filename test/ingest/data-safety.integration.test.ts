import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePacket } from '../../src/ingest/subunit/v2-writer.js';
import { runCli } from '../support/cli.js';
import { DIALECTS, useTestDatabase } from '../support/databases.js';

/**
 * Inputs that used to destroy or silently change stored runs (issue 10, items 9, 12, 13, 14): each is
 * refused with its place named, exit 1, and every stored run stays as it was; good runs beside a bad
 * one are still written and reported.
 */
function file(name: string, text: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'perfhound-safety-')), name);
  writeFileSync(path, text);
  return path;
}

const JUNIT = '<testsuite name="s"><testcase classname="pkg.A" name="one" time="0.5"/><testcase classname="pkg.A" name="two" time="0.25"/></testsuite>\n';
const SUBUNIT = encodePacket({ testId: 'pkg.A.one', status: 'success', timestampUs: Date.UTC(2026, 0, 10) * 1000 });
/** Epoch milliseconds beyond what a date can hold (as a number in the JSON text). */
const FAR_FUTURE = '9'.repeat(17);
const run = (uuid: string, extra: Record<string, unknown> = {}) => ({ uuid, timestamp: '2026-01-10T12:00:00Z', metadata: { platform: 'AWS' }, metrics: { cpu: 1 }, ...extra });

for (const dialect of DIALECTS) {
  describe(`ingest data safety on ${dialect}`, () => {
    const db = useTestDatabase(dialect);
    const cli = (...args: string[]) => runCli([...args, '--db', db.url]);
    const show = async (uuid: string) => {
      const res = await cli('runs', 'show', uuid, '--output', 'json');
      expect(res.code).toBe(0);
      return JSON.parse(res.stdout) as Record<string, unknown>;
    };
    const counts = async () => JSON.parse((await cli('db', 'status', '--output', 'json')).stdout).counts as Record<string, number>;

    it('item 9: an empty, whitespace-only or record-less input is refused and leaves the run of its --run-id unchanged', async () => {
      expect((await cli('ingest', 'junit', file('r.xml', JUNIT), '--run-id', 'empty-target')).code).toBe(0);
      const before = await show('empty-target');
      const stored = await counts();
      for (const [format, text] of [['junit', ''], ['junit', ' '], ['junit', '\n \n'], ['junit', '<testsuites/>'], ['subunit', ''], ['subunit', '\n']] as const) {
        const res = await cli('ingest', format, file('in', text), '--run-id', 'empty-target');
        expect(res.code, `${format} ${JSON.stringify(text)}`).toBe(1);
        expect(res.stderr).toMatch(/no (test results|records)|empty/);
        expect(res.stderr).toContain('--allow-empty');
      }
      expect(await show('empty-target')).toEqual(before);
      expect(await counts()).toEqual(stored);
    });

    it('item 9: every format refuses an input without records unless --allow-empty says it is meant', async () => {
      const stored = await counts();
      const inputs = { json: ['', ' \n', '[]', '[\n]\n'], csv: ['time,cpu\n'], bulk: ['', '\n\n'], 'kube-burner': ['[]', ' '] } as const;
      for (const [format, texts] of Object.entries(inputs)) {
        for (const text of texts) {
          const path = file('in', text);
          const res = await cli('ingest', format, path);
          expect(res.code, `${format} ${JSON.stringify(text)}`).toBe(1);
          expect(res.stderr).toContain(`${path}: `);
          expect(res.stderr).toContain('--allow-empty');
          const allowed = await cli('ingest', format, path, '--allow-empty');
          expect(allowed.code, `${format} ${JSON.stringify(text)} --allow-empty`).toBe(0);
        }
      }
      expect(await counts()).toEqual(stored);
    });

    it('item 12: a test-result ingest with the id of a benchmark run is refused unless --replace, and the reverse too', async () => {
      expect((await cli('ingest', 'json', file('b.json', JSON.stringify([run('bench-1')])))).code).toBe(0);
      const before = await show('bench-1');
      const stored = await counts();
      for (const format of ['junit', 'subunit'] as const) {
        const res = await cli('ingest', format, file('t', format === 'junit' ? JUNIT : SUBUNIT), '--run-id', 'bench-1');
        expect(res.code).toBe(1);
        expect(res.stderr).toMatch(/bench-1.*json.*--replace/);
      }
      expect(await show('bench-1')).toEqual(before);
      expect(await counts()).toEqual(stored);

      const replaced = await cli('ingest', 'junit', file('r.xml', JUNIT), '--run-id', 'bench-1', '--replace');
      expect(replaced.code).toBe(0);
      const now = await show('bench-1');
      expect(now.source).toBe('junit');
      expect(now.passes).toBe(2);
      // The benchmark run's documents went with it.
      expect(now.documents).toEqual({});

      // A benchmark ingest may not rewrite a test run either.
      const back = await cli('ingest', 'json', file('b.json', JSON.stringify([run('bench-1')])));
      expect(back.code).toBe(1);
      expect(back.stderr).toMatch(/bench-1.*junit.*--replace/);
      expect(await show('bench-1')).toEqual(now);
      const csv = await cli('ingest', 'csv', file('b.csv', 'uuid,time,cpu\nbench-1,2026-01-10T12:00:00Z,3\n'));
      expect(csv.code).toBe(1);
      expect(await show('bench-1')).toEqual(now);
    });

    it('item 13: two runs with one id in a JSON input are both refused, each place named; the stored run stays', async () => {
      expect((await cli('ingest', 'json', file('first.json', JSON.stringify([run('twice', { metrics: { cpu: 7 } })])))).code).toBe(0);
      const before = await show('twice');
      const text = ['[', JSON.stringify(run('twice', { metrics: { cpu: 1 } })) + ',', JSON.stringify(run('once')) + ',', JSON.stringify(run('twice', { metrics: { cpu: 2 } })), ']'].join('\n');
      const path = file('dup.json', text);
      const res = await cli('ingest', 'json', path, '--output', 'json');
      expect(res.code).toBe(1);
      const report = JSON.parse(res.stdout) as { runs: Array<{ uuid: string; outcome: string; error?: string }> };
      expect(report.runs.filter((r) => r.outcome !== 'failed').map((r) => r.uuid)).toEqual(['once']);
      const failed = report.runs.filter((r) => r.outcome === 'failed');
      expect(failed.map((r) => r.uuid)).toEqual(['twice']);
      expect(failed[0].error).toContain(`${path}:2:`);
      expect(failed[0].error).toContain(`${path}:4`);
      expect(await show('twice')).toEqual(before);

      // A broken copy (its uuid still readable) refuses the run as well: it may be the one meant.
      const broken = file('broken.ndjson', `${JSON.stringify(run('twice', { metrics: { cpu: 3 } }))}\n{"uuid":"twice","timestamp":\n`);
      const res2 = await cli('ingest', 'json', broken);
      expect(res2.code).toBe(1);
      expect(res2.stderr).toContain(`${broken}:1: run twice is given 2 times in the input (${broken}:1, ${broken}:2)`);
      expect(await show('twice')).toEqual(before);
    });

    it('item 13: two CSV rows with one id (given or derived) are both refused, each line named', async () => {
      const derived = file('derived.csv', 'time,cpu,branch\n2026-01-01T00:00:00Z,1,main\n2026-01-02T00:00:00Z,1,main\n2026-01-01T00:00:00Z,2,main\n');
      const res = await cli('ingest', 'csv', derived, '--output', 'json');
      expect(res.code).toBe(1);
      const report = JSON.parse(res.stdout) as { runs: Array<{ uuid: string; outcome: string; error?: string }> };
      expect(report.runs.filter((r) => r.outcome === 'created')).toHaveLength(1);
      const failed = report.runs.filter((r) => r.outcome === 'failed');
      expect(failed).toHaveLength(1);
      expect(failed[0].error).toContain(`${derived}:2:`);
      expect(failed[0].error).toContain(`${derived}:4`);
      await expect(show(failed[0].uuid)).rejects.toThrow();

      const given = file('given.csv', 'uuid,time,cpu\nu1,2026-01-01T00:00:00Z,1\nu2,2026-01-01T00:00:00Z,1\nu1,2026-01-03T00:00:00Z,2\n');
      const res2 = await cli('ingest', 'csv', given);
      expect(res2.code).toBe(1);
      expect(res2.stderr).toContain(`${given}:2:`);
      expect(res2.stderr).toContain(`${given}:4`);
      expect((await cli('runs', 'show', 'u1')).code).toBe(1);
      expect((await cli('runs', 'show', 'u2')).code).toBe(0);
    });

    it('item 14: one bad JSON run (out-of-range time, deep nesting) refuses that run only; the others are written and reported', async () => {
      const lines = [
        JSON.stringify(run('good-1')),
        JSON.stringify(run('far-future')).replace('"2026-01-10T12:00:00Z"', FAR_FUTURE),
        '{"uuid":"deep-doc","timestamp":"2026-01-10T12:00:00Z","documents":[' + '{"a":'.repeat(20000) + '1' + '}'.repeat(20000) + ']}',
        '{"uuid":"deep-meta","timestamp":"2026-01-10T12:00:00Z","metadata":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) + '}',
        JSON.stringify(run('good-2')),
      ];
      const path = file('mixed.ndjson', lines.join('\n') + '\n');
      const res = await cli('ingest', 'json', path, '--output', 'json');
      expect(res.code).toBe(1);
      const report = JSON.parse(res.stdout) as { runs: Array<{ uuid: string; outcome: string; error?: string }> };
      expect(report.runs.map((r) => [r.uuid, r.outcome])).toEqual([
        ['good-1', 'created'], ['far-future', 'failed'], ['deep-doc', 'failed'], ['deep-meta', 'failed'], ['good-2', 'created'],
      ]);
      const errors = Object.fromEntries(report.runs.map((r) => [r.uuid, r.error]));
      expect(errors['far-future']).toMatch(new RegExp(`^${path}:2: field timestamp: `));
      expect(errors['deep-doc']).toMatch(new RegExp(`^${path}:3: field documents\\[0\\]: .*nested`));
      expect(errors['deep-meta']).toMatch(new RegExp(`^${path}:4: field metadata: .*nested`));
      expect(res.stdout).not.toMatch(/database refused|call stack/);
      expect((await cli('runs', 'show', 'good-2')).code).toBe(0);
    });

    it('item 14: one bad CSV row (out-of-range time) refuses that row only', async () => {
      const path = file('times.csv', 'uuid,time,cpu\nc1,2026-01-01T00:00:00Z,1\nc2,99999999999999999,1\nc3,2026-01-03T00:00:00Z,1\n');
      const res = await cli('ingest', 'csv', path, '--output', 'json');
      expect(res.code).toBe(1);
      const report = JSON.parse(res.stdout) as { runs: Array<{ uuid: string; outcome: string; error?: string }> };
      expect(report.runs.map((r) => [r.uuid, r.outcome])).toEqual([['c1', 'created'], ['c2', 'failed'], ['c3', 'created']]);
      expect(report.runs[1].error).toMatch(new RegExp(`^${path}:3: field time: `));
    });
  });
}
