/**
 * `perfhound --version`: the installed command answers a bare `--version` before loading the CLI
 * (src/cli/entry.ts); it must say what the full CLI (commander's `.version()`) says, and `-V` alike.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/entry.js';

const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

/** Runs the entry in-process, capturing stdout. */
async function entry(args: string[]): Promise<string> {
  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(chunk.toString()), true)) as typeof process.stdout.write;
  try {
    await main(['node', 'perfhound', ...args]);
  } finally {
    process.stdout.write = write;
    process.exitCode = 0;
  }
  return out.join('');
}

describe('perfhound --version', () => {
  it("prints package.json's version, by the fast path and through the full CLI alike", async () => {
    expect(await entry(['--version'])).toBe(`${VERSION}\n`);
    expect(await entry(['-V'])).toBe(`${VERSION}\n`);
    // With another flag the full CLI answers (commander's .version()).
    expect(await entry(['--debug', '--version'])).toBe(`${VERSION}\n`);
  });

  it('leaves everything else to the full CLI', async () => {
    expect(await entry(['--help'])).toMatch(/^Usage: perfhound \[options\] \[command\]/);
  });
});
