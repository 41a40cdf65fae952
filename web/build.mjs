// Bundles the dashboard (web/src, TypeScript + uPlot) into web/dist/ with esbuild: no CDN, works offline.
// Run by `npm run build` (and so by `npm install`'s prepare); `node web/build.mjs` alone rebuilds it.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');

/** Builds the bundle; returns esbuild's metafile (the bench reads the sizes from it). */
export async function buildDashboard() {
  mkdirSync(out, { recursive: true });
  const result = await build({
    entryPoints: { app: join(here, 'src', 'main.ts'), style: join(here, 'src', 'style.css') },
    outdir: out,
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  copyFileSync(join(here, 'index.html'), join(out, 'index.html'));
  return result.metafile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildDashboard();
