import { getPath, metadataString } from '../store/metadata.js';
import type { NewRun } from '../store/runs.js';
import { UserError } from '../util/errors.js';
import { parseTimestamp } from './timestamps.js';

/**
 * The well-known fields of a run's metadata document, under the names the perf-scale CI indexers use
 * (camelCase, as in Orion's metadata index) or the older snake_case ones (seed 002).
 */
export function runColumnsFromMetadata(metadata: Record<string, unknown>, versionField: string): Partial<NewRun> {
  // The first of the keys with a value, and that value as a string.
  const first = (keys: string[]): [string, string] | null => {
    for (const k of keys) {
      const v = getPath(metadata, k);
      if (v !== undefined && v !== null && v !== '') return [k, metadataString(v)];
    }
    return null;
  };
  const str = (...keys: string[]) => first(keys)?.[1] ?? null;
  const time = (...keys: string[]) => {
    const found = first(keys);
    const ms = found && parseTimestamp(found[1]);
    // A time no date can hold would break every later reader of the run: the run is refused.
    if (found && ms !== null && isoTimestamp(ms) === undefined) throw new UserError(`${found[1]} is outside the times a date can hold`, { field: found[0] });
    return ms;
  };
  return {
    buildUrl: str('buildUrl', 'build_url'),
    version: str(versionField, 'version'),
    status: str('jobStatus', 'job_status', 'status'),
    startMs: time('startDate', 'start_date'),
    endMs: time('endDate', 'end_date'),
  };
}

/** `--run-meta k=v` (also `k:v`, subunit2sql's form) into an object. */
export function parseRunMeta(pairs: string[] | undefined): Record<string, string> {
  // No prototype: a key named __proto__ is kept as a key.
  const out = Object.create(null) as Record<string, string>;
  for (const pair of pairs ?? []) {
    const m = /^([^=:]+)[=:](.*)$/.exec(pair);
    // A UserError, so the daemon answers 400 (not 500) for a bad `runMeta` query parameter.
    if (!m) throw new UserError(`"${pair}" is not key=value`, { field: 'run-meta' });
    out[m[1].trim()] = m[2];
  }
  return out;
}

/** The ISO form of epoch milliseconds, or undefined when no date can hold them (beyond ±8.64e15). */
export function isoTimestamp(ms: number): string | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
