/**
 * better-sqlite3, opened with its native addon found here rather than by the `bindings` package.
 *
 * Why: the CLI bundle (scripts/build-cli.mjs) holds better-sqlite3's JavaScript, so it is compiled from the
 * bundle's code cache instead of a dozen files read, resolved and compiled from node_modules at every
 * start (~10 ms of an analysis over SQLite); the addon stays in the installed package, where npm built or
 * fetched it. `bindings` could not find it from the bundle (it searches above the calling file), and
 * probes a dozen paths where node-gyp and prebuild-install write one: `build/Release` (`build/Debug` for a
 * debug build). Imported through `import()` (sqlite.ts): only a SQLite store loads it.
 */
import BetterSqlite from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let addon: object | undefined;

/** The addon, loaded once; a missing one is an error that says where it was looked for. */
function nativeAddon(): object {
  if (addon) return addon;
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('better-sqlite3/package.json'));
  const candidates = ['Release', 'Debug'].map((build) => join(root, 'build', build, 'better_sqlite3.node'));
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`better-sqlite3's native addon is missing (looked for ${candidates.join(', ')}): run npm rebuild better-sqlite3`);
  addon = require(found) as object;
  return addon;
}

export function openBetterSqlite(path: string): BetterSqlite.Database {
  return new BetterSqlite(path, { nativeBinding: nativeAddon() as never });
}

export type { Database } from 'better-sqlite3';
