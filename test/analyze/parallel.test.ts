/**
 * Tests analysed on worker threads (src/analyze/parallel.ts): the pool's arithmetic and error transport
 * in-process, and — through the built CLI in `dist/`, since workers run compiled JavaScript — the same
 * output, exit code and recorded regressions with `--jobs 3` as with `--jobs 1`.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { config as benchConfig, writeBulk } from '../../bench/analyze.js';
import { analyzeInWorkers, jobsFor, MAX_JOBS } from '../../src/analyze/parallel.js';
import { reviveError, serializeError } from '../../src/util/thread-errors.js';
import { openStore } from '../../src/store/connect.js';
import { NotFoundError, UserError } from '../../src/util/errors.js';
import { filesFlags } from '../support/analyze-flags.js';
import { jsonValues } from '../support/json-stream.js';

const run = promisify(execFile);
const ROOT = resolve('.');
const dir = mkdtempSync(join(tmpdir(), 'perfhound-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('worker pool', () => {
  it('sizes the pool by cores, tests and the cap, and takes a number as given up to the test count', () => {
    expect(jobsFor('auto', 100)).toBe(Math.min(availableParallelism(), MAX_JOBS));
    expect(jobsFor('auto', 1)).toBe(1);
    expect(jobsFor(3, 10)).toBe(3);
    expect(jobsFor(8, 2)).toBe(2);
    expect(jobsFor(0, 5)).toBe(1);
  });

  it('carries a UserError across threads with its place, status and class', () => {
    const original = new NotFoundError('no run with uuid x', { field: '--uuid', test: 't1' });
    const revived = reviveError(structuredClone(serializeError(original)));
    expect(revived).toBeInstanceOf(NotFoundError);
    expect(revived.message).toBe(original.message);
    expect((revived as UserError).place).toEqual(original.place);
    const plain = reviveError(serializeError(new TypeError('boom')));
    expect(plain).not.toBeInstanceOf(UserError);
    expect(plain.message).toBe('boom');
  });

  it('stays in this thread for one job, and from TypeScript sources (no compiled worker)', () => {
    expect(analyzeInWorkers(1, { db: 'sqlite::memory:' })).toBeUndefined();
    expect(import.meta.url.endsWith('.ts')).toBe(true);
    expect(analyzeInWorkers(2, { db: 'sqlite::memory:' })).toBeUndefined();
  });
});

describe('perfhound analyze --jobs (built CLI)', () => {
  it('gives the same output, exit code and recorded regressions on 3 workers as in one thread', async () => {
    expect(existsSync(join(ROOT, 'dist/cli/worker.cjs')), 'dist/ is missing: run npm run build').toBe(true);
    const shape = { tests: 5, metrics: 4, runs: 30 };
    const bulk = join(dir, 'bulk.ndjson');
    const cfg = join(dir, 'config.yaml');
    await writeBulk(bulk, shape);
    writeFileSync(cfg, benchConfig(shape));
    const one = join(dir, 'one.db');
    const cli = join(ROOT, 'bin/perfhound.cjs');
    await run(process.execPath, [cli, 'ingest', 'bulk', bulk, '--db', `sqlite:${one}`]);
    const three = join(dir, 'three.db');
    copyFileSync(one, three);
    const analyze = async (db: string, jobs: string) => {
      const args = [cli, 'analyze', '--db', `sqlite:${db}`, '--config', cfg, '--metadata-index', 'perf_scale_ci*', '--benchmark-index', 'ripsaw-kube-burner*', '--node-count', 'true', '-o', 'json', '--jobs', jobs, '--hunter-analyze', ...filesFlags()];
      // Exit 2 (regressions found) rejects: its output is on the error.
      const failed = (await run(process.execPath, [...args, '--debug']).then(() => undefined, (e: unknown) => e)) as { code?: number; stdout?: string; stderr?: string } | undefined;
      return { code: failed?.code ?? 0, stdout: failed?.stdout ?? '', stderr: failed?.stderr ?? '' };
    };
    const single = await analyze(one, '1');
    const parallel = await analyze(three, '3');
    expect(single.code).toBe(2);
    expect(parallel.code).toBe(single.code);
    expect(single.stderr).not.toContain('worker threads');
    expect(parallel.stderr).toMatch(/"workers":3.*analysing tests on worker threads/);
    expect(jsonValues(single.stdout)).toHaveLength(5);
    expect(parallel.stdout).toBe(single.stdout);
    const recorded = async (db: string) => {
      const store = await openStore(`sqlite:${db}`);
      try {
        return await store.db.selectFrom('regressions').selectAll().orderBy('id').execute();
      } finally {
        await store.close();
      }
    };
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ id: _id, last_seen_ms: _l, first_seen_ms: _f, ...rest }) => rest);
    const singleRows = await recorded(one);
    expect(singleRows.length).toBeGreaterThan(0);
    expect(strip(await recorded(three))).toEqual(strip(singleRows));
  }, 120_000);
});
