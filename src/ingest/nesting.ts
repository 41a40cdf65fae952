/**
 * How deep objects and arrays of an ingested document or metadata may nest. OpenSearch maps 20 levels
 * by default; deeper values are refused at ingest, named by their field, instead of overflowing the stack
 * of every later reader (JSON.stringify and the metadata flattening recurse).
 */
export const MAX_NESTING = 100;

/**
 * Whether `value` nests objects/arrays deeper than `limit` levels. Iterative: any depth is measured
 * without recursion.
 *
 * @example
 * nestedTooDeep({ a: { b: [1] } }, 2) // → true (3 levels)
 */
export function nestedTooDeep(value: unknown, limit = MAX_NESTING): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}

export const TOO_DEEP = `is nested deeper than ${MAX_NESTING} levels of objects and arrays`;
