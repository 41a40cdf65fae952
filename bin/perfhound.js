#!/usr/bin/env node
// The installed command: runs the CLI bundle (dist/cli/entry.cjs, built by `npm run build`, which npm
// install runs through the `prepare` script).
//
// An Orion CI job is a short process run many times a day, so start-up is most of its cost, and compiling
// the bundle was a fifth of an analysis' time. Node 20 keeps no compiled code between runs (22's
// module.enableCompileCache does), so the bundle is compiled here through node:vm with V8's code cache:
// - `dist/cli/entry.cjs.v8cache`, written by the build (scripts/build-cli.mjs runs the demo once), serves
//   a fresh machine — a CI container runs the command once — when it runs the Node that built it.
// - Otherwise (another Node, or V8 refused it) each user keeps their own in `$XDG_CACHE_HOME/perfhound`,
//   else `~/.cache/perfhound` (the folder made 0700, files 0600), never in a shared folder: compiled code
//   read from a file is code run. Its name holds the bundle's size, modification time and inode, Node's
//   version and the package's: V8 itself checks only the source's length, so a rebuilt bundle must never
//   meet an older cache. It is written at exit, with every function the run compiled.
// - `PERFHOUND_CODE_CACHE=off` compiles without either. A cache that cannot be read or written (no home,
//   a read-only disk) costs the compile, never the run.
// - A bare `--version` is answered before the bundle is read at all.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`);
} else {
  try {
    run();
  } catch (err) {
    console.error(`perfhound: ${err && err.message ? err.message : err}`);
    process.exit(1);
  }
}

function run() {
  const bundle = join(root, 'dist', 'cli', 'entry.cjs');
  // Latin-1: the build keeps the bundle ASCII, and a one-byte string reads three times faster than UTF-8.
  const source = readFileSync(bundle, 'latin1');
  const off = process.env.PERFHOUND_CODE_CACHE === 'off';
  const cache = off ? undefined : userCache(bundle);
  const cachedData = off ? undefined : ((cache && readIfThere(join(cache.dir, cache.name))) ?? readIfThere(`${bundle}.v8cache`));
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
  if (cache && (!cachedData || script.cachedDataRejected)) process.once('exit', () => writeCache(cache, script));
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, join(root, 'dist', 'cli'));
  module.exports.main(process.argv).catch((err) => {
    console.error(`perfhound: ${err && err.message ? err.message : err}`);
    process.exit(1);
  });
}

/**
 * Where this user keeps this build's compiled code for this Node, or undefined when there is no such
 * place. `PERFHOUND_CODE_CACHE_FILE` names the file instead (the build writes the
 * shipped cache through it).
 */
function userCache(bundle) {
  const named = process.env.PERFHOUND_CODE_CACHE_FILE;
  if (named) return { dir: dirname(named), prefix: undefined, name: basename(named) };
  try {
    const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    const { size, mtimeMs, ino } = statSync(bundle);
    const prefix = `cli-${version}-node${process.version}-${process.arch}-`;
    return { dir: join(base, 'perfhound'), prefix, name: `${prefix}${size}-${Math.round(mtimeMs)}-${ino}.v8cache` };
  } catch {
    return undefined;
  }
}

function readIfThere(file) {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the code compiled so far (at exit: with every function the run compiled), atomically. */
function writeCache(cache, script) {
  try {
    mkdirSync(cache.dir, { recursive: true, mode: 0o700 });
    const temp = join(cache.dir, `.${cache.name}.${process.pid}`);
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, script.createCachedData());
    } finally {
      closeSync(fd);
    }
    renameSync(temp, join(cache.dir, cache.name));
    // Earlier builds of this version on this Node are of no further use.
    for (const old of readdirSync(cache.dir)) {
      if (cache.prefix && old.startsWith(cache.prefix) && old !== cache.name) rmSync(join(cache.dir, old), { force: true });
    }
  } catch {
    // Only an optimisation: the next run compiles again.
  }
}
