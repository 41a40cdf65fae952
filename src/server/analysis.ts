import type { Algorithm, AnalysisOptions } from '../analyze/index.js';
import { UserError } from '../util/errors.js';

/**
 * The analysis options of a request: `perfhound analyze`'s long flags in camelCase, as JSON values
 * (`{"lookback": "15d", "nodeCount": true, "inputVars": {"version": "4.20"}}`), checked one by one.
 * Flags that name server-side files or other servers (`ack`, `esServer`, `csv`, `saveOutputPath`…) are
 * refused: a request may read the daemon's store only. Acks are given through the ack route instead.
 */
export interface RequestAnalysis {
  options: AnalysisOptions;
  /** JSON `--collapse`: only rows at change points and their neighbours. */
  collapse: boolean;
}

const REFUSED: Record<string, string> = {
  ack: 'ack files are files of the server; acknowledge through POST /api/v1/regressions/{id}/ack',
  esServer: 'the daemon analyses its own store only',
  csv: 'the daemon analyses its own store only',
  saveOutputPath: 'the daemon writes no files',
  saveDataPath: 'the daemon writes no files',
  outputFormat: 'the daemon answers JSON',
  config: 'give the config as the body\'s "config"',
};

const KNOWN = [
  'hunterAnalyze', 'cmr', 'anomalyDetection', 'anomalyWindow', 'minAnomalyPercent', 'lookback', 'since', 'lookbackSize',
  'uuid', 'baseline', 'metadataIndex', 'benchmarkIndex', 'nodeCount', 'display', 'inputVars', 'source', 'collapse',
] as const;

export function requestAnalysis(raw: Record<string, unknown>): RequestAnalysis {
  for (const key of Object.keys(raw)) {
    if (key in REFUSED) throw new UserError(`option ${key} is not available through the API: ${REFUSED[key]}`, { field: `options.${key}` });
    if (!(KNOWN as readonly string[]).includes(key)) throw new UserError(`unknown option "${key}" (known: ${KNOWN.join(', ')})`, { field: `options.${key}` });
  }
  const source = text(raw, 'source');
  if (source !== undefined && source !== 'store') throw new UserError(`source must be "store" (got "${source}"): ${REFUSED.esServer}`, { field: 'options.source' });
  const algorithms: Algorithm[] = [];
  if (bool(raw, 'hunterAnalyze')) algorithms.push('hunter');
  if (bool(raw, 'cmr')) algorithms.push('cmr');
  if (bool(raw, 'anomalyDetection')) algorithms.push('anomaly');
  if (algorithms.length > 1) throw new UserError('hunterAnalyze, cmr and anomalyDetection are mutually exclusive', { field: 'options' });
  const anomalyWindow = int(raw, 'anomalyWindow', 1);
  const minAnomalyPercent = int(raw, 'minAnomalyPercent', 0);
  if ((anomalyWindow !== undefined || minAnomalyPercent !== undefined) && algorithms[0] !== 'anomaly') {
    throw new UserError('anomalyWindow and minAnomalyPercent need anomalyDetection', { field: 'options.anomalyWindow' });
  }
  return {
    options: {
      algorithm: algorithms[0] ?? 'hunter',
      anomalyWindow,
      minAnomalyPercent,
      lookback: text(raw, 'lookback'),
      since: text(raw, 'since'),
      lookbackSize: int(raw, 'lookbackSize', 1),
      uuid: text(raw, 'uuid'),
      baseline: list(raw, 'baseline', /[\s,]+/),
      metadataIndex: text(raw, 'metadataIndex') || undefined,
      benchmarkIndex: text(raw, 'benchmarkIndex') || undefined,
      nodeCount: bool(raw, 'nodeCount') ?? false,
      display: list(raw, 'display', /,/) ?? ['buildUrl'],
    },
    collapse: bool(raw, 'collapse') ?? false,
  };
}

const place = (key: string) => ({ field: `options.${key}` });

function text(raw: Record<string, unknown>, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new UserError(`${key} must be a string`, place(key));
  return v;
}

function bool(raw: Record<string, unknown>, key: string): boolean | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && ['true', 'false'].includes(v.trim().toLowerCase())) return v.trim().toLowerCase() === 'true';
  throw new UserError(`${key} must be true or false`, place(key));
}

function int(raw: Record<string, unknown>, key: string, min: number): number | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) throw new UserError(`${key} must be an integer ≥ ${min}`, place(key));
  return n;
}

/** A list given as a JSON array of strings or as the CLI's separated text. */
function list(raw: Record<string, unknown>, key: string, separator: RegExp): string[] | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v.map((s) => s.trim()).filter(Boolean);
  if (typeof v === 'string') return v.split(separator).map((s) => s.trim()).filter(Boolean);
  throw new UserError(`${key} must be a string or a list of strings`, place(key));
}
