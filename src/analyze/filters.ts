/**
 * Orion's post-filters of change points (reference/orion.md §3.3), in its order: wrong direction, acked
 * (the change point of that metric at that run), below the threshold; then `correlation`: a change point
 * survives only if the referenced column has a surviving one within ±context rows. CMR and anomaly
 * detection apply the direction rule only (§3.5, §3.6).
 */
import type { RawChangePoint } from './algorithms.js';
import type { ColumnInfo, ReportRow } from './types.js';

/** An acknowledgement as the filter needs it: run + column (undefined = every column of the run). */
export interface AckKey {
  uuid: string;
  metric?: string;
  /** Why it was acknowledged (shown by `--viz`). */
  reason?: string;
}

export interface FilterInput {
  changePoints: RawChangePoint[];
  rows: readonly ReportRow[];
  columns: readonly ColumnInfo[];
  /** Correlation settings by column. */
  correlations: Map<string, { column: string; context: number }>;
  acks: readonly AckKey[];
}

export function isWrongDirection(cp: RawChangePoint, column: ColumnInfo): boolean {
  return (column.direction === 1 && cp.meanBefore > cp.meanAfter) || (column.direction === -1 && cp.meanBefore < cp.meanAfter);
}

export function filterHunter(input: FilterInput): RawChangePoint[] {
  const byName = new Map(input.columns.map((c) => [c.name, c]));
  const acked = (cp: RawChangePoint) => {
    const uuid = input.rows[cp.index]?.uuid;
    return input.acks.some((a) => a.uuid === uuid && (a.metric === undefined || a.metric === cp.column));
  };
  const basic = input.changePoints.filter((cp) => {
    const column = byName.get(cp.column);
    if (!column) return false;
    if (isWrongDirection(cp, column)) return false;
    if (acked(cp)) return false;
    const change = Math.abs((cp.meanBefore - cp.meanAfter) / cp.meanBefore) * 100;
    return !(column.threshold > change);
  });
  return basic.filter((cp) => {
    const correlation = input.correlations.get(cp.column);
    if (!correlation) return true;
    return basic.some((other) => other.column === correlation.column && Math.abs(other.index - cp.index) <= correlation.context);
  });
}

/** CMR and anomaly detection: direction only (a mean of ~0 cannot say which way). */
export function filterDirectionOnly(changePoints: RawChangePoint[], columns: readonly ColumnInfo[]): RawChangePoint[] {
  const byName = new Map(columns.map((c) => [c.name, c]));
  return changePoints.filter((cp) => {
    const column = byName.get(cp.column);
    if (!column) return false;
    if (column.direction === 0) return true;
    if (Math.abs(cp.meanBefore) < 1e-12) return false;
    return ((cp.meanAfter - cp.meanBefore) / cp.meanBefore) * 100 * column.direction > 0;
  });
}
