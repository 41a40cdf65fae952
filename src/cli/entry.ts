/**
 * What the installed command runs (bin/perfhound.cjs, which answers a bare `--version` itself;
 * scripts/build-cli.mjs bundles from here). The CLI proper (main.ts) is initialised on demand: in the
 * bundle it is evaluated only when this runs, not when the bundle is loaded.
 */
export async function main(argv: string[]): Promise<void> {
  await (await import('./main.js')).main(argv);
}
