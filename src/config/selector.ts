/**
 * A test's merged `metadata` block → the run selection every source understands (`MetadataSelector`),
 * with Orion's rules (`orion/matcher.py:get_uuid_by_metadata`, `utils.py:extract_metadata_from_test`):
 *
 * - `field: value` must match; values keep their YAML type (sources stringify as Orion does, see
 *   `pythonStr`). Skipped, as in Orion: empty-string values, `pullNumber: 0` (an integer — the quoted
 *   `"0"` is matched), empty `organization` / `repository` (PR-mode placeholders).
 * - `not: {field: value | [values]}` — none may match.
 * - `wildcard: {field: pattern}` — `*`/`?` patterns.
 *
 * One deliberate difference (orion.md §7): Orion silently ignores an exact `version_field` (e.g.
 * `ocpVersion: "4.19"`) or `ocpMajorVersion` in metadata since PR #351, so such a config matches every
 * version. perfhound matches it as the prefix `4.19*` (what Orion did before #351) and warns.
 */
import type { FieldValue, MetadataSelector } from '../sources/types.js';
import type { Place } from '../util/errors.js';
import type { ConfigWarning } from './types.js';
import type { Problem } from './problems.js';
import { describeValue } from './problems.js';
import { pythonStr } from '../util/python-str.js';
import type { PathSegment } from './yaml-source.js';

export interface SelectorResult {
  selector: MetadataSelector;
  warnings: ConfigWarning[];
  problems: Problem[];
}

const PR_PLACEHOLDERS = new Set(['organization', 'repository']);

export function buildSelector(
  metadata: Record<string, unknown>,
  versionField: string,
  locate: (path: readonly PathSegment[]) => Place,
  /** Orion's behaviour: an exact version field selects nothing (`--orion-compat`). */
  orionCompat = false,
): SelectorResult {
  const selector: MetadataSelector = { match: {}, not: {}, wildcard: {} };
  const warnings: ConfigWarning[] = [];
  const problems: Problem[] = [];
  const versionKeys: string[] = [];

  for (const [field, value] of Object.entries(metadata)) {
    if (field === 'not') {
      readNot(value, selector, locate, problems);
    } else if (field === 'wildcard') {
      readWildcard(value, selector, locate, problems, warnings);
    } else if (PR_PLACEHOLDERS.has(field) && !value) {
      continue;
    } else if (value === null || value === undefined) {
      problems.push({ message: `metadata field ${field} has no value`, place: locate([field]) });
    } else if (typeof value === 'object') {
      problems.push({ message: `must be a single value, not ${describeValue(value)}`, place: locate([field]) });
    } else if (value === '' || (field === 'pullNumber' && value === 0)) {
      continue;
    } else if (field === versionField || field === 'ocpMajorVersion') {
      versionKeys.push(field);
    } else {
      selector.match[field] = value as FieldValue;
    }
  }

  for (const field of orionCompat ? [] : versionKeys) {
    const value = metadata[field] as FieldValue;
    if (field in selector.wildcard) {
      warnings.push({
        message: `metadata ${field}: ${pythonStr(value)} is ignored because wildcard.${field} is set`,
        place: locate([field]),
      });
      continue;
    }
    selector.wildcard[field] = `${pythonStr(value)}*`;
    const quoteHint = typeof value === 'number' ? ' (it is a YAML number: quote it to keep trailing zeros)' : '';
    warnings.push({
      message: `metadata ${field}: ${pythonStr(value)} is matched as the prefix "${pythonStr(value)}*" (Orion ignores an exact ${field}, as --orion-compat does, see docs/orion-differences.md; prefer wildcard.${field})${quoteHint}`,
      place: locate([field]),
    });
  }
  return { selector, warnings, problems };
}

function readNot(value: unknown, selector: MetadataSelector, locate: (p: readonly PathSegment[]) => Place, problems: Problem[]): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ message: `must be a mapping of field: value(s), not ${describeValue(value)}`, place: locate(['not']) });
    return;
  }
  for (const [field, raw] of Object.entries(value)) {
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.length === 0 || values.some((v) => v === null || typeof v === 'object')) {
      problems.push({ message: `must be a value or a list of values, not ${describeValue(raw)}`, place: locate(['not', field]) });
      continue;
    }
    selector.not[field] = values as FieldValue[];
  }
}

function readWildcard(
  value: unknown,
  selector: MetadataSelector,
  locate: (p: readonly PathSegment[]) => Place,
  problems: Problem[],
  warnings: ConfigWarning[],
): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ message: `must be a mapping of field: pattern, not ${describeValue(value)}`, place: locate(['wildcard']) });
    return;
  }
  for (const [field, raw] of Object.entries(value)) {
    if (raw === null || typeof raw === 'object') {
      problems.push({ message: `must be a pattern such as "4.19*", not ${describeValue(raw)}`, place: locate(['wildcard', field]) });
      continue;
    }
    const pattern = pythonStr(raw);
    selector.wildcard[field] = pattern;
    if (field.endsWith('.keyword') && pattern.startsWith('*')) {
      // Orion's own warning: a leading * on a keyword field scans every term of the index.
      warnings.push({
        message: `wildcard ${field}: "${pattern}" starts with * on a .keyword field, which is slow on large indices`,
        place: locate(['wildcard', field]),
      });
    }
  }
}
