import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchesPattern } from '../../src/ingest/patterns.js';
import { compileAttrRegex, DEFAULT_ATTR_REGEX, splitTestName } from '../../src/ingest/subunit/names.js';
import { testIngestOptions } from '../../src/ingest/test-file.js';
import { wildcardToRegExp } from '../../src/sources/store/text-analysis.js';
import { compileGlob } from '../../src/util/glob.js';
import { UserError } from '../../src/util/errors.js';
import { useDaemon } from '../server/support.js';

/**
 * Patterns users give (`--attr-regex`, config wildcards, `--metadata-collection`/`--uuid-field` patterns)
 * run in time linear (regex) or pattern × text (wildcards) in the input: no backtracking blow-up.
 */
const ATTACK = 'a'.repeat(50_000) + '!';

describe('--attr-regex runs on a linear-time engine', () => {
  it('a catastrophic pattern answers at once on a long id', () => {
    // `(a+)+$` on a backtracking engine: 12 s at 27 characters, doubling with each one more.
    expect(splitTestName(ATTACK, compileAttrRegex('(a+)+$'))).toEqual({ name: ATTACK, attrs: null });
    expect(splitTestName('x.test[aaa', compileAttrRegex('(a+)+$'))).toEqual({ name: 'x.test[', attrs: 'aaa' });
    expect(splitTestName('t' + ATTACK, compileAttrRegex('(a|aa)+b'))).toEqual({ name: 't' + ATTACK, attrs: null });
  });

  it('backreferences and lookaround are refused naming --attr-regex, before any input is read', () => {
    for (const pattern of ['(a)\\1', '(?=a)x', '(?!a)x', '(?<=a)x', '(?<!a)x', '[unclosed']) {
      let err: unknown;
      try {
        testIngestOptions({ attrRegex: pattern }, 'subunit');
      } catch (e) {
        err = e;
      }
      expect(err, pattern).toBeInstanceOf(UserError);
      expect((err as UserError).message).toMatch(/^field --attr-regex: --attr-regex ".*" cannot be used: /);
    }
  });

  it('reads ids as subunit2sql does (first match, group 1, cut unless at position 0)', () => {
    const custom = compileAttrRegex('\\{(\\w+)\\}');
    expect(splitTestName('t.x{slow}.y', custom)).toEqual({ name: 't.x.y', attrs: 'slow' });
    expect(splitTestName('{slow}t', custom)).toEqual({ name: '{slow}t', attrs: 'slow' });
    expect(splitTestName('t.x', compileAttrRegex('t'))).toEqual({ name: 't.x', attrs: null });
    expect(splitTestName('a.b[é,😀]', compileAttrRegex('\\[(.*)\\]x?'))).toEqual({ name: 'a.b', attrs: 'é,😀' });
  });

  it('the default pattern without an engine agrees with RE2 on it', () => {
    const re2 = compileAttrRegex('(?:' + DEFAULT_ATTR_REGEX + ')');
    const defaultPattern = compileAttrRegex(DEFAULT_ATTR_REGEX);
    fc.assert(
      fc.property(fc.array(fc.constantFrom('[', ']', '\n', 'a', '\r', 'é'), { maxLength: 20 }), (chars) => {
        const id = chars.join('');
        expect(defaultPattern.find(id)).toEqual(re2.find(id));
      }),
      { numRuns: 2000 },
    );
    // Linear on many `[` without a `]` (a backtracking `\[(.*)\]` is quadratic there).
    expect(defaultPattern.find('['.repeat(200_000))).toBeNull();
    expect(defaultPattern.find('[\n'.repeat(100_000) + ']')).toBeNull();
  });

  it('the daemon answers 400 to such a pattern', async () => {
    const res = await d.app.inject({ method: 'POST', url: `/api/v1/ingest/subunit?attr-regex=${encodeURIComponent('(a)\\1')}`, headers: d.auth('ingest'), payload: 'x' });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.body).toMatch(/--attr-regex/);
  });
  const d = useDaemon('sqlite');
});

/** What the regexes built from wildcards before meant: the reference the matcher must agree with. */
function regexOf(pattern: string, escapes: boolean): RegExp {
  let source = '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (escapes && c === '\\' && i + 1 < chars.length) source += chars[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (c === '*') source += '[\\s\\S]*';
    else if (escapes && c === '?') source += '[\\s\\S]';
    else source += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}

describe('wildcards match without a backtracking regex', () => {
  it('many stars on a long text answer at once', () => {
    const stars = '*a'.repeat(12) + '*b';
    expect(matchesPattern(ATTACK, stars)).toBe(false);
    expect(wildcardToRegExp(stars).test(ATTACK)).toBe(false);
    expect(wildcardToRegExp(stars).test(ATTACK + 'b')).toBe(true);
  });

  it('agree with the anchored regexes they replace', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '\\', 'é', '😀', '.');
    for (const escapes of [false, true]) {
      fc.assert(
        fc.property(fc.array(alphabet, { maxLength: 8 }), fc.array(fc.constantFrom('a', 'b', '*', '?', '\\', 'é', '😀', '.'), { maxLength: 10 }), (p, t) => {
          const pattern = p.join('');
          const text = t.join('');
          const glob = compileGlob(pattern, { question: escapes, escapes });
          expect(glob.test(text), `${pattern} on ${text}`).toBe(regexOf(pattern, escapes).test(text));
        }),
        { numRuns: 3000 },
      );
    }
  });
});
