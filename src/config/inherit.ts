/**
 * Orion's inheritance rules (`orion/config.py:merge_configs`, `merge_lists`), reproduced exactly:
 *
 * - metadata from `parentConfig` / `local_config` is a **shallow** merge where the test's own keys win
 *   (a child `not:` or `wildcard:` replaces the parent's whole dict);
 * - metrics from `metricsFile` / `local_metrics` come first, then the test's; an inherited metric is
 *   dropped when the test has one with the same `name` and the same `metricName` (or the same
 *   `metricName.keyword`).
 */
export type RawObject = Record<string, unknown>;

/** `config` keys win over `inherited` ones; neither input is modified. */
export function mergeMetadata(config: RawObject | null | undefined, inherited: RawObject | null | undefined): RawObject {
  return { ...(inherited ?? {}), ...(config ?? {}) };
}

/** Inherited metrics not overridden by the test, then the test's metrics. */
export function mergeMetrics(metrics: RawObject[] | null | undefined, inherited: RawObject[] | null | undefined): RawObject[] {
  const own = metrics ?? [];
  const kept = (inherited ?? []).filter((parent) => !own.some((child) => overrides(child, parent)));
  return [...kept, ...own];
}

function overrides(child: RawObject, parent: RawObject): boolean {
  if (child['name'] !== parent['name']) return false;
  return sameKey(child, parent, 'metricName') || sameKey(child, parent, 'metricName.keyword');
}

function sameKey(a: RawObject, b: RawObject, key: string): boolean {
  return key in a && key in b && a[key] === b[key];
}
