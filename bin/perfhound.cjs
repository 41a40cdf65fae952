#!/bin/sh
":" /*
# Read by sh first (the installed command's shebang), then by Node: this file is both a POSIX shell
# script and a CommonJS module. To sh, the line above runs `:` (its arguments ignored) and this block is
# shell; to Node, that line is a directive and this block a comment.
#
# A bare `--version` (or `-V`) is answered here from package.json, without starting Node: Node alone takes
# longer than an Orion CI job's `perfhound --version` should. The version line is read with shell
# built-ins; should package.json not hold it as npm writes it, Node answers below. Anything else runs
# this same file with Node at once (`exec`: the launcher costs one sh start, no other process), which
# honours NODE_OPTIONS as ever. npm links the command to this file (a symlink, followed here by readlink
# to find package.json). Windows is no target: npm's shim there would need an sh (Git for Windows has
# one); `node bin/perfhound.cjs` runs the CLI anywhere. No star followed by a slash in these shell lines:
# it would end Node's comment.
if [ $# = 1 ] && { [ "$1" = --version ] || [ "$1" = -V ]; }; then
  self=$0
  while [ -L "$self" ]; do
    link=$(readlink "$self") || break
    case $link in /*) self=$link ;; *) self=${self%/*}/$link ;; esac
  done
  case $self in *[/]*) ;; *) self=./$self ;; esac
  if [ -r "${self%/*}/../package.json" ]; then
    while IFS= read -r line; do
      case $line in '  "version": "'*) version=${line#*: \"}; printf '%s\n' "${version%%\"*}"; exit 0 ;; esac
    done < "${self%/*}/../package.json"
  fi
fi
exec node "$0" "$@"
*/
// The CLI: runs the bundle (dist/cli/entry.cjs, built by `npm run build`, which npm install runs through
// the `prepare` script).
//
// An Orion CI job is a short process run many times a day, so start-up is most of its cost, and compiling
// the bundle was a fifth of an analysis' time. Node 20 keeps no compiled code between runs (22's
// module.enableCompileCache does), so the bundle is compiled here through node:vm with V8's code cache:
// - `dist/cli/entry.cjs.v8cache`, written by the build (scripts/build-cli.mjs runs the demo once), serves
//   a fresh machine — a CI container runs the command once — when it runs the Node that built it.
//   `analyze`, the command a CI job runs, has its own (`entry.cjs.analyze.v8cache`, written by an analysis
//   over the demo's store): V8 reads every function a cache holds, so one holding what the demo compiled
//   (ingest, tables) cost an analysis more than it saved (~7 ms over SQLite, ~4 ms over OpenSearch).
// - Otherwise (another Node, or V8 refused it) each user keeps their own in `$XDG_CACHE_HOME/perfhound`,
//   else `~/.cache/perfhound` (the folder made 0700, files 0600), never in a shared folder: compiled code
//   read from a file is code run. Its name holds the bundle's size, modification time and inode, Node's
//   version and the package's: V8 itself checks only the source's length, so a rebuilt bundle must never
//   meet an older cache. It is written at exit, with every function the run compiled.
// - `PERFHOUND_CODE_CACHE=off` compiles without either. A cache that cannot be read or written (no home,
//   a read-only disk) costs the compile, never the run.
// - A bare `--version` run through Node (`node bin/perfhound.cjs --version`) is answered before the bundle
//   is read at all.
// CommonJS, not an ES module: Node loads a CommonJS main without starting its ES module loader.
'use strict';
const { closeSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } = require('node:fs');
const { createRequire } = require('node:module');
const { homedir } = require('node:os');
const { basename, dirname, join } = require('node:path');
const vm = require('node:vm');

const root = join(__dirname, '..');
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
  // A named cache file is used alone: the build writes each shipped cache through one.
  const cachedData = off ? undefined : ((cache && readIfThere(join(cache.dir, cache.name))) ?? (cache?.named ? undefined : shippedCache(bundle)));
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
  if (cache && (!cachedData || script.cachedDataRejected)) process.once('exit', () => writeCache(cache, script));
  const cli = { exports: {} };
  script.runInThisContext()(cli.exports, createRequire(bundle), cli, bundle, join(root, 'dist', 'cli'));
  cli.exports.main(process.argv).catch((err) => {
    console.error(`perfhound: ${err && err.message ? err.message : err}`);
    process.exit(1);
  });
}

/** The build's compiled code for the command being run (the first argument not an option), else its general one. */
function shippedCache(bundle) {
  const command = args.find((a) => !a.startsWith('-'));
  return (command && /^[a-z-]+$/.test(command) && readIfThere(`${bundle}.${command}.v8cache`)) || readIfThere(`${bundle}.v8cache`);
}

/**
 * Where this user keeps this build's compiled code for this Node, or undefined when there is no such
 * place. `PERFHOUND_CODE_CACHE_FILE` names the file instead, and no shipped cache is read (the build
 * writes each shipped cache through it).
 */
function userCache(bundle) {
  const named = process.env.PERFHOUND_CODE_CACHE_FILE;
  if (named) return { dir: dirname(named), prefix: undefined, name: basename(named), named: true };
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
