import { compileGlob, type Glob } from '../util/glob.js';

/**
 * Index / collection patterns as OpenSearch takes them: comma lists, `*` wildcards.
 *
 * @example
 * matchesPattern('orion-integration-test-data', 'orion-integration-test-data*') // → true
 */
export function matchesPattern(name: string, pattern: string): boolean {
  return pattern
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .some((p) => patternRegExp(p).test(name));
}

const cache = new Map<string, Glob>();

/** No regular expression: `a*a*a*…b` would backtrack for minutes (see compileGlob). */
function patternRegExp(pattern: string): Glob {
  let re = cache.get(pattern);
  if (!re) {
    if (cache.size > 10_000) cache.clear();
    re = compileGlob(pattern);
    cache.set(pattern, re);
  }
  return re;
}
