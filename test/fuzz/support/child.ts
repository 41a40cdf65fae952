/**
 * Risky jobs in a child process with a memory cap and a time limit (see child-entry.ts): the TypeScript
 * sources are bundled once per test file with esbuild into the repository's ignored `.tmp/` (so the
 * bundle's packages resolve from node_modules), then each job is one `node` process.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export interface ChildResult {
  /** Exit status, or null when killed by a signal (or the time limit). */
  status: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

export async function bundleChild(): Promise<string> {
  const dir = resolve('.tmp', `fuzz-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'child.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'child-entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  return outfile;
}

export function runChild(bundle: string, job: unknown, options: { cwd: string; timeoutMs: number }): Promise<ChildResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--max-old-space-size=192', '--stack-size=900', bundle, JSON.stringify(job)], {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PERFHOUND_LOG_LEVEL: 'info' },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c.length + stdout.length > 1e6 ? '' : c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c.length + stderr.length > 1e6 ? '' : c));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      done({ status, signal, timedOut, stdout, stderr });
    });
  });
}
