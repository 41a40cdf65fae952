import { parseWithYaml } from '../../src/config/yaml-source.js';

/** The yaml package's value, or its error message: what the plain fast path is held to. */
export function viaYaml(text: string): unknown {
  try {
    return { value: parseWithYaml(text).value };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Every path to a value of the tree, and a missing key and item below each. */
export function pathsOf(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const out = [path, [...path, 'missing'], [...path, 99]];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...pathsOf(item, [...path, i])));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) out.push(...pathsOf(item, [...path, key]));
  return out;
}
