/**
 * `perfhound --version`: the installed command (bin/perfhound.cjs) answers a bare `--version` before it
 * reads the CLI bundle; it must say what the full CLI (commander's `.version()`) says, and `-V` alike.
 * Runs the built command (`npm run build`; `npm run test:all` builds first).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve('.');
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

function perfhound(args: string[]): string {
  expect(existsSync(join(ROOT, 'dist/cli/entry.cjs')), 'dist/ is missing: run npm run build').toBe(true);
  return execFileSync(process.execPath, [join(ROOT, 'bin/perfhound.cjs'), ...args], { encoding: 'utf8', env: { ...process.env, PERFHOUND_CODE_CACHE: 'off' } });
}

describe('perfhound --version', () => {
  it("prints package.json's version, by the fast path and through the full CLI alike", () => {
    expect(perfhound(['--version'])).toBe(`${VERSION}\n`);
    expect(perfhound(['-V'])).toBe(`${VERSION}\n`);
    // With another flag the full CLI answers (commander's .version()).
    expect(perfhound(['--debug', '--version'])).toBe(`${VERSION}\n`);
  });

  it('leaves everything else to the full CLI', () => {
    expect(perfhound(['--help'])).toMatch(/^Usage: perfhound \[options\] \[command\]/);
  });
});
