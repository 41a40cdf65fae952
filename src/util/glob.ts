/**
 * Wildcard patterns (`*` any run, optionally `?` one character and `\` escapes) matched without a
 * backtracking regular expression: `^.*a.*a.*a…b$` from a pattern such as `*a*a*a*…b` takes time
 * exponential in its stars on a backtracking engine (8 stars on 60 characters: minutes), and patterns
 * come from configs a request may carry. This matcher backtracks only to the last `*`: O(pattern × text)
 * at worst, whatever the pattern.
 *
 * @example
 * compileGlob('perf_scale_ci*').test('perf_scale_ci-2024') // → true
 * compileGlob('a\\*?', { question: true, escapes: true }).test('a*é') // → true
 */
export interface Glob {
  test(text: string): boolean;
}

export interface GlobOptions {
  /** `?` matches one character (a Unicode code point); otherwise it is a literal. */
  question?: boolean;
  /** `\x` is a literal `x`; otherwise `\` is a literal. */
  escapes?: boolean;
}

const STAR = Symbol('*');
const ANY = Symbol('?');
type Part = string | typeof STAR | typeof ANY;

export function compileGlob(pattern: string, options: GlobOptions = {}): Glob {
  const parts: Part[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (options.escapes && c === '\\' && i + 1 < chars.length) parts.push(chars[++i]);
    else if (c === '*') {
      // `**` is `*`.
      if (parts[parts.length - 1] !== STAR) parts.push(STAR);
    } else if (options.question && c === '?') parts.push(ANY);
    else parts.push(c);
  }
  // Without `?` every literal is compared whole, so UTF-16 units do as well as code points (and cost no copy).
  const byCodePoint = parts.includes(ANY);
  if (!parts.includes(STAR) && !byCodePoint) {
    const literal = parts.join('');
    return { test: (text) => text === literal };
  }
  if (byCodePoint) return { test: (text) => matchParts(parts, Array.from(text)) };
  const units = parts.flatMap((p): Part[] => (typeof p === 'string' ? p.split('') : [p]));
  return { test: (text) => matchParts(units, text) };
}

/** The classic wildcard match: on a mismatch, the last `*` takes one more character. */
function matchParts(parts: Part[], text: ArrayLike<string>): boolean {
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (i < text.length) {
    const p = parts[j];
    if (j < parts.length && p !== STAR && (p === ANY || p === text[i])) {
      i++;
      j++;
    } else if (p === STAR) {
      star = j++;
      mark = i;
    } else if (star >= 0) {
      j = star + 1;
      i = ++mark;
    } else return false;
  }
  while (parts[j] === STAR) j++;
  return j === parts.length;
}
