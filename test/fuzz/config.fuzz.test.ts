/**
 * The config loader with hostile templates, variables and YAML, and the CLI with hostile user regexes —
 * each case in a child process (support/child.ts) with a memory cap and a time limit, since what is
 * tested is precisely whether it kills or freezes its process. Invariants: the child ends by itself, in
 * time, with an answer (a config or one clear error); a template never runs JavaScript (exit 77 or a
 * canary file would show it); a variable never changes the document's structure nor reads a file.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { check } from './support/fuzz.js';
import { bundleChild, runChild, type ChildResult } from './support/child.js';
import { CATASTROPHIC_REGEXES } from './support/hostile.js';
import { excerpt, Sweep } from './support/leaks.js';

/** Long enough for any honest config on a loaded machine (a child loads the CLI in about 1 s of CPU); a hang or a billion-step loop is cut at this. */
const TIME_LIMIT_MS = 30_000;
const SECRET_CONTENT = 'PERFHOUND-FUZZ-SECRET-FILE-7f3a9c';

let bundle = '';
const work = mkdtempSync(join(tmpdir(), 'perfhound-fuzz-config-'));
const secretFile = join(mkdtempSync(join(tmpdir(), 'perfhound-fuzz-secret-')), 'secret.yaml');
const sweep = new Sweep().secret(SECRET_CONTENT).path(work);

beforeAll(async () => {
  bundle = await bundleChild();
  writeFileSync(secretFile, `secret: ${SECRET_CONTENT}\ntests: []\n`);
}, 120_000);

const configWith = (metadataLine: string) => `tests:\n  - name: t\n    metadata:\n      ${metadataLine}\n    metrics:\n      - name: m\n        metric_of_interest: v\n`;

/** The child ended by itself, in time, without running our payloads; its answer is clean. */
function assertSurvived(r: ChildResult, where: string): void {
  if (r.timedOut) throw new Error(`${where}: no answer within ${TIME_LIMIT_MS} ms (hang or runaway loop)`);
  if (r.status === 77) throw new Error(`${where}: the template ran JavaScript (process.exit(77))`);
  if (r.signal || r.status !== 0) throw new Error(`${where}: the process died (status ${r.status}, signal ${r.signal}): ${excerpt(r.stderr, 300)}`);
  if (existsSync(join(work, 'CANARY'))) {
    rmSync(join(work, 'CANARY'));
    throw new Error(`${where}: the template ran JavaScript (wrote the canary file)`);
  }
  sweep.assertClean(r.stdout + r.stderr, where);
}

function answer(r: ChildResult): { ok: boolean; error?: string; tests?: Array<{ name: string; metadata: Record<string, unknown> }> } {
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}');
}

const PAYLOADS = ['process.exit(77)', "process.getBuiltinModule('fs').writeFileSync('CANARY','x')", 'return process.env'];
/** Ways to reach the Function constructor from what a template sees. */
const GADGETS = ['range.constructor', 'cycler.constructor', 'joiner.constructor', '"".constructor.constructor', '[].constructor.constructor', '(1).constructor.constructor',
  'range["constructor"]', 'range.__proto__.constructor', 'loop.constructor.constructor'];

const codeExecution = fc.tuple(fc.constantFrom(...GADGETS), fc.constantFrom(...PAYLOADS)).map(([g, p]) => `{{ ${g}(${JSON.stringify(p)})() }}`);
const bombs = fc.constantFrom(
  '{% for i in range(300000000) %}x{% endfor %}',
  '{{ range(300000000) | length }}',
  '{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}',
  '{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}',
  '{% set s = "xxxxxxxxxx" %}{% for i in range(40) %}{% set s = s + s %}{% endfor %}{{ s | length }}',
  '{{ undefined_variable }}',
  '{{ x | default("ok") }}',
  '{% include "/etc/passwd" %}',
  '{{ "%s" | format(range) }}',
);
const aliasBomb = fc.constantFrom(8, 12).map((levels) => {
  let yaml = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < levels; i++) yaml += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
  return `${yaml}tests:\n  - name: t\n    metadata:\n      platform: *a${levels - 1}\n    metrics:\n      - name: m\n        metric_of_interest: v\n`;
});

describe('hostile configs in a child process', () => {
  it('a template never reaches JavaScript; loops, recursion, output and aliases are bounded (item 1)', async () => {
    const text = fc.oneof(codeExecution.map((t) => configWith(`platform: "${t}"`)), bombs.map((t) => configWith(`platform: "${t}"`)), aliasBomb);
    await check(
      'config templates',
      fc.asyncProperty(text, async (config) => {
        const r = await runChild(bundle, { kind: 'config', text: config, inputVars: {} }, { cwd: work, timeoutMs: TIME_LIMIT_MS });
        assertSurvived(r, `the config ${JSON.stringify(config.slice(0, 200))}`);
        answer(r);
      }),
      12,
    );
  }, 600_000);

  it('analyze --config with a template runs no JavaScript either (item 1, CLI)', async () => {
    await check(
      'config templates cli',
      fc.asyncProperty(codeExecution, async (t) => {
        writeFileSync(join(work, 'c.yaml'), configWith(`platform: "${t}"`));
        const r = await runChild(bundle, { kind: 'cli', args: ['analyze', '--config', 'c.yaml', '--db', 'sqlite:cli.db'] }, { cwd: work, timeoutMs: TIME_LIMIT_MS });
        if (r.status === 77) throw new Error(`analyze --config with ${t}: the template ran JavaScript (process.exit(77))`);
        if (r.timedOut || r.signal) throw new Error(`analyze --config with ${t}: killed (${r.timedOut ? 'time limit' : r.signal})`);
        if (existsSync(join(work, 'CANARY'))) {
          rmSync(join(work, 'CANARY'));
          throw new Error(`analyze --config with ${t}: the template ran JavaScript (wrote the canary file)`);
        }
        sweep.assertClean(r.stdout + r.stderr, `analyze --config with ${t}`);
      }),
      4,
    );
  }, 300_000);

  it('a template variable is a value, never YAML structure, and never reads a file (item 2)', async () => {
    const value = fc.oneof(
      fc.constantFrom(`4.20\nparentConfig: ${secretFile}`, `4.20"\nparentConfig: "${secretFile}`, `4.20\n    injected: yes`, `4.20"\n  - name: extra\n    x: "`,
        "'", ': ', '- x', '{a: 1}', '&a', '*a', '!!js/function "x"', '"', '\\', '#', '4.20 # comment', '{{ 7*7 }}', `{% include "${secretFile}" %}`),
      fc.string({ maxLength: 12 }),
    );
    await check(
      'config variables',
      fc.asyncProperty(value, fc.boolean(), async (v, quoted) => {
        const config = configWith(quoted ? 'ocpVersion: "{{ version }}"' : 'ocpVersion: {{ version }}');
        const r = await runChild(bundle, { kind: 'config', text: config, inputVars: { version: v } }, { cwd: work, timeoutMs: TIME_LIMIT_MS });
        const where = `version=${JSON.stringify(v)} in ${quoted ? 'a quoted' : 'an unquoted'} scalar`;
        // The value is the caller's own text: echoed back as the stored value it leaks nothing (its path is the test's).
        assertSurvived({ ...r, stdout: r.stdout.split(JSON.stringify(v).slice(1, -1)).join('') }, where);
        const a = answer(r);
        if (!a.ok) return;
        const tests = a.tests ?? [];
        const keys = tests.map((t) => Object.keys(t.metadata).join(','));
        if (tests.length !== 1 || keys[0] !== 'ocpVersion') throw new Error(`${where} changed the document: tests ${JSON.stringify(tests)}`);
        if (quoted && tests[0].metadata.ocpVersion !== v) throw new Error(`${where} became ${JSON.stringify(tests[0].metadata.ocpVersion)}`);
      }),
      10,
    );
  }, 600_000);

  it('a catastrophic --attr-regex does not freeze an ingest (item 8)', async () => {
    await check(
      'attr regex',
      fc.asyncProperty(fc.constantFrom(...CATASTROPHIC_REGEXES), fc.constantFrom(30, 40), async (re, n) => {
        const name = 'a'.repeat(n) + '!';
        writeFileSync(join(work, 'r.subunit'), `test: ${name}\nsuccess: ${name}\n`);
        const r = await runChild(bundle, { kind: 'cli', args: ['ingest', 'subunit', 'r.subunit', '--attr-regex', re, '--db', 'sqlite:regex.db'] }, { cwd: work, timeoutMs: TIME_LIMIT_MS });
        const where = `ingest subunit --attr-regex '${re}' on a test named a×${n}+"!"`;
        if (r.timedOut) throw new Error(`${where}: no answer within ${TIME_LIMIT_MS} ms`);
        if (r.signal || (r.status !== 0 && r.status !== 1)) throw new Error(`${where}: died (status ${r.status}, signal ${r.signal})`);
        sweep.assertClean(r.stdout + r.stderr, where);
      }),
      3,
    );
  }, 300_000);
});
