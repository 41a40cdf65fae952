/**
 * `fan_out`: static expansion of one metric template into several at load time
 * (`orion/config.py:expand_fan_out`). For each entry `{var: value, …}`: a deep copy of the template,
 * `${var}` replaced by `str(value)` in every string, then entry keys that are also metric keys override
 * them (with the entry's typed value). Entry keys may not be reserved metric keys (`name`, `agg`, …).
 *
 * @example
 * // - name: ${job}-latency
 * //   jobName: ${job}
 * //   fan_out: [{job: a}, {job: b}]
 * // → a-latency (jobName a), b-latency (jobName b)
 */
import type { Origins } from './origins.js';
import { substitutePlaceholders } from './placeholders.js';
import type { Problem } from './problems.js';
import { describeValue } from './problems.js';
import { RESERVED_METRIC_KEYS } from './schema.js';
import type { RawObject } from './inherit.js';

export interface FanOutResult {
  metrics: RawObject[];
  problems: Problem[];
}

export function expandFanOut(metrics: RawObject[], origins: Origins, context: { test: string; file?: string }): FanOutResult {
  const expanded: RawObject[] = [];
  const problems: Problem[] = [];
  for (const metric of metrics) {
    if (!('fan_out' in metric)) {
      expanded.push(metric);
      continue;
    }
    const where = (path: (string | number)[]) => ({
      ...origins.place(metric, path, context.file),
      test: context.test,
      metric: typeof metric['name'] === 'string' ? metric['name'] : undefined,
    });
    const entries = metric['fan_out'];
    if (!Array.isArray(entries) || entries.length === 0) {
      problems.push({ message: `fan_out must be a non-empty list of mappings, not ${describeValue(entries)}`, place: where(['fan_out']) });
      continue;
    }
    const bad = entries.findIndex((entry) => entry === null || typeof entry !== 'object' || Array.isArray(entry));
    if (bad >= 0) {
      problems.push({ message: `must be a mapping of variable: value, not ${describeValue(entries[bad])}`, place: where(['fan_out', bad]) });
      continue;
    }
    const { fan_out: _fanOut, ...template } = metric;
    let entryProblem = false;
    (entries as RawObject[]).forEach((entry, i) => {
      const reserved = Object.keys(entry).filter((key) => RESERVED_METRIC_KEYS.has(key));
      if (reserved.length) {
        problems.push({
          message: `${reserved.join(', ')} cannot be used in a fan_out entry (reserved metric keys)`,
          place: where(['fan_out', i]),
        });
        entryProblem = true;
      }
    });
    if (entryProblem) continue;
    for (const entry of entries as RawObject[]) {
      const copy = substitutePlaceholders(template, entry);
      for (const [key, value] of Object.entries(entry)) if (key in copy) copy[key] = value;
      origins.alias(copy, metric);
      expanded.push(copy);
    }
  }
  return { metrics: expanded, problems };
}
