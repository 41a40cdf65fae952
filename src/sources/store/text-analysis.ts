/**
 * OpenSearch's `standard` analyzer, as far as Orion configs exercise it: Unicode word boundaries (UAX #29,
 * the part that matters for identifiers, versions and words) and lower-casing. `match` on a text field is
 * an OR over these tokens, and `wildcard` on a text field is tried against each token (reference/orion.md
 * §2.6 point 4), so the store must tokenise exactly like the server it stands in for.
 *
 * @example
 * analyzeText('4.20.0-0.nightly-2026') // ['4.20.0', '0', 'nightly', '2026']
 * analyzeText('self-managed')          // ['self', 'managed']
 */
import { compileGlob, type Glob } from '../../util/glob.js';

const WORD = /[\p{L}\p{N}\p{M}_]/u;
const LETTER = /[\p{L}\p{M}]/u;
const DIGIT = /\p{N}/u;

export function analyzeText(text: string): string[] {
  const chars = Array.from(text);
  const tokens: string[] = [];
  let current = '';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (WORD.test(c)) {
      current += c;
      continue;
    }
    // `.`, `'`, `:`, `,` stay inside a token between two letters or two digits (4.20.0, a.b).
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

/**
 * A `wildcard` pattern (`*` any run, `?` one character, `\` escapes), anchored; matched without a
 * backtracking regex (a config's `*a*a*a*…` would freeze the daemon: see compileGlob).
 */
export function wildcardToRegExp(pattern: string): Glob {
  return compileGlob(pattern, { question: true, escapes: true });
}
