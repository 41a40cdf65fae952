/**
 * A document field's values as OpenSearch indexes them: arrays flattened at any depth (`[["x"]]` holds
 * "x"), and a dotted path followed through arrays of objects (`f.a` of `{f: [{a: "x"}, {a: "y"}]}` is
 * "x" and "y"), nulls left out. Otherwise the lookup is `getNested`'s: the whole path as a key first,
 * then the longest dotted head that leads to a value.
 *
 * @example
 * fieldValues({ f: [{ a: 'x' }, { a: ['y', null] }] }, 'f.a'); // → ['x', 'y']
 */
import { getNested } from '../opensearch/fields.js';

export function fieldValues(doc: unknown, path: string): unknown[] {
  // Nearly every field is a scalar reached through objects: getNested finds it without a traversal.
  const direct = getNested(doc, path);
  if (direct !== undefined && !Array.isArray(direct)) return direct === null ? [] : [direct];
  const out: unknown[] = [];
  collect(doc, path, out);
  return out;
}

/** Appends the values at `path` below `node`; whether the path led to a value (null included). */
function collect(node: unknown, path: string, out: unknown[]): boolean {
  if (Array.isArray(node)) {
    let found = false;
    for (const element of node) found = collect(element, path, out) || found;
    return found;
  }
  if (node === null || typeof node !== 'object') return false;
  const obj = node as Record<string, unknown>;
  if (path in obj) {
    flatten(obj[path], out);
    return obj[path] !== undefined;
  }
  const parts = path.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    const head = parts.slice(0, i).join('.');
    if (head in obj && collect(obj[head], parts.slice(i).join('.'), out)) return true;
  }
  return false;
}

function flatten(value: unknown, out: unknown[]): void {
  if (Array.isArray(value)) for (const element of value) flatten(element, out);
  else if (value !== null && value !== undefined) out.push(value);
}
