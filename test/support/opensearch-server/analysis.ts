/**
 * Text analysis as OpenSearch's `standard` analyzer does it: the Unicode word-break rules of the standard
 * tokenizer (UAX #29, the subset that matters for identifiers, versions and words) followed by lower-casing.
 *
 * Rules kept: letters, digits and `_` form words; letters and digits join (`e2`, `v3`); `.` and `'` stay
 * inside a token between two letters (`a.b`) or two digits (`4.20.0`); `:` between letters; `,` and `;`
 * between digits. Everything else separates tokens. So `"4.20.0-0.nightly"` → `4.20.0`, `0`, `nightly`
 * and `"self-managed"` → `self`, `managed`.
 */
const WORD = /[\p{L}\p{N}\p{M}_]/u;
const LETTER = /[\p{L}\p{M}]/u;
const DIGIT = /\p{N}/u;

export function analyze(text: string): string[] {
  const chars = Array.from(text);
  const tokens: string[] = [];
  let current = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (WORD.test(c)) {
      current += c;
      continue;
    }
    if (current && i + 1 < chars.length && joinsWords(chars[i - 1], c, chars[i + 1])) {
      current += c;
      continue;
    }
    if (current) tokens.push(current.toLowerCase());
    current = '';
  }
  if (current) tokens.push(current.toLowerCase());
  return tokens;
}

function joinsWords(before: string, mid: string, after: string): boolean {
  const letters = LETTER.test(before) && LETTER.test(after);
  const digits = DIGIT.test(before) && DIGIT.test(after);
  if (mid === '.' || mid === "'" || mid === '\u2019') return letters || digits;
  if (mid === ':') return letters;
  if (mid === ',' || mid === ';') return digits;
  return false;
}

/** A `wildcard` pattern (`*` any run, `?` one character, `\` escapes) as an anchored RegExp. */
export function wildcardToRegExp(pattern: string, caseInsensitive = false): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) source += escapeRegExp(pattern[++i]);
    else if (c === '*') source += '[\\s\\S]*';
    else if (c === '?') source += '[\\s\\S]';
    else source += escapeRegExp(c);
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u');
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
