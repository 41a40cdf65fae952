import { getPath, metadataString } from '../store/metadata.js';
import type { NewRun } from '../store/runs.js';
import { UserError } from '../util/errors.js';
import { parseTimestamp } from './timestamps.js';

/**
 * The well-known fields of a run's metadata document, under the names the perf-scale CI indexers use
 * (camelCase, as in Orion's metadata index) or the older snake_case ones (seed 002).
 */
export function runColumnsFromMetadata(metadata: Record<string, unknown>, versionField: string): Partial<NewRun> {
  const str = (...keys: string[]) => {
    for (const k of keys) {
      const v = getPath(metadata, k);
      if (v !== undefined && v !== null && v !== '') return metadataString(v);
    }
    return null;
  };
  const time = (...keys: string[]) => {
    const s = str(...keys);
    return s === null ? null : parseTimestamp(s);
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
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const m = /^([^=:]+)[=:](.*)$/.exec(pair);
    // A UserError, so the daemon answers 400 (not 500) for a bad `runMeta` query parameter.
    if (!m) throw new UserError(`"${pair}" is not key=value`, { field: 'run-meta' });
    out[m[1].trim()] = m[2];
  }
  return out;
}
