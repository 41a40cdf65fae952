/** Jinja2 templating with StrictUndefined semantics, and PyYAML's reading of the rendered text. */
import { describe, expect, it } from 'vitest';
import { parseAnalysisConfig, renderTemplate, requiredVariables, templateVariables } from '../../src/config/index.js';
import { parseYamlSource } from '../../src/config/yaml-source.js';

describe('templates', () => {
  it('lower-cases environment variables; input variables override them', () => {
    expect(Object.fromEntries(templateVariables({ VERSION: '4.19', Es_Server: 'x' }, { version: '4.20' }))).toEqual({ version: '4.20', es_server: 'x' });
  });

  it('lets default(), d() and `is defined` guard undefined variables', () => {
    const text = "a: {{ x | default('p') }}\nb: {{ y | d(0) }}\nc: {% if z is defined %}{{ z }}{% else %}none{% endif %}";
    expect(renderTemplate(text, {}, 'f')).toBe('a: p\nb: 0\nc: none');
    expect(requiredVariables(text)).toEqual([]);
    expect(requiredVariables('{{ x | default(1) }} {{ x }} {{ y }}')).toEqual(['x', 'y']);
  });

  it('rejects an unguarded undefined variable anywhere, even where nunjucks would print nothing', () => {
    expect(() => renderTemplate('a: 1\nb: {{ "v" ~ missing }}', {}, 'f.yaml')).toThrow(/^f\.yaml:2: undefined template variable "missing"/);
    expect(() => renderTemplate('{% if flag %}x{% endif %}', {}, 'f.yaml')).toThrow(/undefined template variable "flag"/);
    expect(() => renderTemplate('a: {{ cfg.depth }}', {}, 'f.yaml')).toThrow(/undefined template variable "cfg"/);
  });

  it('treats names bound by set and for as defined', () => {
    expect(renderTemplate('{% set v = "4.20" %}{% for i in [1, 2] %}{{ v }}-{{ i }} {% endfor %}', {})).toBe('4.20-1 4.20-2 ');
  });

  it('does not HTML-escape values', () => {
    expect(renderTemplate('q: "{{ q }}"', { q: 'a<b & "c"' })).toBe('q: "a<b & "c""');
  });
});

describe('YAML as PyYAML reads it', () => {
  it('reads 1.1 scalars: yes/on booleans, 4.20 a float, dates as Python prints them; y stays a string', () => {
    const { value } = parseYamlSource('a: yes\nb: on\nc: 4.20\nd: 2026-01-20\ne: y\nf: n\ng: "4.20"\n');
    expect(value).toEqual({ a: true, b: true, c: 4.2, d: '2026-01-20', e: 'y', f: 'n', g: '4.20' });
  });

  it('supports << merge keys', () => {
    expect(parseYamlSource('base: &b {platform: AWS}\nt:\n  <<: *b\n  fips: "false"\n').value).toEqual({
      base: { platform: 'AWS' },
      t: { platform: 'AWS', fips: 'false' },
    });
  });

  it('gives the line of keys and list items', () => {
    const source = parseYamlSource('tests:\n  - name: a\n    metrics:\n      - name: m\n        agg:\n          agg_type: x\n');
    expect(source.lineOf(['tests', 0, 'metrics', 0, 'agg', 'agg_type'])).toBe(6);
    expect(source.lineOf(['tests', 0, 'metrics', 0])).toBe(4);
    expect(source.lineOf(['tests', 0, 'missing'])).toBe(2);
  });

  it('a rendered unquoted version becomes a YAML number, as in Orion', async () => {
    const loaded = await parseAnalysisConfig('tests:\n  - name: t\n    metadata:\n      ocpMajorVersion: {{ version }}\n    metrics: [{name: a, metric_of_interest: v}]\n', {
      inputVars: { version: '4.20' },
      env: {},
    });
    expect(loaded.tests[0]?.metadata['ocpMajorVersion']).toBe(4.2);
    expect(loaded.warnings[0]?.message).toMatch(/YAML number: quote it/);
  });
});
