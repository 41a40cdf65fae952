/**
 * `perfhound completion bash|zsh`: the bash script, sourced in a real bash, completes commands,
 * subcommands and flags at every level; the zsh script holds the same table (zsh is not installed on the
 * development machine, so it is checked by content only).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

async function script(shell: string): Promise<string> {
  const r = await runCli(['completion', shell]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** What bash offers after typing `line` (the last word being completed). */
function complete(bashScript: string, line: string): string[] {
  const words = line.split(' ');
  const program = `${bashScript}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_perfhound; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '-c', program], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('perfhound completion', () => {
  it('bash completes commands, subcommands and flags at each level', async () => {
    const bash = await script('bash');
    // Containment, not equality, for the lists other branches may add commands to.
    const top = complete(bash, 'perfhound d');
    expect(top).toEqual(expect.arrayContaining(['daemon-mode', 'db', 'demo', 'detect']));
    expect(top.filter((w) => !w.startsWith('d'))).toEqual([]);
    const db = complete(bash, 'perfhound db ');
    expect(db).toEqual(expect.arrayContaining(['--help', 'expire', 'grant-readonly', 'migrate', 'status']));
    expect(db).not.toContain('--read-public');
    expect(db).not.toContain('demo');
    expect(complete(bash, 'perfhound db grant-readonly --db x --pa')).toEqual(['--password-file']);
    expect(complete(bash, 'perfhound serve --read')).toEqual(['--read-public']);
    expect(complete(bash, 'perfhound analyze --vi')).toEqual(['--viz']);
    expect(complete(bash, 'perfhound analyze --inter')).toEqual(['--interactive']);
    expect(complete(bash, 'perfhound otava analyze --graphite')).toEqual(['--graphite-url']);
    expect(complete(bash, 'perfhound otava analyze --at')).toEqual(['--attrs']);
    expect(complete(bash, 'perfhound --debug tests never')).toEqual(['never-failed']);
  });

  it('zsh gets the same table and registers the function', async () => {
    const zsh = await script('zsh');
    expect(zsh).toMatch(/^ {4}"db grant-readonly"\) echo "--user --password-file --db --help" ;;$/m);
    expect(zsh).toContain('compdef _perfhound perfhound');
  });

  it('refuses another shell in one line', async () => {
    const r = await runCli(['completion', 'fish']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('perfhound: field shell: unknown shell "fish" (bash or zsh)');
  });
});
