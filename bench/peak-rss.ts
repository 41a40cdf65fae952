/**
 * A process' own peak RSS. `process.resourceUsage().maxRSS` (getrusage's ru_maxrss) is not it: Linux keeps
 * the high-water mark across exec, so a child started from a large process reports that process' RSS at
 * the fork (a bench holding a 100 000-run store made its analysis child report 835 MB; it peaked at 110 MB).
 * VmHWM of /proc/self/status belongs to the memory the process runs in, which exec replaces. Elsewhere
 * (no /proc), maxRSS.
 */
import { readFileSync } from 'node:fs';

/** A JavaScript expression for a child's `-e` script: its peak RSS in KB. */
export const PEAK_RSS_KB_EXPRESSION =
  "(()=>{try{return Number(/VmHWM:\\s+(\\d+) kB/.exec(require('fs').readFileSync('/proc/self/status','utf8'))[1])}catch{return process.resourceUsage().maxRSS}})()";

/** This process' peak RSS in MB. */
export function peakRssMb(): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;
  } catch {
    return process.resourceUsage().maxRSS / 1024;
  }
}
