import { RE2JS } from 're2js';
import { UserError } from '../../util/errors.js';

/**
 * Test names the way subunit2sql's `read_subunit` cleans them: the first match of the attr regex (default
 * `\[(.*)\]`, tempest's `[id-…,smoke]`) is removed from the name unless it starts at position 0, and its
 * first group becomes the `attrs` metadata (even at position 0, as in subunit2sql's `get_attrs`).
 */
export const DEFAULT_ATTR_REGEX = '\\[(.*)\\]';

/** A compiled attr regex: the first match in a test id, its span and its first group. */
export interface AttrPattern {
  readonly source: string;
  find(id: string): { start: number; end: number; group: string | null } | null;
}

/**
 * The `--attr-regex` a user gives (CLI flag or query parameter) runs on every test id of a run, so it
 * runs on RE2 (re2js): time linear in the id whatever the pattern — `(a+)+$` froze the daemon for 12 s on
 * a 27-character id on a backtracking engine. RE2 has Python's syntax (subunit2sql's) less what needs
 * backtracking: a pattern with backreferences or lookaround is refused, naming the option.
 */
export function compileAttrRegex(pattern: string): AttrPattern {
  if (pattern === DEFAULT_ATTR_REGEX) return DEFAULT_PATTERN;
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    const reason = (err as Error).message.replace(/^error parsing regexp: /, '');
    throw new UserError(
      `--attr-regex ${JSON.stringify(pattern)} cannot be used: ${reason} (patterns run on a linear-time engine: no backreferences or lookaround)`,
      { field: '--attr-regex' },
    );
  }
  const grouped = re.groupCount() >= 1;
  return {
    source: pattern,
    find(id) {
      const m = re.matcher(id);
      if (!m.find()) return null;
      return { start: m.start(), end: m.end(), group: grouped ? m.group(1) : null };
    },
  };
}

/**
 * The default `\[(.*)\]` without a regex engine (most ids have no `[`): the first `[` whose line (`.`
 * does not cross `\n`) has a `]` after it, up to that line's last `]`. One pass over the id.
 */
const DEFAULT_PATTERN: AttrPattern = {
  source: DEFAULT_ATTR_REGEX,
  find(id) {
    for (let open = id.indexOf('['); open >= 0; ) {
      let lineEnd = id.indexOf('\n', open);
      if (lineEnd < 0) lineEnd = id.length;
      let close = lineEnd - 1;
      while (close > open && id.charCodeAt(close) !== 0x5d) close--;
      if (close > open) return { start: open, end: close + 1, group: id.slice(open + 1, close) };
      open = lineEnd < id.length ? id.indexOf('[', lineEnd + 1) : -1;
    }
    return null;
  },
};

export function splitTestName(id: string, attrRegex: AttrPattern): { name: string; attrs: string | null } {
  const m = attrRegex.find(id);
  if (m === null) return { name: id, attrs: null };
  const { start, end, group } = m;
  const name = start > 0 && end > start ? id.slice(0, start) + id.slice(end) : id;
  return { name, attrs: group === '' ? null : group };
}

/** Attrs kept as test metadata with --test-attr-prefix (optionally without the prefix). */
export function prefixedAttrs(attrs: string | null, prefix: string, removePrefix: boolean): string[] {
  if (attrs === null) return [];
  return attrs
    .split(',')
    .filter((a) => a.startsWith(prefix))
    .map((a) => (removePrefix ? a.slice(prefix.length) : a));
}
