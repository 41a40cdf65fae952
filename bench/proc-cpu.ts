/**
 * CPU time of a process of this machine, from /proc/PID/stat (Linux): what the benchmarks read of the
 * processes they start and of the database server.
 */
import { readFileSync } from 'node:fs';

/**
 * CPU ms of process `pid`; with `children`, also of its children that ended and were waited for (a
 * PostgreSQL backend's, once its connection closed, counts in the postmaster's).
 */
export function cpuMs(pid: number | string, children = false): number {
  // Fields 14–17 of stat, indexes 11–14 after the parenthesised command name: utime, stime, cutime,
  // cstime, in clock ticks (10 ms).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const own = Number(fields[11]) + Number(fields[12]);
  return (children ? own + Number(fields[13]) + Number(fields[14]) : own) * 10;
}

/** The command name of process `pid` (`postgres`, `node`…). */
export function commandOf(pid: number | string): string {
  return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
}
