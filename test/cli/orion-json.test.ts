/**
 * `analyze -o json` prints what Orion prints: each test's bare JSON array (indent 2), rows with Orion's
 * `prs` key, so Orion's CI check `jq '.[] | select(.is_changepoint)'` works on stdout unchanged.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const CSV = 'test/fixtures/analyze/otava-layout.csv';
const CONFIG = 'test/fixtures/analyze/csv-config.yaml';

function analyze(extra: string[]): ReturnType<typeof runCli> {
  const dir = mkdtempSync(join(tmpdir(), 'orion-json-'));
  return runCli(['analyze', '--source', 'csv', '--csv', CSV, '--config', CONFIG, '--hunter-analyze', '--save-output-path', join(dir, 'output.txt'), '--save-data-path', join(dir, 'data.csv'), ...extra]);
}

describe('analyze -o json on stdout', () => {
  it("is the test's bare array, with prs [] on every row, and jq's select(.is_changepoint) works on it", async () => {
    const r = await analyze(['-o', 'json']);
    expect(r.code).toBe(2);
    const rows = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(Array.isArray(rows)).toBe(true);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.prs).toEqual([]);
    // Orion's key order: prs right after the version field, before the display fields.
    const keys = Object.keys(rows[0]);
    expect(keys.indexOf('prs')).toBe(keys.indexOf('version') + 1);
    expect(r.stdout.startsWith('[\n  {\n    "uuid"')).toBe(true);
    const selected = execFileSync('jq', ['-c', '.[] | select(.is_changepoint) | .uuid'], { input: r.stdout }).toString().trim().split('\n');
    expect(selected).toEqual(rows.filter((row) => row.is_changepoint).map((row) => JSON.stringify(row.uuid)));
  });
});
