// Bundles the CLI (src/, TypeScript) into dist/cli/ with esbuild: run by `npm run build` (and so by
// `npm install`'s prepare). An Orion CI job is a short process, so start-up is most of its cost: one
// module per source file plus the dependencies' own hundreds of files (the OpenSearch client alone is
// ~600) cost a 0.1 s analysis three times that in module loading. Bundled, a command loads a few files.
//
// - Entries: `entry.js` (what bin/perfhound.js runs: `--version` without loading anything else) and
//   `worker.js` (the analysis worker thread, found beside the chunk that starts it: src/analyze/parallel.ts).
// - Code splitting (`import()` stays a split point): each command, the OpenSearch client, the daemon
//   are chunks loaded only when a run needs them, as src/cli/commands.ts and src/sources/index.ts ask.
// - Every file lands in dist/cli/, two levels below the package root as src/<folder>/ is, so paths
//   computed from import.meta.url (src/util/package-root.ts) hold in both.
// - Native modules, and packages that load their own files at run time (pino's transports, fastify's
//   plugins), stay external: imported from node_modules as before.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'cli');

/** Loaded from node_modules at run time, never bundled. */
export const EXTERNAL = [
  // native (built by npm install) or with optional native parts
  'better-sqlite3', 'ssh2', 'cpu-features', 'pg',
  // database drivers and the daemon's stack: loaded only by the commands that need them
  'mysql2', 'fastify', '@fastify/*', 'pino', 'nodemailer',
  // the daemon's schema compilers import their own dependencies (ajv, ajv-formats, @fastify/error, …),
  // which only an installed copy brings along: bundled, those imports would name undeclared packages
  'fast-json-stringify', 'fastify-type-provider-zod',
];

// Bundled CommonJS packages call require(), which ES modules lack: every chunk makes one (esbuild's own
// helper looks for it by that name, so an injected import would not do).
const REQUIRE_BANNER = "import { createRequire as __perfhoundCreateRequire } from 'node:module'; const require = __perfhoundCreateRequire(import.meta.url);";

/**
 * zod's `locales` namespace (its messages in 48 languages, ~250 KB) is re-exported from `zod` and so kept
 * whole in the bundle, though only English is used (zod imports that one directly): the namespace is
 * bundled empty. perfhound never switches zod's locale; its messages are its own.
 */
const zodWithoutLocales = {
  name: 'zod-without-locales',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales', namespace: 'zod-without-locales' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'zod-without-locales' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * Refuses `import('pkg')` of a bundled package: for a CommonJS one (yaml, commander) the bundle's chunk
 * exports only `default`, so `const { parse } = await import('yaml')` would find nothing at run time
 * (Node's own loader gives the named exports, so the sources and their tests would not notice).
 */
const noDynamicImportOfBundledPackages = {
  name: 'no-dynamic-import-of-bundled-packages',
  setup(b) {
    const external = (path) => EXTERNAL.some((e) => (e.endsWith('/*') ? path.startsWith(e.slice(0, -1)) : path === e || path.startsWith(`${e}/`)));
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind !== 'dynamic-import' || args.path.startsWith('node:') || external(args.path)) return undefined;
      return { errors: [{ text: `import('${args.path}') of a bundled package: import it statically (the bundle's chunk would export only its default)` }] };
    });
  },
};

/** Builds dist/cli/; returns esbuild's metafile. */
export async function buildCli() {
  // A previous build (or the old per-file tsc output in dist/) must not linger beside the new chunks.
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const result = await build({
    entryPoints: { entry: join(root, 'src/cli/entry.ts'), worker: join(root, 'src/analyze/worker.ts') },
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    banner: { js: REQUIRE_BANNER },
    // Less text to parse at every start; names are kept, so --debug stack traces still read.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    sourcesContent: false,
    plugins: [zodWithoutLocales, noDynamicImportOfBundledPackages],
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildCli();
