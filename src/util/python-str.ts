/**
 * Python's `str()` of a YAML value, which is what Orion puts into queries and templates: metadata match
 * values are stringified (`3` → `"3"`, `true` → `"True"`), `${var}` placeholders are replaced by `str(value)`.
 * Sources that want Orion's exact request bodies use this too.
 *
 * @example
 * pythonStr(true); // 'True'
 * pythonStr(4.2);  // '4.2'
 */
export function pythonStr(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'number') return pythonNumber(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}

/** Python's `str(float(p))`: the percentile key ES returns and Orion puts in column names (`99` → `99.0`). */
export function pythonFloatStr(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : pythonNumber(value);
}
