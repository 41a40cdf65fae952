/**
 * Helpers the formatters share: which rows are change points, a row's `percentage_change` per metric,
 * and the rows kept by `--collapse`.
 */
import type { ReportChangePoint, TestReport } from '../analyze/types.js';

/** row index → column → change point. */
export function changePointIndex(test: TestReport): Map<number, Map<string, ReportChangePoint>> {
  const out = new Map<number, Map<string, ReportChangePoint>>();
  for (const cp of test.changePoints) {
    const byColumn = out.get(cp.index) ?? new Map<string, ReportChangePoint>();
    byColumn.set(cp.column, cp);
    out.set(cp.index, byColumn);
  }
  return out;
}

/** Rows at a change point and their neighbours (Orion's JSON `--collapse`). */
export function collapsedRowIndexes(test: TestReport): Set<number> {
  const keep = new Set<number>();
  for (const cp of test.changePoints) for (const i of [cp.index - 1, cp.index, cp.index + 1]) if (i >= 0 && i < test.rows.length) keep.add(i);
  return keep;
}

/** Epoch seconds, as Orion's JSON `timestamp`. */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** `YYYY-MM-DD HH:MM:SS` (UTC), the text tables' time column. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** `YYYY-MM-DDTHH:MM:SSZ`, the JUnit tables' time column. */
export function formatIsoSeconds(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}
