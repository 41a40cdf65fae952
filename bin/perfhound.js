#!/usr/bin/env node
// The installed command: runs the compiled CLI (npm install builds it through the `prepare` script).
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(`perfhound: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
