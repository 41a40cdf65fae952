/**
 * Reading commands never create (and migrate) an empty ./perfhound.db: with no database they say so;
 * `export subunit <unknown id>` is one clear line, no stack trace (built CLI: the stream goes to the real stdout).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const BIN = resolve('bin/perfhound.cjs');
const CONFIG = resolve('test/fixtures/analyze/csv-config.yaml');
const home = process.cwd();
afterEach(() => process.chdir(home));

describe('reading commands without a database', () => {
  it('runs list, runs show, db status, analyze, tests, export: "no database", exit 1, nothing created', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'no-db-'));
    process.chdir(dir);
    const saved = process.env.PERFHOUND_DB;
    delete process.env.PERFHOUND_DB;
    try {
      for (const args of [
        ['runs', 'list'],
        ['runs', 'show', 'some-run'],
        ['db', 'status'],
        ['analyze', '--hunter-analyze', '--config', CONFIG],
        ['runs', 'list', '--db', 'sqlite:other/place.db'],
      ]) {
        const r = await runCli(args);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr, args.join(' ')).toMatch(/perfhound: (field --db: )?there is no database at sqlite:(\.\/perfhound\.db|other\/place\.db)/);
        expect(r.stderr).toContain('--db');
      }
      expect(readdirSync(dir)).toEqual([]);
      expect(existsSync(join(dir, 'perfhound.db'))).toBe(false);
    } finally {
      if (saved !== undefined) process.env.PERFHOUND_DB = saved;
    }
  });

  it('db migrate still creates it, and then the reading commands work', async () => {
    const db = `sqlite:${join(mkdtempSync(join(tmpdir(), 'migrate-')), 'p.db')}`;
    expect((await runCli(['db', 'migrate', '--db', db])).code).toBe(0);
    const r = await runCli(['runs', 'list', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(no runs)');
  });
});

describe('export subunit of an unknown run', () => {
  it('one clear line naming the id, exit 1, no stack trace, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'export-'));
    const db = `sqlite:${join(dir, 'p.db')}`;
    execFileSync(process.execPath, [BIN, 'db', 'migrate', '--db', db]);
    for (const out of [[], ['-o', join(dir, 'out.subunit')]]) {
      const r = spawnSync(process.execPath, [BIN, 'export', 'subunit', 'no-such-run', '--db', db, ...out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe('perfhound: field run: no run with id no-such-run');
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(dir, 'out.subunit'))).toBe(false);
  });
});
