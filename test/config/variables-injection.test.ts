/**
 * Template variables are data: whatever a value holds, it fills one scalar and can never add keys, lines
 * or includes to the config. Includes stay inside the folder a daemon confines them to, and errors about
 * an included file never print its content.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadAnalysisConfig, parseAnalysisConfig } from '../../src/config/index.js';
import { renderTemplateData } from '../../src/config/template.js';
import { parseTemplatedYaml } from '../../src/config/yaml-source.js';
import { UserError } from '../../src/util/errors.js';

const METRICS = '    metrics:\n      - name: m\n        metric_of_interest: v\n';
const CONFIG = `tests:\n  - name: t\n    metadata:\n      plain: {{ v }}\n      double: "{{ v }}*"\n      single: '{{ v }}'\n${METRICS}`;

async function metadataOf(value: unknown): Promise<Record<string, unknown>> {
  const config = await parseAnalysisConfig(CONFIG, { file: 'c.yaml', inputVars: { v: value }, env: {} });
  expect(config.tests).toHaveLength(1);
  return config.tests[0]!.metadata;
}

/** The document a template gives with `v` (rendered, parsed, filled: the loader's steps). */
function documentOf(value: unknown): { tests: { name: string; metadata: Record<string, unknown> }[] } {
  const rendered = renderTemplateData(CONFIG, { v: value }, 'c.yaml');
  return parseTemplatedYaml(rendered.text, rendered, 'c.yaml').value as { tests: { name: string; metadata: Record<string, unknown> }[] };
}

/** Fails when `promise` resolves; gives its UserError otherwise. */
async function refused(promise: Promise<unknown>): Promise<UserError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe('template variables are data', () => {
  it('a newline in a value adds no key: the parentConfig it carries stays text', async () => {
    const hostile = '4.20\nparentConfig: /etc/passwd\nx: "';
    const metadata = await metadataOf(hostile);
    expect(Object.keys(metadata).sort()).toEqual(['double', 'plain', 'single']);
    expect(metadata['double']).toBe(`${hostile}*`);
    expect(metadata['single']).toBe(hostile);
    expect(metadata['plain']).toBe(hostile);
  });

  it('quotes, flow syntax, comments, anchors and tags in a value stay text', async () => {
    for (const hostile of ['a", parentConfig: "/etc/passwd', "a', parentConfig: '/etc/passwd", '{parentConfig: /etc/passwd}', 'x # c', '*alias', '!!python/object x', '[1, 2]', '- a']) {
      const metadata = await metadataOf(hostile);
      expect(Object.keys(metadata).sort(), hostile).toEqual(['double', 'plain', 'single']);
      expect(metadata['double'], hostile).toBe(`${hostile}*`);
      expect(metadata['single'], hostile).toBe(hostile);
    }
  });

  it('an unquoted value is still read as a YAML scalar, as Orion reads it (4.20 is a number, true a boolean)', async () => {
    expect((await metadataOf('4.20'))['plain']).toBe(4.2);
    expect((await metadataOf('true'))['plain']).toBe(true);
    expect((await metadataOf(24))['plain']).toBe(24);
    expect((await metadataOf('4.20'))['double']).toBe('4.20*');
  });

  it('property: no string as a variable changes the keys of the parsed config', async () => {
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      fc.array(fc.constantFrom('\n', '\r', '\u0085', '\u2028', ':', ' ', '"', "'", '#', '-', '{', '}', '[', ']', ',', '&', '*', '!', '|', '>', '%', '@', '`', '\\', 'parentConfig', 'a', '1'), { maxLength: 30 }).map((a) => a.join('')),
    );
    await fc.assert(
      fc.asyncProperty(text, async (value) => {
        const doc = documentOf(value);
        expect(Object.keys(doc)).toEqual(['tests']);
        expect(doc.tests).toHaveLength(1);
        expect(Object.keys(doc.tests[0]!).sort()).toEqual(['metadata', 'metrics', 'name']);
        const metadata = doc.tests[0]!.metadata;
        expect(Object.keys(metadata).sort()).toEqual(['double', 'plain', 'single']);
        expect(metadata['double']).toBe(`${value}*`);
        expect(metadata['single']).toBe(value);
        // A plain scalar: a string, number, boolean or null — never a list or mapping.
        expect(['string', 'number', 'boolean', 'object']).toContain(typeof metadata['plain']);
        if (typeof metadata['plain'] === 'object') expect(metadata['plain']).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it('a variable in an included file is data too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vars-include-'));
    writeFileSync(join(dir, 'parent.yaml'), 'platform: "{{ v }}"\n');
    writeFileSync(join(dir, 'c.yaml'), `parentConfig: parent.yaml\ntests:\n  - name: t\n${METRICS}`);
    const config = await loadAnalysisConfig(join(dir, 'c.yaml'), { inputVars: { v: 'x"\nmetricsFile: /etc/passwd\ny: "' }, env: {} });
    expect(config.tests[0]!.metadata).toEqual({ platform: 'x"\nmetricsFile: /etc/passwd\ny: "' });
  });
});

describe('includes', () => {
  const root = mkdtempSync(join(tmpdir(), 'includes-'));
  const configs = join(root, 'configs');
  mkdirSync(join(configs, 'sub'), { recursive: true });
  writeFileSync(join(root, 'outside.yaml'), 'platform: SECRET-OUTSIDE\n');
  writeFileSync(join(configs, 'sub', 'parent.yaml'), 'platform: AWS\n');
  writeFileSync(join(configs, 'secret.txt'), 'root:x:0:0:SECRET-CONTENT:/root:/bin/bash\n');
  symlinkSync(join(root, 'outside.yaml'), join(configs, 'link.yaml'));
  const config = (parent: string) => `parentConfig: ${parent}\ntests:\n  - name: t\n${METRICS}`;
  const load = (parent: string) => {
    writeFileSync(join(configs, 'c.yaml'), config(parent));
    return loadAnalysisConfig(join(configs, 'c.yaml'), { env: {}, includeRoot: configs });
  };

  it('inside the confining folder, relative includes load', async () => {
    expect((await load('sub/parent.yaml')).tests[0]!.metadata).toEqual({ platform: 'AWS' });
  });

  it.each([
    ['a parent folder', '../outside.yaml'],
    ['a folder and back out', 'sub/../../outside.yaml'],
    ['an absolute path', join(root, 'outside.yaml')],
    ['a symbolic link out of the folder', 'link.yaml'],
  ])('refuses %s, naming the config line and not the file content', async (_name, parent) => {
    const err = await refused(load(parent));
    expect(err.place).toMatchObject({ line: 1 });
    expect(err.message).toMatch(/parentConfig/);
    expect(err.message).not.toContain('SECRET');
    expect(err.message).not.toContain(join(root, 'outside.yaml'));
  });

  it('an included file that is no YAML mapping is refused without printing its content', async () => {
    writeFileSync(join(configs, 'c.yaml'), config('secret.txt'));
    const err = await refused(loadAnalysisConfig(join(configs, 'c.yaml'), { env: {} }));
    expect(err.message).toMatch(/secret\.txt/);
    expect(err.message).not.toContain('SECRET');
    expect(err.message).not.toContain('root:x');
  });
});
