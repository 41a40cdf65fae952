/**
 * Test names the way subunit2sql's `read_subunit` cleans them: the first match of the attr regex (default
 * `\[(.*)\]`, tempest's `[id-…,smoke]`) is removed from the name unless it starts at position 0, and its
 * first group becomes the `attrs` metadata (even at position 0, as in subunit2sql's `get_attrs`).
 */
export const DEFAULT_ATTR_REGEX = '\\[(.*)\\]';

export function splitTestName(id: string, attrRegex: RegExp): { name: string; attrs: string | null } {
  // Most ids have no attrs: the default pattern cannot match without a '[' (cheaper than running it).
  if (attrRegex.source === DEFAULT_ATTR_REGEX && !id.includes('[')) return { name: id, attrs: null };
  const m = attrRegex.exec(id);
  if (m === null) return { name: id, attrs: null };
  const attrs = m[1] ?? null;
  const start = m.index;
  const end = start + m[0].length;
  const name = start > 0 && end > start ? id.slice(0, start) + id.slice(end) : id;
  return { name, attrs: attrs === '' ? null : attrs };
}

/** Attrs kept as test metadata with --test-attr-prefix (optionally without the prefix). */
export function prefixedAttrs(attrs: string | null, prefix: string, removePrefix: boolean): string[] {
  if (attrs === null) return [];
  return attrs
    .split(',')
    .filter((a) => a.startsWith(prefix))
    .map((a) => (removePrefix ? a.slice(prefix.length) : a));
}
