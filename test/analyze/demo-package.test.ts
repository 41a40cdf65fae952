/**
 * `npx perfhound demo` works from any directory: the published package holds the bundled Orion config
 * (package.json `files`), and the compiled CLI finds it beside itself, not in the working directory.
 * These cases run the built CLI in `dist/` (`npm run build`; `npm run test:all` builds first); the
 * installed package itself is test/docs/package.test.ts's.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_CONFIG } from '../../src/cli/demo.js';

const run = promisify(execFile);
const ROOT = resolve('.');
const BUILT_ENTRY = join(ROOT, 'dist/cli/entry.cjs');
const dir = mkdtempSync(join(tmpdir(), 'perfhound-demo-cwd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('perfhound demo as installed', () => {
  it('the package ships the built CLI and the config where the demo looks for it', async () => {
    expect(existsSync(BUILT_ENTRY), 'dist/ is missing: run npm run build').toBe(true);
    const { stdout: packed } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', ROOT], { cwd: dir });
    const files = (JSON.parse(packed) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
    expect(files).toContain('dist/cli/entry.cjs');
    expect(files).toContain(relative(ROOT, DEMO_CONFIG));
  }, 60_000);

  it('runs from an unrelated working directory and finds the planted regressions', async () => {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin/perfhound.cjs'), 'demo', '--db', `sqlite:${join(dir, 'demo.db')}`], { cwd: dir });
    expect(stderr).not.toMatch(/perfhound:/);
    expect(stdout).toMatch(/[1-9]\d* regression\(s\) in 3 tests/);
  }, 120_000);
});
