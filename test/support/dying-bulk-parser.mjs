// A parse thread of `ingest bulk` that answers two chunks and exits on its third (its chunks must then be
// read again in the calling thread: test/ingest/bulk-parse-threads.test.ts). Listening first, it exits
// before the real parser (the built bundle, loaded after) answers.
import { createRequire } from 'node:module';
import process from 'node:process';
import { parentPort } from 'node:worker_threads';

let chunks = 0;
parentPort.on('message', () => {
  if (++chunks === 3) process.exit(3);
});
createRequire(import.meta.url)('../../dist/cli/ingest-parser.cjs');
