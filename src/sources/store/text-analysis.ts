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
  return isAscii(text) ? analyzeAscii(text) : analyzeUnicode(text);
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The general case: characters classified by their Unicode properties. */
export function analyzeUnicode(text: string): string[] {
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

/**
 * {@link analyzeUnicode} for ASCII text, by character codes (most metadata: ingest computes the terms of
 * every run's values, and the regular expressions over single characters were most of that). In ASCII a
 * letter is A–Z/a–z, a digit 0–9, a word character either or `_`, and no character is a mark.
 */
function analyzeAscii(text: string): string[] {
  const tokens: string[] = [];
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isAsciiWord(c)) {
      if (start < 0) start = i;
      continue;
    }
    if (start >= 0 && i + 1 < text.length && asciiJoinsWords(text.charCodeAt(i - 1), c, text.charCodeAt(i + 1))) continue;
    if (start >= 0) tokens.push(text.slice(start, i).toLowerCase());
    start = -1;
  }
  if (start >= 0) tokens.push(text.slice(start).toLowerCase());
  return tokens;
}

const isAsciiLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isAsciiDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isAsciiWord = (c: number) => isAsciiLetter(c) || isAsciiDigit(c) || c === 0x5f;

/** {@link joinsWords} by character codes: `.` `'` between letters or digits, `:` between letters, `,` `;` between digits. */
function asciiJoinsWords(before: number, mid: number, after: number): boolean {
  const letters = isAsciiLetter(before) && isAsciiLetter(after);
  const digits = isAsciiDigit(before) && isAsciiDigit(after);
  if (mid === 0x2e || mid === 0x27) return letters || digits;
  if (mid === 0x3a) return letters;
  if (mid === 0x2c || mid === 0x3b) return digits;
  return false;
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
