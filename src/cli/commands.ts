import type { Command } from 'commander';
import { registerDb } from './db.js';
import { registerDemo } from './demo.js';
import { registerIngest } from './ingest.js';
import { registerRuns } from './runs.js';
import { registerServe } from './serve.js';
import { registerToken } from './token.js';
import { registerDetect } from './detect.js';

/** Every command of the CLI, one module each. Order is the order of `perfhound --help`. */
export function registerCommands(program: Command): void {
  registerDemo(program);
  registerIngest(program);
  registerRuns(program);
  registerDetect(program);
  registerServe(program);
  registerToken(program);
  registerDb(program);
}
