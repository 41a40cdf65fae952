/**
 * bin/perfhound.cjs compiles the CLI bundle with V8's code cache: the one the build ships beside the
 * bundle, else the user's own (written at exit, 0600 in a 0700 folder). Whatever the cache holds — none,
 * the shipped one, a user's, garbage, an unwritable place — the command must answer exactly as without it.
 * Runs the built command (`npm run build`; `npm run test:all` builds first).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve('.');
const BUNDLE = join(ROOT, 'dist/cli/entry.cjs');
const work = mkdtempSync(join(tmpdir(), 'perfhound-code-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `perfhound --help` with `env` added; `nodeFlags` change V8's flags, which makes V8 refuse a cache made without them. */
function help(env: Record<string, string>, nodeFlags: string[] = []): { stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [...nodeFlags, join(ROOT, 'bin/perfhound.cjs'), '--help'], { encoding: 'utf8', env: { ...process.env, ...env } });
  expect(result.status, result.stderr).toBe(0);
  return { stdout: result.stdout, stderr: result.stderr };
}

const expected = () => help({ PERFHOUND_CODE_CACHE: 'off' }).stdout;

function userCaches(home: string): string[] {
  const dir = join(home, 'perfhound');
  return existsSync(dir) ? readdirSync(dir).map((name) => join(dir, name)) : [];
}

describe('the code cache of the installed command', () => {
  it('ships one beside the bundle, which a run of the same Node uses without writing its own', () => {
    expect(existsSync(BUNDLE), 'dist/ is missing: run npm run build').toBe(true);
    expect(statSync(`${BUNDLE}.v8cache`).size).toBeGreaterThan(100_000);
    const home = join(work, 'shipped');
    const run = help({ XDG_CACHE_HOME: home });
    expect(run).toEqual({ stdout: expected(), stderr: '' });
    expect(userCaches(home)).toEqual([]);
  });

  it("writes the user's own when V8 refuses the shipped one, private to the user, and reuses it", () => {
    const home = join(work, 'refused');
    expect(help({ XDG_CACHE_HOME: home }, ['--no-opt'])).toEqual({ stdout: expected(), stderr: '' });
    const [cache, ...more] = userCaches(home);
    expect(more).toEqual([]);
    expect(cache).toMatch(/cli-[\d.]+-nodev[\d.]+-\w+-\d+-\d+-\d+\.v8cache$/);
    expect(statSync(cache!).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'perfhound')).mode & 0o777).toBe(0o700);
    const written = statSync(cache!);
    // Accepted the second time: not written again.
    expect(help({ XDG_CACHE_HOME: home }, ['--no-opt']).stdout).toBe(expected());
    expect(statSync(cache!).mtimeMs).toBe(written.mtimeMs);
    expect(statSync(cache!).ino).toBe(written.ino);
  });

  it('answers the same from a damaged cache, and replaces it', () => {
    const home = join(work, 'damaged');
    help({ XDG_CACHE_HOME: home }, ['--no-opt']);
    const [cache] = userCaches(home);
    const garbage = Buffer.alloc(statSync(cache!).size, 0x5a);
    writeFileSync(cache!, garbage);
    expect(help({ XDG_CACHE_HOME: home }, ['--no-opt'])).toEqual({ stdout: expected(), stderr: '' });
    expect(readFileSync(cache!).equals(garbage)).toBe(false);
  });

  it('runs when the cache cannot be written, and with caching off', () => {
    const notAFolder = join(work, 'file');
    writeFileSync(notAFolder, '');
    expect(help({ XDG_CACHE_HOME: notAFolder }, ['--no-opt'])).toEqual({ stdout: expected(), stderr: '' });
    const home = join(work, 'off');
    expect(help({ XDG_CACHE_HOME: home, PERFHOUND_CODE_CACHE: 'off' }, ['--no-opt']).stderr).toBe('');
    expect(userCaches(home)).toEqual([]);
  });

  it("serves analyze from its own shipped cache, the other commands from the general one", () => {
    expect(statSync(`${BUNDLE}.analyze.v8cache`).size).toBeGreaterThan(100_000);
    // A copy of the installed layout (dist/ is shared with other tests): its analyze cache made garbage.
    const copy = join(work, 'installed');
    mkdirSync(join(copy, 'bin'), { recursive: true });
    mkdirSync(join(copy, 'dist', 'cli'), { recursive: true });
    copyFileSync(join(ROOT, 'bin', 'perfhound.cjs'), join(copy, 'bin', 'perfhound.cjs'));
    copyFileSync(join(ROOT, 'package.json'), join(copy, 'package.json'));
    for (const f of ['entry.cjs', 'entry.cjs.v8cache']) copyFileSync(join(ROOT, 'dist', 'cli', f), join(copy, 'dist', 'cli', f));
    writeFileSync(join(copy, 'dist', 'cli', 'entry.cjs.analyze.v8cache'), Buffer.alloc(statSync(`${BUNDLE}.analyze.v8cache`).size, 0x5a));
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    const run = (home: string, args: string[]) => {
      const result = spawnSync(process.execPath, [join(copy, 'bin', 'perfhound.cjs'), ...args], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: home } });
      expect(result.status, result.stderr).toBe(0);
      return result.stdout;
    };
    // --help: the general cache, accepted: nothing written.
    const general = join(work, 'general');
    expect(run(general, ['--help'])).toBe(expected());
    expect(userCaches(general)).toEqual([]);
    // analyze: its own cache, refused here: the user's own written instead; the answer the same.
    const own = join(work, 'analyze');
    expect(run(own, ['analyze', '--help'])).toMatch(/^Usage: perfhound analyze/);
    expect(userCaches(own)).toHaveLength(1);
  });
});
