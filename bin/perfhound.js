#!/usr/bin/env node
// The installed command: runs the bundled CLI (dist/cli/, built by `npm run build`, which npm install
// runs through the `prepare` script). Node 22+ keeps the compiled code of the bundle between runs
// (module.enableCompileCache); Node 20 has no such cache, and the call is skipped there.
import module from 'node:module';

module.enableCompileCache?.();
import('../dist/cli/entry.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(`perfhound: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
