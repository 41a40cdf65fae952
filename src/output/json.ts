/**
 * JSON output in the seed's shape (reference/orion.md §1.4): `{ "<test>": [ { uuid, timestamp (epoch s),
 * <metadata columns>, <version field>, <display fields>, metrics: { <column>: { value, percentage_change,
 * labels? } }, is_changepoint } ] }`. `percentage_change` is 0 away from change points. Always valid JSON
 * (non-finite numbers become strings, see util/json.ts).
 */
import type { AnalysisReport, TestReport } from '../analyze/types.js';
import { toJson } from '../util/json.js';
import { changePointIndex, collapsedRowIndexes, epochSeconds } from './rows.js';

export interface JsonOptions {
  /** Only rows at a change point and their neighbours. */
  collapse?: boolean;
}

export function testToJsonRows(test: TestReport, options: JsonOptions = {}): Record<string, unknown>[] {
  const cps = changePointIndex(test);
  const keep = options.collapse ? collapsedRowIndexes(test) : undefined;
  const metricColumns = test.columns.filter((c) => !c.isMetadata);
  const out: Record<string, unknown>[] = [];
  test.rows.forEach((row, i) => {
    if (keep && !keep.has(i)) return;
    const metrics: Record<string, unknown> = {};
    for (const column of metricColumns) {
      metrics[column.name] = {
        value: row.values[column.name] ?? null,
        percentage_change: cps.get(i)?.get(column.name)?.percentageChange ?? 0,
        ...(column.labels.length ? { labels: column.labels } : {}),
      };
    }
    out.push({
      uuid: row.uuid,
      ...row.attributes,
      timestamp: epochSeconds(row.timestampMs),
      [test.versionField]: row.version ?? null,
      ...row.display,
      metrics,
      is_changepoint: cps.has(i),
    });
  });
  return out;
}

export function formatJson(report: AnalysisReport, options: JsonOptions = {}): string {
  const out: Record<string, unknown> = {};
  for (const test of report.tests) out[test.name] = testToJsonRows(test, options);
  return toJson(out, 2) + '\n';
}
