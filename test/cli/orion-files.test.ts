/**
 * Orion's default files: every analysis writes `output_table_<test>.txt` / `output_<test>.json` /
 * `output_<test>.xml` (by format) and `data-<test>.csv` in the working directory, as Orion does; a
 * missing output folder is an error before anything is analysed.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { jsonValues } from '../support/json-stream.js';

const CSV = resolve('test/fixtures/analyze/otava-layout.csv');
const CONFIG = resolve('test/fixtures/analyze/csv-config.yaml');
const home = process.cwd();

afterEach(() => process.chdir(home));

function inTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'orion-files-'));
  process.chdir(dir);
  return dir;
}

const analyze = (extra: string[]) => runCli(['analyze', '--source', 'csv', '--csv', CSV, '--config', CONFIG, '--hunter-analyze', ...extra]);

describe("analyze writes Orion's files by default", () => {
  it('text: output_table_<test>.txt and data-<test>.csv in the working directory', async () => {
    const dir = inTempDir();
    const r = await analyze([]);
    expect(r.code).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['data-csv-test.csv', 'output_table_csv-test.txt']);
    expect(readFileSync(join(dir, 'output_table_csv-test.txt'), 'utf8')).toContain('csv-test');
    expect(readFileSync(join(dir, 'data-csv-test.csv'), 'utf8').split('\n')[0]).toContain('cpu');
  });

  it('json: output_<test>.json holds what stdout printed; junit: output_<test>.xml', async () => {
    const dir = inTempDir();
    const json = await analyze(['-o', 'json']);
    expect(JSON.parse(readFileSync(join(dir, 'output_csv-test.json'), 'utf8'))).toEqual(jsonValues(json.stdout)[0]);
    const junit = await analyze(['-o', 'junit']);
    expect(readFileSync(join(dir, 'output_csv-test.xml'), 'utf8')).toBe(junit.stdout);
  });

  it('PROW_JOB_ID set: the JSON file is written too, whatever the format', async () => {
    const dir = inTempDir();
    process.env.PROW_JOB_ID = 'job-1';
    try {
      await analyze(['--save-output-path', 'out/res.txt', '--save-data-path', 'out/d.csv'].map((a) => (a.startsWith('out/') ? join(dir, a.replace('out/', '')) : a)));
    } finally {
      delete process.env.PROW_JOB_ID;
    }
    expect(readdirSync(dir).sort()).toEqual(['d-csv-test.csv', 'res_csv-test.json', 'res_table_csv-test.txt']);
  });

  it('a missing output folder is one clear error before the analysis, nothing printed or written', async () => {
    const dir = inTempDir();
    for (const flag of ['--save-output-path', '--save-data-path']) {
      const r = await analyze([flag, 'no/such/folder/x.txt']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(flag);
      expect(r.stderr).toContain('no/such/folder');
      expect(r.stderr).not.toMatch(/ENOENT|\n\s+at /);
      expect(r.stdout).toBe('');
      expect(existsSync(join(dir, 'data-csv-test.csv'))).toBe(false);
    }
  });
});
