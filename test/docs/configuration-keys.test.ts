/**
 * docs/configuration.md names every key the config readers know: Orion's top-level, test and metric keys
 * (the schema's own sets) and the report config's top-level keys and `fields` (the bundled default's).
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KNOWN_TEST_KEYS, KNOWN_TOP_LEVEL_KEYS, RESERVED_METRIC_KEYS, RUN_THRESHOLD_KEYS, RUN_THRESHOLD_TESTS } from '../../src/config/schema.js';
import { DEFAULT_REPORT_CONFIG } from '../../src/report/default-config.js';
import { readGuide } from './markdown.js';

const guide = readGuide('configuration.md');

function section(title: string): string {
  const start = guide.indexOf(`## ${title}`);
  expect(start, title).toBeGreaterThanOrEqual(0);
  const end = guide.indexOf('\n## ', start + 1);
  return guide.slice(start, end === -1 ? undefined : end);
}

describe('docs/configuration.md', () => {
  it('documents every Orion key', () => {
    const orion = section('Orion analysis configs');
    for (const key of [...KNOWN_TOP_LEVEL_KEYS, ...KNOWN_TEST_KEYS, ...RESERVED_METRIC_KEYS]) expect(orion, key).toContain(`\`${key}\``);
    for (const key of [...RUN_THRESHOLD_KEYS, ...RUN_THRESHOLD_TESTS]) expect(orion, `threshold ${key}`).toContain(`\`${key}\``);
  });

  it('documents every report config key', () => {
    const report = section('Report configs');
    const defaults = parse(DEFAULT_REPORT_CONFIG) as Record<string, unknown> & { fields: Record<string, string> };
    for (const key of [...Object.keys(defaults), ...Object.keys(defaults.fields)]) expect(report, key).toContain(`\`${key}\``);
    for (const value of Object.values(defaults.fields)) expect(report, `default ${value}`).toContain(`\`${value}\``);
  });
});
