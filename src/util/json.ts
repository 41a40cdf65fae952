/**
 * JSON that is always valid JSON: non-finite numbers become the strings "NaN", "Infinity", "-Infinity"
 * (the convention of Otava's golden data), bigints become numbers when safe and strings otherwise.
 *
 * @example
 * toJson({ p: NaN, q: 1 }) // → '{"p":"NaN","q":1}'
 */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  }
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  return value;
}

export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, jsonReplacer, indent);
}

/** Reads back the string forms of non-finite numbers written by {@link toJson}. */
export function fromJsonNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (value === null) return NaN;
  throw new TypeError(`not a JSON number: ${JSON.stringify(value)}`);
}

/** A copy of `value` whose object keys are snake_case (`meanBefore` → `mean_before`), at every depth: JSON outputs use Python's key style. */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()), snakeCaseKeys(v)]));
}
