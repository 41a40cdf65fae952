/** Every command's --help has an example, as the README promises. */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { runCli } from '../support/cli.js';

function leaves(command: Command, path: string[] = []): string[][] {
  if (command.commands.length === 0) return [path];
  return command.commands.flatMap((c) => leaves(c, [...path, c.name()]));
}

describe('--help', () => {
  it('of every command shows an example', async () => {
    const program = await buildProgram(['node', 'perfhound']);
    const commands = leaves(program);
    expect(commands.length).toBeGreaterThan(30);
    const missing: string[] = [];
    for (const path of commands) {
      const r = await runCli([...path, '--help']);
      if (!/Examples?:\n\s+perfhound /.test(r.stdout)) missing.push(path.join(' '));
    }
    expect(missing).toEqual([]);
  });

  it("of perfhound says detect's exit code as it is: 0 even when it finds change points", async () => {
    const help = await runCli(['--help']);
    const line = help.stdout.split('\n').find((l) => /^\s+2\s/.test(l));
    expect(line).toMatch(/detect and otava analyze exit 0 whatever they find/);
    const detect = await runCli(['detect', 'test/fixtures/changepoints/cases/upstream_sample.csv', '-o', 'json']);
    expect(Object.values(JSON.parse(detect.stdout) as Record<string, unknown[]>).flat().length).toBeGreaterThan(0);
    expect(detect.code).toBe(0);
  });
});
