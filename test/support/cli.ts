/**
 * Runs the perfhound CLI in-process and captures what it prints: quick enough for many test cases,
 * and it runs the TypeScript sources (no build needed).
 *
 * @example
 * const { code, stdout } = await runCli(['runs', 'list', '--db', url, '--output', 'json']);
 */
import { main } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let queue: Promise<unknown> = Promise.resolve();

export function runCli(args: string[]): Promise<CliResult> {
  // process.stdout and exitCode are global: one CLI run at a time within a test file.
  const run = queue.then(() => runNow(args));
  queue = run.catch(() => undefined);
  return run;
}

async function runNow(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);
  const consoleError = console.error;
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(chunk.toString()), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(chunk.toString()), true)) as typeof process.stderr.write;
  console.error = (...parts: unknown[]) => err.push(parts.map(String).join(' ') + '\n');
  process.exitCode = 0;
  try {
    await main(['node', 'perfhound', ...args]);
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    console.error = consoleError;
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { code, stdout: out.join(''), stderr: err.join('') };
}
