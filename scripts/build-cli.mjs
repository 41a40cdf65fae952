// Bundles the CLI (src/, TypeScript) into dist/cli/ with esbuild: run by `npm run build` (and so by
// `npm install`'s prepare). An Orion CI job is a short process, so start-up is most of its cost: one
// module per source file plus the dependencies' own hundreds of files (the OpenSearch client alone is
// ~600) cost a 0.1 s analysis three times that in module loading. Bundled, a command loads one file.
//
// - Four bundles: `entry.cjs` (the CLI, what bin/perfhound.cjs runs), `worker.cjs` (the analysis worker
//   thread, found beside the bundle that starts it: src/analyze/parallel.ts), `ingest-writer.cjs` (an
//   ingest's SQLite writer thread: src/ingest/set-writer-thread.ts) and `ingest-parser.cjs` (a bulk
//   ingest's parse threads: src/ingest/bulk-parse-threads.ts).
// - CommonJS, one file each: bin/perfhound.cjs compiles the bundle through node:vm with V8's code cache
//   (Node 20 caches no compiled code of its own, and compiling was a fifth of an analysis' time), and only
//   a classic script can be compiled that way — an ES module cannot, without experimental flags.
// - `import()` stays lazy: esbuild turns each into a `require()` of a module wrapped to be initialised on
//   first use, so a command, the OpenSearch client, the daemon are evaluated only when a run needs them.
// - All four land in dist/cli/, two levels below the package root as src/<folder>/ is, so paths computed
//   from import.meta.url (src/util/package-root.ts) hold in both.
// - Native modules, and packages that load their own files at run time (pino's transports, fastify's
//   plugins), stay external: required from node_modules as before.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'cli');

/** Loaded from node_modules at run time, never bundled. */
export const EXTERNAL = [
  // native (built by npm install) or with optional native parts; better-sqlite3's JavaScript is bundled,
  // its addon is loaded from the installed package (src/store/sqlite-addon.ts)
  'ssh2', 'cpu-features', 'pg',
  // database drivers and the daemon's stack: loaded only by the commands that need them
  'mysql2', 'fastify', '@fastify/*', 'pino', 'nodemailer',
  // the daemon's schema compilers import their own dependencies (ajv, ajv-formats, @fastify/error, …),
  // which only an installed copy brings along: bundled, those imports would name undeclared packages
  'fast-json-stringify', 'fastify-type-provider-zod',
];


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
 * better-sqlite3 finds its addon through the `bindings` package, which searches the folders above the
 * calling file (here the bundle, not better-sqlite3) and reads a dozen paths: perfhound hands it the addon
 * instead (src/store/sqlite-addon.ts), so `bindings` is never called and is bundled as a refusal.
 */
const noBindings = {
  name: 'no-bindings',
  setup(b) {
    b.onResolve({ filter: /^bindings$/ }, (args) =>
      /[\\/]better-sqlite3[\\/]/.test(args.importer) ? { path: 'bindings', namespace: 'no-bindings' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'no-bindings' }, () => ({
      contents: "module.exports = () => { throw new Error('better-sqlite3 was not given its addon (src/store/sqlite-addon.ts)'); };",
      loader: 'js',
    }));
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
  // A previous build (or an older layout of dist/) must not linger beside the new bundles.
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  const result = await build({
    entryPoints: { entry: join(root, 'src/cli/entry.ts'), worker: join(root, 'src/analyze/worker.ts'), 'ingest-writer': join(root, 'src/ingest/set-writer-worker.ts'),
      'ingest-parser': join(root, 'src/ingest/bulk-parse-worker.ts') },
    outdir: out,
    outExtension: { '.js': '.cjs' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    // import() becomes a lazy require() (see above): Node would refuse import() in a node:vm script.
    supported: { 'dynamic-import': false },
    // CommonJS has no import.meta: the bundle's own URL, from the __filename its loader passes.
    define: { 'import.meta.url': '__perfhoundModuleUrl' },
    banner: { js: "const __perfhoundModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    // Less text to parse at every start; names are kept, so --debug stack traces still read.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    sourcesContent: false,
    plugins: [zodWithoutLocales, noBindings, noDynamicImportOfBundledPackages],
    metafile: true,
    logLevel: 'warning',
  });
  for (const bundle of ['entry.cjs', 'worker.cjs', 'ingest-writer.cjs', 'ingest-parser.cjs']) assertAscii(join(out, bundle));
  writeShippedCodeCache();
  return result.metafile;
}

/**
 * bin/perfhound.cjs reads the bundle as Latin-1, a one-byte string that costs a third of decoding UTF-8
 * (and half the memory of the two-byte string one non-ASCII character makes): the same text only while
 * the bundle is ASCII. esbuild escapes strings, not regular expression literals or template literals.
 */
function assertAscii(file) {
  const bytes = readFileSync(file);
  const at = bytes.findIndex((b) => b > 0x7f);
  if (at >= 0) {
    const near = bytes.subarray(Math.max(0, at - 60), at + 20).toString('utf8');
    throw new Error(`${file}: non-ASCII text in the bundle near ${JSON.stringify(near)}: write it as a \\u escape in the source`);
  }
}

/**
 * `dist/cli/entry.cjs.v8cache`: the bundle's compiled code, for a fresh machine's first run (see
 * bin/perfhound.cjs). Written by running the demo (ingest, analysis, the store, the tables) once, in a
 * temporary folder, so the cache holds the functions a typical command compiles. `analyze`, which a CI job
 * runs, gets its own, written by an analysis of the demo's store: only the functions an analysis compiles.
 */
function writeShippedCodeCache() {
  const work = mkdtempSync(join(tmpdir(), 'perfhound-build-'));
  const db = `sqlite:${join(work, 'demo.db')}`;
  const config = join(root, 'data', 'demo', 'config.yaml');
  const runs = [
    { cache: 'entry.cjs.v8cache', args: ['demo', '--db', db] },
    {
      cache: 'entry.cjs.analyze.v8cache',
      args: ['analyze', '--hunter-analyze', '--config', config, '--metadata-index', 'perf_scale_ci*', '--benchmark-index', 'ripsaw-kube-burner*', '--db', db,
        '--save-output-path', join(work, 'output.txt'), '--save-data-path', join(work, 'data.csv')],
      // Regressions found: exit 2.
      exit: 2,
    },
  ];
  try {
    for (const run of runs) {
      const result = spawnSync(process.execPath, [join(root, 'bin', 'perfhound.cjs'), ...run.args], {
        cwd: work,
        env: { ...process.env, PERFHOUND_CODE_CACHE_FILE: join(out, run.cache), PERFHOUND_CODE_CACHE: '' },
        encoding: 'utf8',
      });
      if (result.status !== (run.exit ?? 0)) throw new Error(`the ${run.args[0]} run that writes ${run.cache} failed (exit ${result.status}): ${result.stderr.slice(-2000)}`);
      // Readable by every user of a shared install (bin/perfhound.cjs writes per-user caches 0600).
      chmodSync(join(out, run.cache), 0o644);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildCli();
