/**
 * Orion ack files (orion.md §1.6, `orion/config.py:load_ack`): YAML (not templated) with an `ack:` list of
 * `{uuid, metric, reason, version?, test?}`. An empty file holds no acks; a file without `ack:` is an
 * error. Several files merge with duplicates `(uuid, metric)` dropped, first one kept.
 *
 * @example
 * const acks = mergeAcks(await Promise.all(paths.map((p) => loadAckFile(p))));
 * const forTest = filterAcks(acks, { version: '4.22', test: 'node-density' });
 */
import { readUserFile } from '../util/files.js';
import { Origins } from './origins.js';
import { parseOrThrow } from './problems.js';
import { ackFileSchema } from './schema.js';
import type { AckEntry } from './types.js';
import { parseYamlSource } from './yaml-source.js';

export async function loadAckFile(path: string): Promise<AckEntry[]> {
  return parseAckFile(await readUserFile(path, 'ack file'), path);
}

/** Parses ack-file text (or an already-parsed object, e.g. a JSON request body). */
export function parseAckFile(input: string | Record<string, unknown>, file?: string): AckEntry[] {
  const origins = new Origins();
  let value: unknown;
  if (typeof input === 'string') {
    const source = parseYamlSource(input, file);
    value = source.value;
    origins.register(value, source);
  } else {
    value = input;
  }
  if (value === null || value === undefined) return [];
  const parsed = parseOrThrow(ackFileSchema, value, (path) => origins.place(value, path, file));
  return (parsed.ack ?? []).map((entry, i) => ({
    uuid: entry.uuid,
    metric: entry.metric,
    reason: entry.reason,
    version: entry.version,
    test: entry.test,
    place: origins.place(value, ['ack', i], file),
  }));
}

/** Concatenates ack lists, keeping the first entry of each `(uuid, metric)` pair. */
export function mergeAcks(lists: readonly AckEntry[][]): AckEntry[] {
  const seen = new Set<string>();
  const merged: AckEntry[] = [];
  for (const entry of lists.flat()) {
    const key = `${entry.uuid}\u0000${entry.metric}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(entry);
  }
  return merged;
}

/**
 * Orion's per-test ack filter: an entry with a `version` applies only when it equals the test's
 * `metadata[version_field]`, one with a `test` only when it equals `metadata['benchmark.keyword']`;
 * entries without them always apply, and an absent filter value lets everything through.
 */
export function filterAcks(acks: readonly AckEntry[], filter: { version?: string; test?: string }): AckEntry[] {
  return acks.filter(
    (ack) =>
      (!filter.version || ack.version === undefined || ack.version === filter.version) &&
      (!filter.test || ack.test === undefined || ack.test === filter.test),
  );
}
