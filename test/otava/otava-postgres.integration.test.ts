import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otavaAnalyze, type AnalyzeArgs } from '../../src/otava/commands.js';
import { readCsvRecords } from '../../src/otava/csv-records.js';
import { parseDateTime } from '../../src/util/time.js';
import { createTestDatabase } from '../support/create-database.js';

/**
 * Otava's `postgres` test type on a real PostgreSQL: the rows of upstream_sample.csv put in a table give
 * the same log and regressions report as Otava printed for the CSV test; %{BRANCH} is a bound parameter.
 */
const root = join(import.meta.dirname, '../fixtures/changepoints');
let db: { url: string; drop: () => Promise<void> };
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase('postgres');
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query('CREATE TABLE results (ts timestamptz, commit text, branch text, metric1 double precision, metric2 double precision)');
  const records = readCsvRecords(readFileSync(join(root, 'cases/upstream_sample.csv'), 'utf8'), ',', '"', 'upstream_sample.csv').slice(1);
  for (const [branch, offset] of [['main', 0], ['feature', 100]] as const) {
    for (const { fields } of records) {
      await client.query('INSERT INTO results VALUES ($1, $2, $3, $4, $5)', [new Date(parseDateTime(fields[0])!), fields[1], branch, Number(fields[2]) + offset, Number(fields[3])]);
    }
  }
  await client.end();
  dir = mkdtempSync(join(tmpdir(), 'otava-pg-'));
  const url = new URL(db.url);
  writeFileSync(
    join(dir, 'otava.yaml'),
    [
      'postgres:',
      `  hostname: ${url.hostname}`,
      `  port: ${url.port}`,
      `  username: ${url.username}`,
      `  database: ${url.pathname.slice(1)}`,
      'tests:',
      '  upstream_sample:',
      '    type: postgres',
      "    query: SELECT ts, commit, metric1, metric2 FROM results WHERE branch = %{BRANCH} ORDER BY ts",
      '    time_column: ts',
      '    attributes: [commit]',
      '    metrics:',
      '      metric1: {column: metric1, direction: 1}',
      '      metric2: {column: metric2, direction: 1}',
    ].join('\n'),
  );
});

afterAll(async () => {
  await db?.drop();
});

function args(output: AnalyzeArgs['output'], branch?: string): AnalyzeArgs {
  return { configFile: 'otava.yaml', tests: ['upstream_sample'], output, pValue: 0.001, magnitude: 0, window: 50, since: '1970-01-01', until: '2100-01-01', branch, postgres: {} };
}

async function run(a: AnalyzeArgs): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await otavaAnalyze(a, { cwd: dir, env: {}, out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('otava postgres tests', () => {
  it.each(['log', 'regressions_only'] as const)('print what Otava printed for the same rows from CSV (--output %s)', async (output) => {
    const result = await run(args(output, 'main'));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(root, `otava-cli/upstream_sample.${output === 'log' ? 'log.txt' : 'regressions.txt'}`), 'utf8'));
  });

  it('write times as Python floats in JSON, as Otava does for timestamps from PostgreSQL', async () => {
    const result = await run(args('json', 'main'));
    const csvJson = readFileSync(join(root, 'otava-cli/upstream_sample.json'), 'utf8');
    expect(result.stdout).toBe(csvJson.replaceAll('"time": 1704592800', '"time": 1704592800.0'));
  });

  it('bind the branch as a parameter: a quote in it selects nothing and runs no SQL of its own', async () => {
    const result = await run(args('log', "main' OR '1'='1"));
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').length).toBe(3); // header, dashes, no rows
  });

  it('refuse a %{BRANCH} query without --branch, naming the test', async () => {
    const result = await run(args('log'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/test upstream_sample: .*%\{BRANCH\}.*--branch/);
    expect(result.stdout).toBe('');
  });
});
