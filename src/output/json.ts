/**
 * JSON output in the seed's shape (reference/orion.md §1.4): `{ "<test>": [ { uuid, timestamp (epoch s),
 * <metadata columns>, <version field>, <display fields>, metrics: { <column>: { value, percentage_change,
 * labels? } }, is_changepoint } ] }`. `percentage_change` is 0 away from change points. Always valid JSON
 * (non-finite numbers become strings, see util/json.ts).
 */
import type { AnalysisReport, TestReport } from '../analyze/types.js';
import { jsonReplacer, toJson } from '../util/json.js';
import { joinParts, type ReportParts } from './parts.js';
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
    const changes = cps.get(i);
    for (const column of metricColumns) {
      metrics[column.name] = {
        value: jsonSafe(row.values[column.name] ?? null),
        percentage_change: jsonSafe(changes?.get(column.name)?.percentageChange ?? 0),
        ...(column.labels.length ? { labels: column.labels } : {}),
      };
    }
    out.push({
      uuid: row.uuid,
      ...jsonSafeFields(row.attributes),
      timestamp: jsonSafe(epochSeconds(row.timestampMs)),
      [test.versionField]: row.version ?? null,
      ...jsonSafeFields(row.display),
      metrics,
      is_changepoint: cps.has(i),
    });
  });
  return out;
}

export function formatJson(report: AnalysisReport, options: JsonOptions = {}): string {
  return joinParts(jsonParts(options), report);
}

/**
 * One object, test name → rows. Each test is serialised on its own, and by `JSON.stringify` without a
 * replacer (the values are made JSON-safe when the rows are built): a replacer is called for every key of
 * every row, which made it most of the time spent formatting a large report.
 */
export function jsonParts(options: JsonOptions = {}): ReportParts {
  return {
    head: '{',
    test: (t, i) => {
      // `{ name: rows }` indented, without its braces: the test's entry at the right depth.
      const entry = JSON.stringify({ [t.name]: testToJsonRows(t, options) }, null, 2);
      return (i ? ',' : '') + entry.slice(1, -2);
    },
    tail: (count) => (count ? '\n}\n' : '}\n'),
  };
}

/** What {@link jsonReplacer} would make of the value, applied once where non-JSON values can occur. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : jsonReplacer('', value);
  if (value === null || typeof value !== 'object') return jsonReplacer('', value);
  return JSON.parse(toJson(value)) as unknown;
}

function jsonSafeFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = jsonSafe(value);
  return out;
}
