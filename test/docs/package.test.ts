/**
 * The package people install, installed as they would: `npm pack` of the built tree (`npm run build`
 * first), then `npm install -g --prefix <temp> perfhound-<version>.tgz` — npm resolves the dependencies and
 * runs their install scripts, so the SQLite native module is built by this install, not borrowed from the
 * checkout — and `perfhound --version` and `perfhound demo` run from an unrelated folder with only that
 * prefix's bin on the PATH.
 *
 * The install tries npm's cache alone first (`--offline`: a machine that installed the project before
 * needs no network), then lets npm fetch what the cache lacks (`--prefer-offline`: CI reaches the
 * registry). Building better-sqlite3 from source, where no prebuilt binary can be fetched, takes minutes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO } from './markdown.js';

interface PackageJson {
  name: string;
  version: string;
  bin: Record<string, string>;
  files: string[];
  dependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
}

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as PackageJson;
const work = mkdtempSync(join(tmpdir(), 'perfhound-pack-'));
const prefix = join(work, 'prefix');
const installed = join(prefix, 'lib', 'node_modules', pkg.name);
let files: string[] = [];

/** The environment without what `npm test` hands its scripts (npm_config_prefix and the like). */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  delete env.PERFHOUND_DB;
  return { ...env, ...extra };
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsFiles(path) : /\.c?js$/.test(path) ? [path] : [];
  });
}

/** The package a bare import specifier names: `pg`, `@fastify/static`, `kysely` of `kysely/helpers`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/**
 * Bare specifiers the bundle loads at run time: `from"x"`, `import"x"`, `import("x")`, and the
 * `require("x")`/`__require("x")` of bundled CommonJS code (the bundle is minified: no line anchors).
 */
const IMPORTS = /(?:\bfrom|\bimport|\brequire|__require)\s*\(?\s*['"]((?:@[\w.-]+\/)?\w[\w.-]*(?:\/[\w./-]+)?)['"]/g;

/** `npm install -g` of the tarball into the prefix: from the cache alone if it can, else online. */
function installGlobally(tarball: string): void {
  const scripts = Object.keys(pkg.allowScripts).join(',');
  const install = (mode: string) =>
    spawnSync('npm', ['install', '-g', '--prefix', prefix, mode, '--no-audit', '--no-fund', `--allow-scripts=${scripts}`, tarball], { cwd: work, env: cleanEnv(), encoding: 'utf8' });
  let result = install('--offline');
  if (result.status !== 0 && /ENOTCACHED/.test(result.stderr)) result = install('--prefer-offline');
  expect(result.status, `npm install -g failed:\n${result.stderr.slice(-3000)}`).toBe(0);
}

describe('the npm package, installed globally', () => {
  beforeAll(() => {
    expect(existsSync(join(REPO, 'dist', 'cli', 'entry.cjs')), 'run npm run build first').toBe(true);
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work, REPO], { cwd: work, env: cleanEnv(), encoding: 'utf8' });
    const [packed] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = packed!.files.map((f) => f.path);
    installGlobally(join(work, packed!.filename));
  }, 20 * 60_000);

  it('holds the bin, the bundled CLI, the demo data and the guides, and no tests or sources', () => {
    expect(pkg.bin).toEqual({ perfhound: 'bin/perfhound.cjs' });
    for (const f of ['package.json', 'README.md', 'bin/perfhound.cjs', 'dist/cli/entry.cjs', 'dist/cli/worker.cjs', 'dist/cli/ingest-writer.cjs', 'data/demo/config.yaml', 'docs/operations.md', 'docs/schema.md']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /\.test\.js$|^src\/|^test\//.test(f))).toEqual([]);
    // sh answers --version, Node runs the rest (test/cli/launcher.test.ts).
    expect(readFileSync(join(installed, 'bin', 'perfhound.cjs'), 'utf8').startsWith('#!/bin/sh\n')).toBe(true);
  });

  it('loads at run time only Node built-ins and its dependencies, each installed', () => {
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    const found = new Set<string>();
    for (const file of jsFiles(join(installed, 'dist'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(IMPORTS)) {
        const specifier = m[1]!;
        if (specifier.startsWith('node:') || builtins.has(specifier)) continue;
        const name = packageOf(specifier);
        found.add(name);
        if (!(name in pkg.dependencies)) missing.add(`${name} (${file.slice(installed.length + 1)})`);
      }
    }
    expect([...missing]).toEqual([]);
    // The native and daemon packages stay outside the bundle (scripts/build-cli.mjs): npm installs them.
    for (const name of ['pg', 'mysql2', 'fastify', 'ssh2']) {
      expect(found, name).toContain(name);
      expect(existsSync(join(installed, 'node_modules', name, 'package.json')), `${name} installed`).toBe(true);
    }
    // better-sqlite3's JavaScript is bundled; its addon is loaded from the installed package, found through
    // its package.json (src/store/sqlite-addon.ts; the demo below runs on it).
    expect(readFileSync(join(installed, 'dist', 'cli', 'entry.cjs'), 'utf8')).toContain('"better-sqlite3/package.json"');
    expect(existsSync(join(installed, 'node_modules', 'better-sqlite3', 'package.json')), 'better-sqlite3 installed').toBe(true);
  });

  it('built the SQLite native module during the install', () => {
    const release = join(installed, 'node_modules', 'better-sqlite3', 'build', 'Release');
    expect(readdirSync(release)).toContain('better_sqlite3.node');
  });

  it('runs from any folder with only the installed bin on the PATH: --version and demo', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'perfhound-elsewhere-'));
    const env = cleanEnv({ PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}` });
    const version = spawnSync('perfhound', ['--version'], { cwd, env, encoding: 'utf8' });
    expect(version.stderr).toBe('');
    expect(version.stdout.trim()).toBe(pkg.version);
    const demo = spawnSync('perfhound', ['demo'], { cwd, env, encoding: 'utf8', timeout: 180_000 });
    expect(demo.status, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/[1-9]\d* regression\(s\) in 3 tests/);
    // The demo config comes from the installed package, the database goes to the working folder.
    expect(demo.stdout).toContain(join(installed, 'data', 'demo', 'config.yaml'));
    expect(existsSync(join(cwd, 'perfhound.db'))).toBe(true);
  }, 200_000);
});

describe('the README Quick start', () => {
  it('is two commands: install, link and run the installed perfhound on the demo; then the whole test suite', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const block = /## Quick start\n\n```sh\n([\s\S]*?)\n```/.exec(readme)?.[1];
    const commands = (block ?? '').split('\n').map((l) => l.replace(/\s+#.*$/, '').trim());
    expect(commands).toHaveLength(2);
    expect(commands[0]).toMatch(/^npm install && npm (link|install -g \.) && perfhound demo$/);
    expect(commands[1]).toBe('npm run test:all');
  });
});
