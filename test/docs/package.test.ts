/**
 * The package people install: `npm pack` (of the built tree: `npm run build` first) gives a tarball that
 * holds everything the `perfhound` bin needs, and whose runtime imports are all `dependencies`.
 *
 * A real `npm install -g perfhound-<version>.tgz` needs the registry for the dependencies (this machine's
 * npm cache does not hold them, and tests must not reach the network), so the install is reproduced as npm
 * lays it out: the tarball unpacked into `<prefix>/lib/node_modules/perfhound`, its dependencies beside it
 * (the project's installed node_modules, linked), the bin linked as `<prefix>/bin/perfhound` — then
 * `perfhound --version` and `perfhound demo` run from an unrelated folder with only that bin on the PATH.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
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
}

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as PackageJson;
const work = mkdtempSync(join(tmpdir(), 'perfhound-pack-'));
const prefix = join(work, 'prefix');
const installed = join(prefix, 'lib', 'node_modules', pkg.name);
let files: string[] = [];

function jsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? jsFiles(path) : path.endsWith('.js') ? [path] : [];
  });
}

/** The package a bare import specifier names: `pg`, `@fastify/static`, `kysely` of `kysely/helpers`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Static imports/re-exports, side-effect imports, and import()/require() of a literal. */
const IMPORTS = /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]|\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/gm;

describe('the npm package', () => {
  beforeAll(() => {
    expect(existsSync(join(REPO, 'dist', 'cli', 'main.js')), 'run npm run build first').toBe(true);
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work, REPO], { cwd: work, encoding: 'utf8' });
    const [packed] = JSON.parse(out) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = packed!.files.map((f) => f.path);
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(work, packed!.filename), '-C', installed, '--strip-components=1']);
    symlinkSync(join(REPO, 'node_modules'), join(installed, 'node_modules'));
    mkdirSync(join(prefix, 'bin'));
    symlinkSync(join('..', 'lib', 'node_modules', pkg.name, pkg.bin.perfhound!), join(prefix, 'bin', 'perfhound'));
  }, 120_000);

  it('holds the bin, the compiled CLI, the demo data and the guides, and no tests or sources', () => {
    expect(pkg.bin).toEqual({ perfhound: 'bin/perfhound.js' });
    for (const f of ['package.json', 'README.md', 'bin/perfhound.js', 'dist/cli/main.js', 'dist/cli/demo.js', 'data/demo/config.yaml', 'docs/operations.md', 'docs/schema.md']) {
      expect(files, f).toContain(f);
    }
    expect(files.filter((f) => /\.test\.js$|^src\/|^test\//.test(f))).toEqual([]);
    expect(readFileSync(join(installed, 'bin', 'perfhound.js'), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('imports at run time only Node built-ins and its dependencies (not devDependencies)', () => {
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    const found = new Set<string>();
    for (const file of jsFiles(join(installed, 'dist'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORTS)) {
        const specifier = m[1] ?? m[2] ?? m[3]!;
        if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) continue;
        const name = packageOf(specifier);
        found.add(name);
        if (!(name in pkg.dependencies)) missing.add(`${name} (${file.slice(installed.length + 1)})`);
      }
    }
    expect([...missing]).toEqual([]);
    for (const name of ['kysely', 'better-sqlite3', 'commander', 'pg', 'fastify']) expect(found, name).toContain(name);
  });

  it('runs from any folder with only the installed bin on the PATH: --version and demo', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'perfhound-elsewhere-'));
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH ?? ''}` };
    delete env.PERFHOUND_DB;
    const version = spawnSync('perfhound', ['--version'], { cwd, env, encoding: 'utf8' });
    expect(version.stderr).toBe('');
    expect(version.stdout.trim()).toBe(pkg.version);
    const demo = spawnSync('perfhound', ['demo'], { cwd, env, encoding: 'utf8', timeout: 180_000 });
    expect(demo.status, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/[1-9]\d* regression\(s\) in 3 tests/);
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
