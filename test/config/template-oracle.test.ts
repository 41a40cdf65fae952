/**
 * perfhound's Jinja subset against what nunjucks 3.2.4 rendered before it was replaced
 * (test/fixtures/template-renders/README.md): every Orion example byte for byte, and a corpus of small
 * templates — except where nunjucks departed from Jinja2, Orion's engine (listed below with Jinja2's answer).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/config/index.js';
import { renderTemplateData } from '../../src/config/template.js';
import { parseTemplatedYaml, parseYamlSource } from '../../src/config/yaml-source.js';

const HERE = 'test/fixtures/template-renders';
const ROOT = 'test/fixtures/orion-examples';

interface Rendered {
  output?: string;
  error?: string;
}
const inputs = JSON.parse(readFileSync(join(HERE, 'inputs.json'), 'utf8')) as { variants: Record<string, Record<string, unknown>> };
const oracle = JSON.parse(readFileSync(join(HERE, 'nunjucks-renders.json'), 'utf8')) as {
  examples: Record<string, Record<string, { sha256?: string; length?: number; error?: string }>>;
  corpus: [string, Record<string, unknown>, Rendered][];
};

/** Where nunjucks is not Jinja2: the template, Jinja2's output, why. */
const JINJA_DIFFERS: Record<string, [string, string]> = {
  "{{ 1 < 2 }} {{ 2 <= 1 }} {{ 'a' != 'b' }} {{ 3 > 2 and 1 > 2 }} {{ not false or false }}": ['True False True False True', 'Python prints booleans True/False'],
  "{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in d }} {{ 5 not in [1] }}": ['True True True True', 'Python prints booleans True/False'],
  '{{ x is number }} {{ x is string }} {{ s is string }} {{ x is even }} {{ x is odd }} {{ x is divisibleby(3) }}': ['True False True True False True', 'Python prints booleans True/False'],
  '{{ n is none }} {{ x is none }}': ['True False', 'Python prints booleans True/False'],
  '{{ b }} {{ t }}': ['True False', 'Python prints booleans True/False'],
  "{{ loop_var | default('none') }}{% for i in [1] %}{{ loop.first }}{{ loop.index0 }}{{ loop.length }}{{ loop.revindex }}{% endfor %}": ['noneTrue011', 'Python prints booleans True/False'],
  '{% if x %}t{% else %}f{% endif %}{% if l %}t{% else %}f{% endif %}{% if s %}t{% else %}f{% endif %}': ['fff', 'an empty list is false in Python, true in JavaScript'],
  '{{ l }}': ["[1, 'a']", 'Jinja2 prints a list as Python does'],
  '{{ n }}|{{ d }}': ["None|{'a': 1}", 'Jinja2 prints None and mappings as Python does; nunjucks refused null'],
};

describe('the Jinja subset renders what nunjucks rendered', () => {
  const files = Object.keys(oracle.examples);

  it('covers every example file', () => {
    expect(files.length).toBeGreaterThanOrEqual(115);
  });

  it.each(files)('%s: byte-identical output, and the same YAML document whether outputs are text or data', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const [variant, vars] of Object.entries(inputs.variants)) {
      const expected = oracle.examples[file]?.[variant];
      expect(expected?.error, `${file} ${variant}`).toBeUndefined();
      const output = renderTemplate(text, vars, file);
      expect({ variant, sha256: createHash('sha256').update(output).digest('hex'), length: output.length }).toEqual({ variant, ...expected });
      const data = renderTemplateData(text, vars, file);
      const filled = data.hasOutputs ? parseTemplatedYaml(data.text, data, file).value : parseYamlSource(data.text, file).value;
      expect(filled).toEqual(parseYamlSource(output, file).value);
    }
  });

  it.each(oracle.corpus.map(([template, vars, rendered]) => ({ template, vars, rendered })))('$template', ({ template, vars, rendered }) => {
    const differs = JINJA_DIFFERS[template];
    if (differs) {
      expect(renderTemplate(template, vars, 'c.yaml'), differs[1]).toBe(differs[0]);
      return;
    }
    if (rendered.error !== undefined) {
      expect(() => renderTemplate(template, vars, 'c.yaml')).toThrow(/^c\.yaml:1: /);
      return;
    }
    expect(renderTemplate(template, vars, 'c.yaml')).toBe(rendered.output);
  });
});
