/**
 * The JSON answer of `GET /api/v1/series`, serialised by a compiled serializer (fast-json-stringify, from
 * {@link SERIES_RESPONSE_SCHEMA}) instead of `JSON.stringify` with a replacer: the answer is hundreds of
 * identical point objects. Its declaration (`Series` in src/server/contract/analysis.ts) documents it; this
 * schema is the serializer's, written with type lists (`["number", "string"]`) where the declaration has
 * unions, which fast-json-stringify writes without checking each value against each branch. Non-finite numbers are turned into the strings
 * "NaN"/"Infinity"/"-Infinity" first — the convention of `toJson` (src/util/json.ts) — since the compiled
 * serializer would write them as null or throw.
 */
import fastJson from 'fast-json-stringify';
import type { TestReport } from '../analyze/index.js';
import { NotFoundError, UserError } from '../util/errors.js';

/** A number, or the string form `toJson` gives non-finite numbers. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function jsonNumber(n: number): JsonNumber {
  if (Number.isFinite(n)) return n;
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

// A type alias (not an interface) so that it is assignable to Fastify's `serializeInput` record type.
export type SeriesAnswer = {
  test: string;
  metric: string;
  points: { uuid: string; timestamp: string; value: JsonNumber | null; buildUrl: string | null; version: string | null }[];
  changePoints: { index: number; uuid: string; percentageChange: JsonNumber; meanBefore: JsonNumber; meanAfter: JsonNumber; pvalue: JsonNumber }[];
  warnings: string[];
};

/** One metric column of a test as points plus its change points. */
export function seriesOf(test: TestReport, metric: string | undefined): SeriesAnswer {
  const columns = test.columns.filter((c) => !c.isMetadata).map((c) => c.name);
  const column = metric ?? (columns.length === 1 ? columns[0] : undefined);
  if (column === undefined) throw new UserError(`query parameter metric is required (metrics: ${columns.join(', ')})`, { field: 'metric' });
  if (!test.noData && !columns.includes(column)) throw new NotFoundError(`no metric "${column}" in test ${test.name} (metrics: ${columns.join(', ')})`, { field: 'metric' });
  return {
    test: test.name,
    metric: column,
    points: test.rows.map((r) => {
      const value = r.values[column];
      return {
        uuid: r.uuid,
        timestamp: new Date(r.timestampMs).toISOString(),
        value: value === null || value === undefined ? null : jsonNumber(value),
        buildUrl: r.buildUrl ?? null,
        version: r.version ?? null,
      };
    }),
    changePoints: test.changePoints
      .filter((cp) => cp.column === column)
      .map((cp) => ({
        index: cp.index,
        uuid: cp.uuid,
        percentageChange: jsonNumber(cp.percentageChange),
        meanBefore: jsonNumber(cp.meanBefore),
        meanAfter: jsonNumber(cp.meanAfter),
        pvalue: jsonNumber(cp.pvalue),
      })),
    warnings: test.warnings,
  };
}

const number = { type: ['number', 'string'] };
const nullableString = { type: ['string', 'null'] };

/** JSON Schema of {@link SeriesAnswer}, for the route's response serializer. */
export const SERIES_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['test', 'metric', 'points', 'changePoints', 'warnings'],
  properties: {
    test: { type: 'string' },
    metric: { type: 'string' },
    points: {
      type: 'array',
      items: {
        type: 'object',
        required: ['uuid', 'timestamp', 'value', 'buildUrl', 'version'],
        properties: { uuid: { type: 'string' }, timestamp: { type: 'string' }, value: { type: ['number', 'string', 'null'] }, buildUrl: nullableString, version: nullableString },
      },
    },
    changePoints: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'uuid', 'percentageChange', 'meanBefore', 'meanAfter', 'pvalue'],
        properties: { index: { type: 'integer' }, uuid: { type: 'string' }, percentageChange: number, meanBefore: number, meanAfter: number, pvalue: number },
      },
    },
    warnings: { type: 'array', items: { type: 'string' } },
  },
};

/** {@link SeriesAnswer} as JSON text. */
export const serializeSeries: (answer: SeriesAnswer) => string = fastJson(SERIES_RESPONSE_SCHEMA as Parameters<typeof fastJson>[0]);
