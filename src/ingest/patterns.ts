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

const cache = new Map<string, RegExp>();

function patternRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
    cache.set(pattern, re);
  }
  return re;
}
