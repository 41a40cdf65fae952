/**
 * The methods the quality table compares, each as "series in, reported change indexes out" (indexes into
 * the series as given, gaps included). The E-divisive modes, CMR, the isolation forest and the per-run
 * thresholds are perfhound's own code, called as `detect`/`analyze` call them; PELT is the reference.
 */
import { anomalyChangePoints, cmrChangePoints, collapseForCmr } from '../analyze/algorithms.js';
import type { ColumnInfo, ReportRow } from '../analyze/types.js';
import { analyzeSeries, IncrementalSeries } from '../detect/analyze.js';
import { evaluateThreshold } from '../detect/thresholds.js';
import { pelt } from './pelt.js';

export interface Method {
  name: string;
  /** what the table says about it */
  description: string;
  detect(values: readonly (number | null)[]): number[];
  /** scored on series up to this length only (slow methods; the table says so) */
  maxLength?: number;
  /** an incremental detector: append points, read the change indexes (for the detection delay) */
  incremental?: () => { append(values: readonly (number | null)[]): void; changes(): number[] };
}

/** Orion's `--anomaly-detection` defaults (rolling window 5, minimum deviation 10 %). */
const ANOMALY = { window: 5, minPercent: 10 };
/** Runs of history the per-run methods look back at (Orion's CMR and thresholds use a lookback too). */
const LOOKBACK = 30;
/** CMR reports every run; a change counts when it exceeds the threshold an Orion metric would set. */
const CMR_THRESHOLD_PERCENT = 5;

const COLUMN: ColumnInfo = { name: 'value', labels: [], direction: 0, threshold: 0, isMetadata: false };

function row(i: number, value: number | null): ReportRow {
  return { uuid: String(i), timestampMs: i, display: {}, values: { value }, attributes: {} };
}

/** Finite values with their original positions. */
function finite(values: readonly (number | null)[]): { x: number[]; at: number[] } {
  const x: number[] = [];
  const at: number[] = [];
  values.forEach((v, i) => {
    if (v !== null && Number.isFinite(v)) {
      x.push(v);
      at.push(i);
    }
  });
  return { x, at };
}

function edivisive(mode: 'otava' | 'perfhound'): Method {
  return {
    name: mode,
    description:
      mode === 'otava'
        ? '`detect --mode otava`: Apache Otava 0.8 exactly (window 50, p 0.001)'
        : '`detect` default: same split step, perfhound\'s robust merge',
    detect: (values) => analyzeSeries(values, { mode }).changePoints.map((cp) => cp.index),
    incremental: () => {
      const series = new IncrementalSeries({ mode });
      return { append: (v) => void series.append(v), changes: () => series.result().changePoints.map((cp) => cp.index) };
    },
  };
}

const peltMethod: Method = {
  name: 'pelt-mbic',
  description: 'reference: PELT, Gaussian mean change, penalty 3·ln n (MBIC), robust σ; series ≤ 2 000 points',
  maxLength: 2000,
  detect: (values) => {
    const { x, at } = finite(values);
    return pelt(x).map((i) => at[i]);
  },
  incremental: () => {
    const all: (number | null)[] = [];
    return { append: (v) => void all.push(...v), changes: () => peltMethod.detect(all) };
  },
};

/** A per-run rule applied at every run against the runs before it: flagged runs are its "changes". */
function perRun(name: string, description: string, flag: (history: number[], latest: number) => boolean): Method {
  const detect = (values: readonly (number | null)[]) => {
    const { x, at } = finite(values);
    const out: number[] = [];
    for (let i = 1; i < x.length; i++) if (flag(x.slice(Math.max(0, i - LOOKBACK), i), x[i])) out.push(at[i]);
    return out;
  };
  return { name, description, detect };
}

const cmr = perRun('cmr', `\`analyze --cmr\` at every run, last ${LOOKBACK} runs as history, change > ${CMR_THRESHOLD_PERCENT} %`, (history, latest) => {
  const rows = collapseForCmr([...history.map((v, i) => row(i, v)), row(history.length, latest)], [COLUMN]);
  return cmrChangePoints(rows, [COLUMN]).some((cp) => Math.abs(cp.forwardChangePercent) > CMR_THRESHOLD_PERCENT);
});

const zscore = perRun('threshold-z3', `per-run threshold: z-score > 3 against the last ${LOOKBACK} runs (≥ 10)`, (history, latest) => {
  const status = evaluateThreshold(history, latest, { kind: 'zscore', maxZ: 3, direction: 'higher_is_better', minSampleSize: 10 }).status;
  return status === 'regression' || status === 'improvement';
});

const iqr = perRun('threshold-iqr', `per-run threshold: Tukey fences (1.5·IQR) of the last ${LOOKBACK} runs (≥ 10)`, (history, latest) => {
  const status = evaluateThreshold(history, latest, { kind: 'iqr', multiplier: 1.5, direction: 'higher_is_better', minSampleSize: 10 }).status;
  return status === 'regression' || status === 'improvement';
});

const isolationForest: Method = {
  name: 'isolation-forest',
  description: '`analyze --anomaly-detection` (window 5, 10 %); series ≤ 2 000 points',
  maxLength: 2000,
  detect: (values) => {
    const { x, at } = finite(values);
    return anomalyChangePoints(x.map((v, i) => row(i, v)), [COLUMN], ANOMALY).map((cp) => at[cp.index]);
  },
};

export const METHODS: Method[] = [edivisive('otava'), edivisive('perfhound'), peltMethod, cmr, isolationForest, zscore, iqr];
