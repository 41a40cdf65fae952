import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlainYaml } from '../../src/config/plain-yaml.js';
import { renderTemplateData, requiredVariables } from '../../src/config/template.js';
import { parseWithYaml } from '../../src/config/yaml-source.js';
import { UserError } from '../../src/util/errors.js';
import { pathsOf, viaYaml } from './yaml-oracle.js';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

/** The fast path may decline; when it answers, it is the yaml package's value (keys in the same order) and lines. */
function expectSameOrDeclined(text: string): boolean {
  const plain = parsePlainYaml(text);
  if (plain === undefined) return false;
  const expected = viaYaml(text);
  expect({ value: plain.value }, text).toStrictEqual(expected);
  expect(JSON.stringify(plain.value), text).toBe(JSON.stringify((expected as { value: unknown }).value));
  const full = parseWithYaml(text);
  for (const path of pathsOf(plain.value)) expect(plain.lineOf(path), `${text}\n${JSON.stringify(path)}`).toBe(full.lineOf(path));
  return true;
}

/** The analysis benchmark's config shape (bench/analyze.ts), with comments and a negative direction. */
function generatedConfig(tests: number, metrics: number): string {
  const lines = ['# generated', 'tests:'];
  for (let t = 0; t < tests; t++) {
    lines.push(`  - name: bench-${t}`, '    metadata:', `      benchmark.keyword: bench-${t}`, '      platform: AWS  # cloud', '      ocpVersion: 4.20', '    metrics:');
    for (let m = 0; m < metrics; m++) {
      lines.push(`      - name: m${m}`, `        metricName.keyword: metric-${m}`, '        metric_of_interest: value', '        direction: -1');
      if (m % 2) lines.push('        agg: {agg_type: percentiles, percents: [50, 95, 99], target_percentile: 99}');
      lines.push('        labels: ["[Jira: PerfScale]", \'it\'\'s\']');
    }
  }
  return lines.join('\n') + '\n';
}

describe('plain YAML fast path', () => {
  it('reads every fixture config as the yaml package does, or declines it', () => {
    const files = yamlFiles('test/fixtures');
    const read = files.filter((file) => expectSameOrDeclined(readFileSync(file, 'utf8')));
    // Most real configs are plain (the templated ones are rendered before they get here).
    expect(files.length).toBeGreaterThan(50);
    expect(read.length).toBeGreaterThan(files.length / 4);
  });

  it('reads generated configs of the benchmarks', () => {
    expect(expectSameOrDeclined(generatedConfig(3, 4))).toBe(true);
  });

  it('agrees with the yaml package on scalars it resolves', () => {
    const scalars = ['a', 'a b', 'a-b/c.d', 'x=(y)', '0', '7', '-0', '+1', '-12', '123456789012345', '4.20', '-0.5', '+3.25', '10.0',
      'yes', 'Yes', 'YES', 'no', 'on', 'Off', 'true', 'FALSE', 'null', 'Null', 'NULL', 'y', 'n', 'Y', 'N', 'NaN', 'Infinity', 'inf', '_x', 'value  '];
    // y/n are booleans to the yaml package's own 1.1 schema (strings to PyYAML's): left to the package.
    for (const s of scalars) expect(expectSameOrDeclined(`k: ${s}\n`), s).toBe(!['y', 'n', 'Y', 'N'].includes(s));
    for (const s of ['"a\\"b\\\\c\\n\\t/"', "'it''s # not a comment'", '"#x"', '[]', '{}', '[1, a, "b", [c], {d: 1}]', '{a: 1, b: [x, z], "c d": null}', '{a: 1,}']) {
      expect(expectSameOrDeclined(`k: ${s}\n`), s).toBe(true);
    }
  });

  it('agrees with the yaml package on block structure', () => {
    const texts = [
      'a:\n- 1\n- 2\nb: 3\n',
      'a:\nb:\n',
      '- a\n- c: 1\n  d: 2\n- [b]\n',
      '  a: 1\n  b: 2\n',
      'a: 1 # one\n# between\n    # indented comment\nb:   x   \n',
      'a:\n  b:\n    c: 1\n  d: 2\ne: 3\n',
      '-   a: 1\n    b: 2\n',
      '"quoted key": 1\n\'single\': 2\n',
      'tests:\n  - name: t\n    metrics:\n    - name: m\n      metric_of_interest: value\n',
    ];
    for (const text of texts) expect(expectSameOrDeclined(text), text).toBe(true);
  });

  it('declines what it does not read, and never accepts what the yaml package rejects', () => {
    const texts = [
      'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: |\n  text\n', 'a: >\n  text\n', 'base: &b {x: 1}\nc:\n  <<: *b\n', '<<: {a: 1}\n',
      'a: 1\na: 2\n', '{a: 1, a: 2}\n', 'a:\n\tb: 1\n', 'a: 1\r\n', '---\na: 1\n', '%YAML 1.1\n---\na: 1\n', '',
      'a: 0x1F\n', 'a: 0o17\n', 'a: 017\n', 'a: 1_000\n', 'a: 1e3\n', 'a: .5\n', 'a: .inf\n', 'a: 1:20\n', 'a: 2024-01-02\n',
      'a: 4.20.0\n', 'a: 1234567890123456789\n', 'a: b: c\n', 'a: b\n  c\n', 'a: [1,\n  2]\n', 'a: "x\n  y"\n', 'a: "\\x41"\n',
      'a: b#c\n', 'a:b\n', '- - a\n', '- a\n-\n  - b\n-\n', 'a: 1\n b: 2\n', '  a: 1\nb: 2\n', 'a:\n    b: 1\n  c: 2\n', '? a\n: b\n', 'a: @x\n',
      '__proto__: 1\n', 'on: 1\n', 'y: 1\n', '1: a\n', 'a: [b]c\n', 'just a scalar\n', 'a: {b}\n', 'a: "x" y\n',
    ];
    for (const text of texts) {
      expectSameOrDeclined(text);
      const result = viaYaml(text) as { error?: string };
      if (result.error) expect(parsePlainYaml(text), text).toBeUndefined();
    }
    for (const text of ['a: &x 1\n', 'a: 1\na: 2\n', 'a: 0x1F\n', 'a: 2024-01-02\n', 'a: |\n  t\n', '<<: {a: 1}\n', 'a: b\n  c\n']) {
      expect(parsePlainYaml(text), text).toBeUndefined();
    }
  });

  it('agrees with the yaml package on randomly damaged fixture configs, or declines them', () => {
    const sources = yamlFiles('test/fixtures')
      .map((file) => readFileSync(file, 'utf8'))
      .filter((text) => text.length < 3000 && parsePlainYaml(text) !== undefined);
    const alphabet = [' ', '  ', '-', ':', '#', '"', "'", '{', '}', '[', ']', ',', '\n', 'a', '1', '.', '&', '*', '!', '|', '>', '?', '0', 'e', 'y', '~'];
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * n);
    };
    let read = 0;
    for (let n = 0; n < 1000; n++) {
      let text = sources[random(sources.length)];
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(text.length);
        const kind = random(3);
        const insert = kind === 0 ? '' : alphabet[random(alphabet.length)];
        text = text.slice(0, at) + insert + text.slice(kind === 1 ? at : at + 1);
      }
      if (expectSameOrDeclined(text)) read++;
    }
    expect(read).toBeGreaterThan(100);
  });

  it('reads rendered templates as the yaml path of parseTemplatedYaml does, outputs filled, or declines them', () => {
    // What a variable may hold: empty (null when plain), numbers, YAML 1.1 words and types the fast path
    // leaves to the package, text that would be structure if it were not an output.
    const values = ['', '0', '4.20', ' -7 ', 'periodic', 'yes', 'Null', '~', 'y', '0x1F', '2024-01-02', 'a: b', 'x\ny', '#c', '"q"', '{{ x }}'];
    let read = 0;
    let declined = 0;
    let files = 0;
    for (const file of yamlFiles('test/fixtures')) {
      const template = readFileSync(file, 'utf8');
      if (!template.includes('{{')) continue;
      // Each value in every variable over the renders of a file; every 6th render per file (with a shifted
      // start, so all values are met): the yaml package takes ~20 ms on each.
      const shift = files++;
      for (const [i, value] of values.entries()) {
        if ((i + shift) % 6 !== 0) continue;
        const vars = Object.fromEntries(requiredVariables(template).map((name, j) => [name, values[(i + j) % values.length] ?? value]));
        let rendered;
        try {
          rendered = renderTemplateData(template, vars, file);
        } catch (err) {
          if (err instanceof UserError) continue; // a value the template's own logic refuses
          throw err;
        }
        if (!rendered.hasOutputs) continue;
        const plain = parsePlainYaml(rendered.text, rendered);
        if (!plain) {
          declined++;
          continue;
        }
        read++;
        const full = parseWithYaml(rendered.text, file, rendered);
        expect(plain.value, `${file} with ${JSON.stringify(vars)}`).toStrictEqual(full.value);
        for (const path of pathsOf(plain.value)) expect(plain.lineOf(path), `${file} ${JSON.stringify(path)}`).toBe(full.lineOf(path));
      }
    }
    // Most templated configs are plain around their outputs; outputs the subset cannot resolve are declined.
    expect(read).toBeGreaterThan(200);
    expect(declined).toBeGreaterThan(0);
    // The main run of EXPECTED.md (Orion's CI config: empty outputs are nulls) takes the fast path.
    const ci = renderTemplateData(readFileSync('test/fixtures/analyze/configurations/ci-tests.yaml', 'utf8'), { version: '4.20' });
    expect(parsePlainYaml(ci.text, ci)).toBeDefined();
  });
});
