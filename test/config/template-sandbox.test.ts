/**
 * Config templates never reach JavaScript: only the data's own keys, a fixed set of filters, tests and
 * functions, bounded loops, output and work. Everything else is a UserError naming the file and line.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/config/index.js';
import { LIMITS } from '../../src/config/jinja-render.js';
import { UserError } from '../../src/util/errors.js';

const marker = globalThis as { __perfhoundPwned?: unknown };
afterEach(() => {
  delete marker.__perfhoundPwned;
});

/** The error a template gives, or fails the test when it renders. */
function refusal(template: string, vars: Record<string, unknown> = {}): UserError {
  let result: unknown;
  try {
    result = renderTemplate(template, vars, 'hostile.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error(`rendered instead of refusing: ${JSON.stringify(result)}`);
}

const PAYLOAD = 'globalThis.__perfhoundPwned = 1; return 1';

describe('template sandbox', () => {
  it.each([
    ['range.constructor', `a: 1\nb: {{ range.constructor("${PAYLOAD}")() }}`],
    ['string constructor chain', `a: 1\nb: {{ "".constructor.constructor("${PAYLOAD}")() }}`],
    ['subscript constructor', `a: 1\nb: {{ ""["constructor"]["constructor"]("${PAYLOAD}")() }}`],
    ['computed subscript', `a: 1\nb: {{ ""["con" ~ "structor"]["con" ~ "structor"]("${PAYLOAD}")() }}`],
    ['__proto__ of data', 'a: 1\nb: {{ x.__proto__ }}'],
    ['prototype', 'a: 1\nb: {{ x.prototype }}'],
    ['cycler global', `a: 1\nb: {{ cycler.constructor("${PAYLOAD}")() }}`],
    ['joiner global', `a: 1\nb: {{ joiner().constructor.constructor("${PAYLOAD}")() }}`],
    ['filter result constructor', `a: 1\nb: {{ (x | lower).constructor.constructor("${PAYLOAD}")() }}`],
    ['loop object', `a: 1\nb: {% for i in [1] %}{{ loop.constructor.constructor("${PAYLOAD}")() }}{% endfor %}`],
    ['method call on a string', 'a: 1\nb: {{ x.toUpperCase() }}'],
    ['calling data', 'a: 1\nb: {{ x() }}'],
    ['inherited member', 'a: 1\nb: {{ x.toString }}'],
    ['own __proto__ key', 'a: 1\nb: {{ d["__proto__"] }}'],
    ['macro', 'a: 1\n{% macro m() %}x{% endmacro %}'],
    ['include', 'a: 1\n{% include "/etc/passwd" %}'],
    ['import', 'a: 1\n{% import "/etc/passwd" as p %}'],
    ['extends', 'a: 1\n{% extends "/etc/passwd" %}'],
  ])('refuses %s with the file and line, and runs nothing', (_name, template) => {
    const err = refusal(template, { x: 'v', d: JSON.parse('{"__proto__": {"polluted": 1}}') });
    expect(err.place).toMatchObject({ file: 'hostile.yaml', line: 2 });
    expect(err.message).toMatch(/^hostile\.yaml:2: /);
    expect(marker.__perfhoundPwned).toBeUndefined();
  });

  it('looks variables up as own keys of the data only', () => {
    const inherited = Object.create({ secret: 'from the prototype' }) as Record<string, unknown>;
    inherited['own'] = 'mine';
    expect(renderTemplate('{{ d.own }}', { d: inherited })).toBe('mine');
    expect(() => renderTemplate('{{ d.secret }}', { d: inherited }, 'f.yaml')).toThrow(UserError);
    expect(() => renderTemplate('{{ d.hasOwnProperty }}', { d: { a: 1 } }, 'f.yaml')).toThrow(UserError);
    expect(() => renderTemplate('{{ valueOf }}', {}, 'f.yaml')).toThrow(/undefined template variable "valueOf"/);
  });

  it('bounds range() and the total iterations of loops', () => {
    expect(refusal('a: 1\nb: {% for i in range(300000000) %}{% endfor %}').message).toMatch(/^hostile\.yaml:2: .*range/);
    // the iteration bound, not the wall-time bound, must stop this one: on a loaded machine 2 s can pass first
    const millis = LIMITS.millis;
    LIMITS.millis = 60_000;
    try {
      expect(refusal('{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}').message).toMatch(/iterations/);
    } finally {
      LIMITS.millis = millis;
    }
  });

  it('bounds the output size and the work of string operations', () => {
    expect(refusal('{% for i in range(9000) %}{{ s }}{% endfor %}', { s: 'x'.repeat(10_000) }).message).toMatch(/output/);
    expect(refusal('{{ "x" * 100000000 }}').message).toMatch(/long/);
    expect(refusal('{{ s | replace("", s) }}', { s: 'x'.repeat(100_000) }).message).toMatch(/long/);
    expect(refusal('{% set s = "x" * 3000000 %}{{ s ~ s }}').message).toMatch(/long/);
    expect(refusal('{{ l | join(s) }}', { l: Array.from({ length: 1000 }, () => 'x'), s: 'y'.repeat(10_000) }).message).toMatch(/long/);
  });

  it('bounds the nesting of expressions and blocks (no stack overflow)', () => {
    expect(refusal(`{{ ${'('.repeat(150)}1${')'.repeat(150)} }}`).message).toMatch(/nest/);
    expect(refusal(`{{ ${'('.repeat(5000)}1${')'.repeat(5000)} }}`).message).toMatch(/too long/);
    expect(refusal(`{{ x${'.a'.repeat(5000)} }}`, { x: {} }).message).toMatch(/too long/);
    expect(refusal(`${'{% if true %}'.repeat(5000)}${'{% endif %}'.repeat(5000)}`).message).toMatch(/nest/);
  });

  it('property: no sequence of tokens reaches JavaScript; each renders or is a UserError', () => {
    const tokens = [
      'constructor', '__proto__', 'prototype', 'range', 'cycler', 'joiner', 'loop', 'x', 'd', '"return 1"',
      `"${PAYLOAD}"`, '(', ')', '()', '.', '[', ']', '"constructor"', '|', 'lower', 'join', 'default', '~', ',', '1',
      'is', 'defined', 'not', 'in', '{', '}', ':', 'caller', 'self', 'namespace', 'lipsum', 'dict', 'super',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...tokens), { minLength: 1, maxLength: 12 }), fc.boolean(), (parts, statement) => {
        const body = parts.join(' ');
        const template = statement ? `{% set q = ${body} %}{{ q }}` : `{{ ${body} }}`;
        try {
          const out = renderTemplate(template, { x: 'v', d: { k: 1 } }, 'p.yaml');
          expect(typeof out).toBe('string');
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
        }
        expect(marker.__perfhoundPwned).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});
