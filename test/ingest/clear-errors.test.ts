import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/connect.js';
import { readUserFile, unreadableReason } from '../../src/util/files.js';
import { runCli } from '../support/cli.js';

/**
 * What a person sees when an ingest cannot take an input (issue 10, items 15 and 21): one line naming the
 * file and place on stderr, in words (no errno, no "--debug"), the other inputs still ingested and
 * reported; CSV headers kept exactly or refused, never silently changed.
 */
function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'perfhound-errors-'));
}

function file(name: string, text: string | Buffer, dir = tempDir()): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const run = (uuid: string) => ({ uuid, timestamp: '2026-01-10T12:00:00Z', metrics: { cpu: 1 } });
type Report = { file: string; runs: Array<{ uuid: string; outcome: string; error?: string }>; errors: string[] };

describe('ingest errors a person can read', () => {
  const db = `sqlite:${join(tempDir(), 'db.sqlite')}`;
  const cli = (...args: string[]) => runCli([...args, '--db', db]);
  const show = async (uuid: string) => JSON.parse((await cli('runs', 'show', uuid, '--output', 'json')).stdout) as { metadata: Record<string, unknown> };

  it('a missing file or a directory among several inputs is named in words; the others are ingested and reported', async () => {
    const a = file('a.json', JSON.stringify([run('many-a')]));
    const b = file('b.json', JSON.stringify([run('many-b')]));
    const dir = tempDir();
    const res = await cli('ingest', 'json', a, join(dir, 'missing.json'), dir, b, '--output', 'json');
    expect(res.code).toBe(1);
    const reports = JSON.parse(res.stdout) as Report[];
    expect(reports.map((r) => r.runs.map((x) => x.outcome))).toEqual([['created'], [], [], ['created']]);
    expect(reports[1].errors).toEqual([`${join(dir, 'missing.json')}: cannot read the input: file not found`]);
    expect(reports[2].errors).toEqual([`${dir}: cannot read the input: it is a directory`]);
    expect(res.stderr).toContain(`${join(dir, 'missing.json')}: cannot read the input: file not found`);
    expect(res.stderr).not.toMatch(/ENOENT|EISDIR|--debug|illegal operation/);
    expect((await cli('runs', 'show', 'many-b')).code).toBe(0);
  });

  it('says "permission denied" for EACCES, in words', async () => {
    const denied = Object.assign(new Error("EACCES: permission denied, open '/secret/x'"), { code: 'EACCES' });
    expect(unreadableReason(denied)).toBe('permission denied');
    await expect(readUserFile(tempDir(), 'config')).rejects.toThrow(/cannot read config: it is a directory$/);
  });

  it('refusal lines go to stderr; stdout carries the summary of what was written', async () => {
    const path = file('bad-row.csv', 'uuid,time,cpu\nok-row,2026-01-01T00:00:00Z,1\nbad-row,2026-01-02T00:00:00Z,abc\n');
    const res = await cli('ingest', 'csv', path);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe(`${path}: ingested 1 run (1 new, 0 replaced), 1 document\n`);
    expect(res.stderr).toContain(`${path}:3: field cpu: "abc" is not a number`);
  });

  it('runs written before a truncated JSON array are listed, and the truncation named', async () => {
    const path = file('cut.json', '[\n' + JSON.stringify(run('before-cut')) + ',\n{"uuid":"cut-off","timest');
    const res = await cli('ingest', 'json', path, '--output', 'json');
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.runs).toEqual([{ uuid: 'before-cut', outcome: 'created', documents: 1 }]);
    expect(report.errors).toEqual([`${path}:3: the JSON array is not closed (truncated file?)`]);
  });

  it('a truncated file in a kube-burner folder refuses its own runs only', async () => {
    const dir = join(tempDir(), 'collected-metrics');
    mkdirSync(dir);
    const doc = (uuid: string, metricName: string) => ({ uuid, metricName, timestamp: '2026-01-10T12:00:00Z', value: 1 });
    file('a-jobSummary.json', JSON.stringify([doc('kb-whole', 'jobSummary'), doc('kb-cut', 'jobSummary')]), dir);
    file('b-podLatency.json', JSON.stringify([doc('kb-whole', 'podLatency')]), dir);
    file('c-cpu.json', '[' + JSON.stringify(doc('kb-cut', 'cpu')) + ',' + JSON.stringify(doc('kb-cut', 'cpu')).slice(0, 30), dir);
    const res = await cli('ingest', 'kube-burner', dir, '--output', 'json');
    expect(res.code).toBe(1);
    const report = JSON.parse(res.stdout) as Report;
    expect(report.runs.map((r) => [r.uuid, r.outcome])).toEqual([['kb-whole', 'created'], ['kb-cut', 'failed']]);
    expect(report.runs[1].error).toContain(`${join(dir, 'c-cpu.json')}:1: the JSON array is not closed`);
  });

  it('a bad CSV header is shown with its control bytes escaped, never echoed raw', async () => {
    const path = file('bin.csv', Buffer.concat([Buffer.from('time,\xff\x1b[31mred\x07,cpu\n', 'latin1'), Buffer.from('2026-01-01,a,1\n')]));
    const res = await cli('ingest', 'csv', path, '--time-column', 'when');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${path}:1: field when: time column "when" is not in the header`);
    expect(res.stderr.replaceAll('\n', '')).not.toMatch(/[\p{Cc}\ufffd]/u);
    expect(res.stderr).toContain('\\u001b[31mred\\u0007');
  });

  it('the YAML alias-bomb refusal names the config file', async () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) lines.push(`a${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]`);
    const path = file('bomb.yaml', [...lines, 'tests: *a8', ''].join('\n'));
    const res = await cli('analyze', '--config', path);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${path}: `);
    expect(res.stderr).toMatch(/alias/);
    expect(res.stderr).not.toContain('--debug');
  });

  it('CSV: a column named __proto__ is kept; duplicate header names are refused with both columns named', async () => {
    const proto = file('proto.csv', 'uuid,time,cpu,__proto__\nproto-1,2026-01-01T00:00:00Z,1,kept\n');
    expect((await cli('ingest', 'csv', proto)).code).toBe(0);
    const meta = (await show('proto-1')).metadata;
    expect(Object.getOwnPropertyDescriptor(meta, '__proto__')?.value).toBe('kept');
    const where = await cli('runs', 'list', '--where', '__proto__=kept', '--output', 'json');
    expect((JSON.parse(where.stdout) as Array<{ uuid: string }>).map((r) => r.uuid)).toEqual(['proto-1']);

    const metricProto = file('metric-proto.csv', 'uuid,time,__proto__\nproto-2,2026-01-01T00:00:00Z,5\n');
    expect((await cli('ingest', 'csv', metricProto)).code).toBe(0);
    const store = await openStore(db);
    try {
      const docs = await store.db.selectFrom('documents').innerJoin('runs', 'runs.id', 'documents.run_id').select('documents.body').where('runs.uuid', '=', 'proto-2').execute();
      expect(docs.map((d) => Object.getOwnPropertyDescriptor(JSON.parse(d.body), '__proto__')?.value)).toEqual([5]);
    } finally {
      await store.close();
    }

    const dup = file('dup.csv', 'uuid,time,cpu,branch,cpu\nd-1,2026-01-01T00:00:00Z,1,main,2\n');
    const res = await cli('ingest', 'csv', dup);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`${dup}:1: field cpu: column "cpu" appears twice in the header (columns 3 and 5)`);
    expect((await cli('runs', 'show', 'd-1')).code).toBe(1);
  });
});
