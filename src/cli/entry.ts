/**
 * What the installed command runs (bin/perfhound.js; scripts/build-cli.mjs bundles from here). A bare
 * `perfhound --version` is answered before anything else is loaded — commander, the commands — so it
 * costs little more than Node's own start; everything else goes to the CLI proper (main.ts), a chunk of
 * its own in the bundle, loaded here on demand.
 */
import { packageVersion } from './version.js';

export async function main(argv: string[]): Promise<void> {
  const args = argv.slice(2);
  if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  await (await import('./main.js')).main(argv);
}
