/**
 * Field types and OpenSearch's dynamic mapping: the first value a field receives in an index decides its
 * type for good — an ISO-8601 string (strict_date_optional_time) becomes `date`, any other string `text`
 * with a `keyword` sub-field (ignore_above 256), an integral JSON number `long`, a fractional one `float`
 * (32-bit, as OpenSearch stores it), `true`/`false` `boolean`. Later values are coerced to that type or the
 * document is rejected, as OpenSearch does.
 */
import { OpenSearchError } from './errors.js';

export type FieldType = 'text' | 'keyword' | 'long' | 'float' | 'double' | 'date' | 'boolean';

/** `keyword` sub-field values longer than this are not indexed (OpenSearch's dynamic default). */
export const KEYWORD_IGNORE_ABOVE = 256;

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

export function isIsoDate(text: string): boolean {
  return ISO_DATE.test(text) && !Number.isNaN(parseIsoDate(text));
}

/** Epoch milliseconds of a strict_date_optional_time string (no zone = UTC), NaN if it is not one. */
export function parseIsoDate(text: string): number {
  const m = ISO_DATE.exec(text);
  if (!m) return Number.NaN;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return Number.NaN;
  }
  const ms = Number((frac + '000').slice(0, 3));
  let epoch = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s), ms);
  if (new Date(epoch).getUTCDate() !== day) return Number.NaN;
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
    epoch -= sign * offset * 60_000;
  }
  return epoch;
}

/** The type dynamic mapping gives a field whose first non-null value is `value` (undefined: no mapping). */
export function inferFieldType(value: unknown): FieldType | undefined {
  if (typeof value === 'string') return isIsoDate(value) ? 'date' : 'text';
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'float';
  if (typeof value === 'boolean') return 'boolean';
  return undefined;
}

export function isNumericType(type: FieldType): boolean {
  return type === 'long' || type === 'float' || type === 'double' || type === 'date' || type === 'boolean';
}

/**
 * The value a field of `type` indexes for one source value, or throws like OpenSearch's mapper (`reason`
 * names the field). Text/keyword give strings; numbers, dates (epoch ms) and booleans (1/0) give numbers.
 */
export function coerceForIndex(type: FieldType, value: unknown, field: string): string | number {
  const fail = (): never => {
    throw new OpenSearchError(
      400,
      'mapper_parsing_exception',
      `failed to parse field [${field}] of type [${type}]. Preview of field's value: '${String(value)}'`,
    );
  };
  switch (type) {
    case 'text':
    case 'keyword':
      if (typeof value === 'object') fail();
      return String(value);
    case 'long':
    case 'float':
    case 'double': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) fail();
      if (type === 'long') return Math.trunc(n);
      return type === 'float' ? Math.fround(n) : n;
    }
    case 'date': {
      if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
      const ms = typeof value === 'string' ? parseIsoDate(value) : NaN;
      if (Number.isNaN(ms)) fail();
      return ms;
    }
    case 'boolean':
      if (value === true || value === 'true') return 1;
      if (value === false || value === 'false' || value === '') return 0;
      return fail();
  }
}

/** Formats epoch ms the way OpenSearch's default date format prints aggregation values. */
export function formatDate(epochMs: number): string {
  return new Date(Math.trunc(epochMs)).toISOString();
}
