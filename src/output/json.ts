/**
 * JSON output in the seed's shape (reference/orion.md §1.4): `{ "<test>": [ { uuid, timestamp (epoch s),
 * <metadata columns>, <version field>, <display fields>, metrics: { <column>: { value, percentage_change,
 * labels? } }, is_changepoint } ] }`. `percentage_change` is 0 away from change points. Always valid JSON
 * (non-finite numbers become strings, see util/json.ts).
 */
import type { AnalysisReport, ChangeExplanation, ColumnInfo, ReportChangePoint, ReportRow, TestReport } from '../analyze/types.js';
import { jsonReplacer, snakeCaseKeys, toJson } from '../util/json.js';
import { joinParts, type ReportParts } from './parts.js';
import { changePointIndex, collapsedRowIndexes, epochSeconds } from './rows.js';

export interface JsonOptions {
  /** Only rows at a change point and their neighbours. */
  collapse?: boolean;
  /** Orion's row shape: a `prs` list (the payload's pull requests, [] without Sippy) after the version field. */
  prs?: boolean;
  /**
   * `analyze --explain`: a change point's metric object also has `explanation` (snake_case keys) after its
   * Orion members — an addition Orion's readers ignore; without it the rows are exactly Orion's.
   */
  explain?: boolean;
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
      const explanation = options.explain ? changes?.get(column.name)?.explanation : undefined;
      metrics[column.name] = {
        value: jsonSafe(row.values[column.name] ?? null),
        percentage_change: jsonSafe(changes?.get(column.name)?.percentageChange ?? 0),
        ...(column.labels.length ? { labels: column.labels } : {}),
        ...(explanation ? { explanation: explanationJson(explanation) } : {}),
      };
    }
    out.push(rowObject(test, row, metrics, cps.has(i), options.prs));
  });
  return out;
}

/** A row's object, its keys in the seed's order (a metadata column or display field named like a key shares its place). */
function rowObject(test: TestReport, row: ReportRow, metrics: unknown, isChangepoint: boolean, prs = false): Record<string, unknown> {
  return {
    uuid: row.uuid,
    ...jsonSafeFields(row.attributes),
    timestamp: jsonSafe(epochSeconds(row.timestampMs)),
    [test.versionField]: row.version ?? null,
    ...(prs ? { prs: row.prs ?? [] } : {}),
    ...jsonSafeFields(row.display),
    metrics,
    is_changepoint: isChangepoint,
    ...(row.githubContext ? { github_context: row.githubContext } : {}),
  };
}

export function formatJson(report: AnalysisReport, options: JsonOptions = {}): string {
  return joinParts(jsonParts(options), report);
}

/**
 * One object, test name → rows, indented by 2 as `JSON.stringify` would. Each test is written on its own,
 * and its rows are written as text (rowsJson) rather than built as objects for `JSON.stringify`: a
 * 50 × 20 × 500 report is 500 000 metric objects that would be made only to be serialised.
 */
export function jsonParts(options: JsonOptions = {}): ReportParts {
  return {
    head: '{',
    test: (t, i) => `${i ? ',' : ''}\n  ${JSON.stringify(t.name)}: ${rowsJson(t, options)}`,
    tail: (count) => (count ? '\n}\n' : '}\n'),
  };
}

/**
 * What Orion prints for `-o json`: each test's bare array (`json.dumps(rows, indent=2)` and a newline),
 * test after test, rows with `prs`: a stream of JSON values that `jq '.[] | select(.is_changepoint)'` reads.
 */
export function orionJsonParts(options: JsonOptions = {}): ReportParts {
  return {
    head: '',
    test: (t) => orionRowsJson(t, options) + '\n',
    tail: () => '',
  };
}

/** A test's rows as Orion writes them (a top-level array, indent 2). */
export function orionRowsJson(test: TestReport, options: JsonOptions = {}): string {
  // rowsJson indents for one level of nesting; no JSON string holds a raw newline, so this only de-indents.
  return rowsJson(test, { ...options, prs: true }).replaceAll('\n  ', '\n');
}

/** Stands for the metrics in a row object: rowsJson writes them itself, in the place the key has. */
const METRICS_HERE = Object.freeze({});

/**
 * Exactly `JSON.stringify(testToJsonRows(test, options), null, 2)` one level deep (a test's value in the
 * report object). The row objects are still made by rowObject, so key order, shared keys and omitted
 * values are JSON.stringify's own; only the metrics, whose keys are worked out once per test, are text.
 */
export function rowsJson(test: TestReport, options: JsonOptions = {}): string {
  const cps = changePointIndex(test);
  const keep = options.collapse ? collapsedRowIndexes(test) : undefined;
  const metrics = metricWriters(test);
  let out = '';
  test.rows.forEach((row, i) => {
    if (keep && !keep.has(i)) return;
    const object = rowObject(test, row, METRICS_HERE, cps.has(i), options.prs);
    let members = '';
    for (const key of Object.keys(object)) {
      const value = object[key];
      const text = value === METRICS_HERE ? metricsJson(metrics, row, cps.get(i), options.explain) : nestedJson(value, ROW_MEMBER_INDENT);
      if (text !== undefined) members += `${members ? ',' : ''}\n${ROW_MEMBER_INDENT}${JSON.stringify(key)}: ${text}`;
    }
    out += `${out ? ',' : ''}\n    {${members}${members ? '\n    }' : '}'}`;
  });
  return out ? `[${out}\n  ]` : '[]';
}

const ROW_MEMBER_INDENT = ' '.repeat(6);
const METRIC_INDENT = ' '.repeat(8);
const METRIC_MEMBER_INDENT = ' '.repeat(10);

/** A metric's entry worked out once per test: its key's text, and its labels' text. */
interface MetricWriter {
  name: string;
  head: string;
  labels: string;
}

/** The metric keys in the order (and with the last column of a name winning) of the object testToJsonRows builds. */
function metricWriters(test: TestReport): MetricWriter[] {
  const byName: Record<string, ColumnInfo> = {};
  for (const column of test.columns) if (!column.isMetadata) byName[column.name] = column;
  return Object.keys(byName).map((name) => {
    const { labels } = byName[name];
    return {
      name,
      head: `\n${METRIC_INDENT}${JSON.stringify(name)}: {\n${METRIC_MEMBER_INDENT}`,
      labels: labels.length ? `,\n${METRIC_MEMBER_INDENT}"labels": ${nestedJson(labels, METRIC_MEMBER_INDENT)}` : '',
    };
  });
}

function metricsJson(metrics: readonly MetricWriter[], row: ReportRow, changes: Map<string, ReportChangePoint> | undefined, explain = false): string {
  if (metrics.length === 0) return '{}';
  let out = '{';
  for (let m = 0; m < metrics.length; m++) {
    const metric = metrics[m];
    // A name Object.prototype has (`constructor`, `toString`) reads an inherited function when the row has
    // no value of its own: JSON.stringify of the row objects omits that "value", so this does too.
    const value = valueJson(row.values[metric.name] ?? null);
    const change = valueJson(changes?.get(metric.name)?.percentageChange ?? 0) ?? 'null';
    const valueMember = value === undefined ? '' : `"value": ${value},\n${METRIC_MEMBER_INDENT}`;
    const explanation = explain ? changes?.get(metric.name)?.explanation : undefined;
    const why = explanation ? `,\n${METRIC_MEMBER_INDENT}"explanation": ${nestedJson(explanationJson(explanation), METRIC_MEMBER_INDENT)}` : '';
    out += `${m ? ',' : ''}${metric.head}${valueMember}"percentage_change": ${change}${metric.labels}${why}\n${METRIC_INDENT}}`;
  }
  return `${out}\n${ROW_MEMBER_INDENT}}`;
}

/**
 * A metric's value or change: finite numbers directly (JSON writes them as String does), the rest as
 * jsonSafe makes them; undefined when JSON omits the member (a function, a symbol).
 */
function valueJson(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : nestedJson(jsonSafe(value), METRIC_MEMBER_INDENT);
}

/** `JSON.stringify(value, null, 2)` of a value whose key sits at `indent`; undefined when JSON omits it. */
function nestedJson(value: unknown, indent: string): string | undefined {
  const text = JSON.stringify(value, null, 2) as string | undefined;
  return text !== undefined && text.includes('\n') ? text.replaceAll('\n', `\n${indent}`) : text;
}

/** An explanation as JSON members: snake_case keys (as the rest of the row), non-finite numbers as strings. */
function explanationJson(explanation: ChangeExplanation): unknown {
  return jsonSafe(snakeCaseKeys(explanation));
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
