import { afterEach, describe, expect, it } from 'vitest';
import { parsePlainYaml } from '../../src/config/plain-yaml.js';
import { parseWithYaml } from '../../src/config/yaml-source.js';
import { pathsOf, viaYaml } from './yaml-oracle.js';

/*
 * The fast path against the yaml package (with yaml-source.ts's options) on the corners of plain YAML:
 * indicators inside scalars, quoting and escapes, YAML 1.1 scalars, odd keys, indentation, Unicode spaces,
 * document markers, deep nesting, and random documents built from the same pieces. Wherever the fast path
 * answers, its value and every line must be the package's; it must never throw.
 */

/** Every document the fast path got wrong, so one run lists them all. */
const failures: string[] = [];
let accepted = 0;
/** Records where the fast path answers something other than the yaml package (or throws) on `text`. */
function check(text: string): void {
  try {
    compare(text);
  } catch (err) {
    failures.push(JSON.stringify(text) + ' :: ' + String((err as Error).message).split('\n').slice(0, 12).join(' | '));
  }
}
function compare(text: string): void {
  let plain;
  try {
    plain = parsePlainYaml(text);
  } catch (err) {
    throw new Error(`threw ${String(err)} on ${JSON.stringify(text.slice(0, 80))}`);
  }
  if (plain === undefined) return;
  const expected = viaYaml(text);
  accepted++;
  // toEqual, not toStrictEqual: a `constructor` key would make the latter compare the two values' own
  // `constructor` entries as their types.
  expect({ value: plain.value }, text).toEqual(expected);
  expect(JSON.stringify(plain.value), text).toBe(JSON.stringify((expected as { value: unknown }).value));
  const full = parseWithYaml(text);
  for (const path of pathsOf(plain.value)) expect(plain.lineOf(path), `${text}\n${JSON.stringify(path)}`).toBe(full.lineOf(path));
}

const VALUES = [
  'a', '- a', '- 1', '-', '-a', '--a', '- ', '-- a', 'a - b', '?a', '? a', 'a ?', '(a)', '=', '$x', 'a;b', '+', '+1', '-1', '+.5', '1e3', '.5', '5.', '0o17', '017', '.inf', '-.Inf', '~', '1_000',
  '1.0', '-0', '0.0', '12345678901234567', '0.12345678901234567890', 'yes', 'No', 'on', 'OFF', 'y', 'n', 'Y', 'null', 'NULL', 'Null', 'nUll', 'true', 'tRue',
  '"\\x41"', '"\\u00e9"', "'it''s'", '"a\\"b"', '"a\\\\b"', '"\\/"', '"\\t"', '"a"b', "'a'b", '"a" #c', '"a"#c', 'a #c', 'a#c', 'a # c', 'a  #c', 'a  b',
  '[a, b]', '[a, b,]', '[a,, b]', '[a, [b, c], {d: e}]', '{a: 1, b: 2,}', '{a: 1,, b: 2}', '{a:1}', '{a: }', '{a}', '{a, b}', '[a: 1]', '[-]', '[- a]', '[-a]', '[a #c]', '[a] #c', '[a]#c', '{}', '[]', '[ ]', '{ }',
  '{a: [1, 2], b: {c: d}}', '{"a b": 1}', "{'a': 1}", '[a b, c]', '[a, b', '{a: 1', '[a]]', '[a], b', '{a: 1} x', '[1, -2, +3]', '[.5]', '[yes, no]', '{a: -}', '{a: - b}', '{- a: 1}', '{-a: 1}', '[a=b]', '[(a)]', 'a)', ')', '();',
  '/a/b', 'a/b:c', 'http://x', 'a: b', 'a:b', 'a :b', '-.5', '-5.', '+5.', '1.5.3', '1-2', '2024-01-01', '2024-1-1x', '1:30', '12:30:45', '0x1F', '0b101', '.nan', '.NaN', '<<', 'e10', '1e', '1.0e5', 'Infinity', 'NaN',
];
const KEYS = ['a', '"a"', "'a'", '"a b"', '"a:b"', 'a:b', '"#a"', 'a#b', '-a', '-', '.', '..', 'a.b', 'a/b', '"1"', '1', '"yes"', 'yes', 'y', '"null"', 'null', '"__proto__"', '__proto__', '"<<"', '"\\u00e9"', 'é', '"é"', 'a b', '"a\\"b"', "'it''s'", '"\\x41"', 'a-', '_', '0a', '1a', '-1', '+a', 'a+', "''", '""', '"constructor"', 'constructor', 'toString', '"2"', '"10"', '"01"'];

afterEach(() => {
  expect(failures.splice(0)).toEqual([]);
});

describe('plain YAML fast path, adversarial', () => {
  it('scalar values after a key', () => {
    for (const v of VALUES) for (const form of [`k: ${v}\n`, `k: ${v}\nz: 1\n`, `k:\n  - ${v}\n`, `- ${v}\n`, `k: [${v}]\n`, `k: {x: ${v}}\n`, `k:${v}\n`, `k:  ${v}  \n`, `- - ${v}\n`]) check(form);
  });
  it('keys', () => {
    for (const k of KEYS) for (const form of [`${k}: 1\n`, `z: 0\n${k}: 1\n`, `${k}:\n  x: 1\n`, `- ${k}: 1\n  b: 2\n`, `x: {${k}: 1}\n`, `${k}: 1\n${k}: 2\n`, `${k}:1\n`, `${k} : 1\n`, `b: 1\n${k}: 2\na: 3\n`]) check(form);
  });
  it('structures', () => {
    const docs = [
      'a:\n', 'a:\nb:\n', 'a:\n  b:\n', 'a: 1\n  b: 2\n', 'a:\n- x\n- y\nb: 1\n', 'a:\n  - x\n  - y\n b: 1\n', '- a: 1\n  b: 2\n- c: 3\n', '- a: 1\n    b: 2\n', '- a: 1\n b: 2\n',
      '-   a: 1\n    b: 2\n', '-   a: 1\n  b: 2\n', '- a:\n  - x\n', '- a:\n    - x\n  b: 1\n', '- a:\n  b: 1\n', '- a: 1\n-\n', '- - a\n  - b\n', 'a:\n  - b: 1\n    c:\n      - d\n',
      '---\na: 1\n', 'a: 1\n...\n', 'a: 1\n---\nb: 2\n', 'a: 1\r\nb: 2\r\n', 'a: 1\n\tb: 2\n', '\ufeffa: 1\n', '  a: 1\n  b: 2\n', '  a: 1\nb: 2\n', 'a: 1\n # c\nb: 2\n', 'a: 1 # c\n  # d\nb: 2\n', 'a: 1', 'a: 1\n\n\n',
      'a:\n  # c\n  b: 1\n', 'a: # c\n  b: 1\n', 'a: #c\n', 'a:  # c\n  - 1\n', 'hello\n', '[a, b]\n', '{a: 1}\n', '"a"\n', 'a: 1\nhello\n', 'a: b\n  c\n', 'a: b\nc\n', 'a:\n  b\n', 'a: [1,\n  2]\n', 'a: "x\n  y"\n',
      'a: "x\u2028y"\n', 'a: x\u2028y\n', 'a: "x\u0085y"\n', 'a: x\u0085y\n', 'a: "\u0001"\n', 'a: \u00a0x\n', 'a: x\u00a0\n', 'a:\u00a0x\n', 'a: "x\u00a0"\n', 'a: "\\N"\n', 'a: 1\u2028b: 2\n', '#a\n', '', '\n', 'a: 1\n#\n', '%YAML 1.1\n---\na: 1\n',
      'a: 1\nb:\n  - 1\n  -\n', 'a:\n    - 1\n  - 2\n', 'x:\n  a: 1\n   b: 2\n', 'x:\n   a: 1\n  b: 2\n',
    ];
    for (const d of docs) check(d);
  });
  it('deep nesting', () => {
    check('a: ' + '['.repeat(20000) + ']'.repeat(20000) + '\n');
    check('a: ' + '{b: '.repeat(20000) + '1' + '}'.repeat(20000) + '\n');
    let block = '';
    for (let i = 0; i < 3000; i++) block += ' '.repeat(i) + 'k:\n';
    check(block);
  });
});

/** A small seeded generator (mulberry32), so a failure names a reproducible document. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('random documents', () => {
  it('from the keys and values above', () => {
    const next = random(Number(process.env.SEED ?? 1));
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
    const n = Number(process.env.DOCS ?? 3000);
    for (let d = 0; d < n; d++) {
      const lines: string[] = [];
      let indent = 0;
      const count = 1 + Math.floor(next() * 6);
      for (let l = 0; l < count; l++) {
        const r = next();
        indent = Math.max(0, indent + pick([-2, 0, 0, 2, 1, -1, 4]));
        const pad = ' '.repeat(indent);
        if (r < 0.35) lines.push(`${pad}${pick(KEYS)}: ${pick(VALUES)}`);
        else if (r < 0.55) lines.push(`${pad}${pick(KEYS)}:`);
        else if (r < 0.75) lines.push(`${pad}- ${pick(VALUES)}`);
        else if (r < 0.9) lines.push(`${pad}- ${pick(KEYS)}: ${pick(VALUES)}`);
        else lines.push(`${pad}${pick(['# c', '-', '- -', '', '---', `${pick(KEYS)}: ${pick(VALUES)} # ${pick(VALUES)}`])}`);
      }
      check(lines.join('\n') + (next() < 0.8 ? '\n' : ''));
    }
    // The documents must also reach the fast path's answers, not only its refusals.
    expect(accepted).toBeGreaterThan(n / 50);
  });
});
