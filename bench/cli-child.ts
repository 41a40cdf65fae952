/**
 * The CLI as users run it (`bin/perfhound.cjs`, the bundle `npm run bench` builds first: its worker
 * threads exist only there) in a child process of its own, so that its time, CPU and peak RSS are the
 * command's alone, threads included. The child prints one line on stderr as it exits:
 * `BENCH <wall s> <peak RSS KB> <CPU s> <exit code>`.
 *
 * @example
 * const r = cliInChildSync(['ingest', 'bulk', file, '--db', url]); // { seconds, cpuSeconds, maxRssMb, code, stdout, stderr }
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PEAK_RSS_KB_EXPRESSION } from './peak-rss.js';

export interface CliFigures {
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  code: number;
  stdout: string;
  stderr: string;
}

function script(args: string[]): string {
  const bin = resolve('bin/perfhound.cjs');
  if (!existsSync(resolve('dist/cli/entry.cjs'))) throw new Error('dist/cli/ is missing: run npm run build');
  return `const t=process.hrtime.bigint();process.argv=[process.execPath,${JSON.stringify(bin)},...${JSON.stringify(args)}];process.on('exit',(code)=>{const u=process.resourceUsage();console.error('BENCH',Number(process.hrtime.bigint()-t)/1e9,${PEAK_RSS_KB_EXPRESSION},(u.userCPUTime+u.systemCPUTime)/1e6,code)});require(${JSON.stringify(bin)})`;
}

function figures(args: string[], stdout: string, stderr: string): CliFigures {
  const m = /BENCH ([\d.]+) (\d+) ([\d.]+) (\d+)/.exec(stderr);
  if (!m) throw new Error(`perfhound ${args[0]} failed: ${stderr.slice(-2000)}`);
  return { seconds: Number(m[1]), maxRssMb: Number(m[2]) / 1024, cpuSeconds: Number(m[3]), code: Number(m[4]), stdout, stderr };
}

/** Runs the command and waits, blocking this process (nothing of the bench's own may need to answer meanwhile). */
export function cliInChildSync(args: string[]): CliFigures {
  const child = spawnSync(process.execPath, ['-e', script(args)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return figures(args, child.stdout, child.stderr);
}

/** Runs the command without blocking (a test server of the bench's own may have to answer it); stdout is dropped. */
export async function cliInChild(args: string[]): Promise<CliFigures> {
  const child = spawn(process.execPath, ['-e', script(args)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  await once(child, 'close');
  return figures(args, '', stderr);
}
