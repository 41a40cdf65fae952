/**
 * `${var}` placeholders of `fan_out` and `group_by` templates (`orion/config.py:_substitute_vars`):
 * substituted recursively in every string value (not in keys); unknown placeholders are left as they are.
 */
import { pythonStr } from '../util/python-str.js';

const PLACEHOLDER = /\$\{([\w.]+)\}/g;

export function substitutePlaceholders<T>(value: T, variables: Record<string, unknown>): T {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, name: string) =>
      name in variables ? pythonStr(variables[name]) : whole,
    ) as T;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => substitutePlaceholders(item, variables)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = substitutePlaceholders(item, variables);
    return out as T;
  }
  return value;
}

/** Placeholder names used anywhere in `value`'s strings. */
export function placeholderNames(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const match of value.matchAll(PLACEHOLDER)) into.add(match[1] as string);
  } else if (Array.isArray(value)) {
    for (const item of value) placeholderNames(item, into);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) placeholderNames(item, into);
  }
  return into;
}
