/**
 * The installed command, bin/perfhound.cjs, is read by sh first (its shebang) and by Node second: sh
 * answers a bare `--version`/`-V` from package.json without starting Node, and runs the same file with
 * Node for anything else. Run here as npm installs it: executed directly, and through a relative symlink in
 * another folder (npm's bin link). A stand-in `node` first on the PATH tells whether Node was started and
 * with which arguments.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = resolve('bin/perfhound.cjs');
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), 'perfhound-launcher-'));

/** A folder whose `node` only prints the arguments it got, one a line, and exits 7. */
const fakeNodeDir = join(work, 'fake-node');
mkdirSync(fakeNodeDir);
writeFileSync(join(fakeNodeDir, 'node'), '#!/bin/sh\nprintf "%s\\n" "node ran" "$@"\nexit 7\n');
chmodSync(join(fakeNodeDir, 'node'), 0o755);
const withFakeNode = { ...process.env, PATH: `${fakeNodeDir}:${process.env.PATH ?? ''}` };

/** npm's global layout: <prefix>/bin/perfhound -> ../lib/node_modules/perfhound/bin/perfhound.cjs (relative). */
const linkDir = join(work, 'prefix', 'bin');
mkdirSync(linkDir, { recursive: true });
const LINK = join(linkDir, 'perfhound');
symlinkSync(relative(linkDir, BIN), LINK);

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the installed command (bin/perfhound.cjs through sh)', () => {
  it("answers a bare --version and -V from package.json without starting Node, directly and through npm's symlink", () => {
    for (const command of [BIN, LINK]) {
      for (const flag of ['--version', '-V']) {
        expect(run(command, [flag], withFakeNode), `${command} ${flag}`).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
      }
    }
  });

  it('runs this same file with Node for anything else, with the arguments as given', () => {
    for (const args of [['--help'], ['--debug', '--version'], ['--version', 'extra'], ['analyze', '--input-vars', '{"a b": "*"}', '']]) {
      expect(run(LINK, args, withFakeNode)).toEqual({ status: 7, stdout: ['node ran', LINK, ...args].join('\n') + '\n', stderr: '' });
    }
  });

  it('leaves --version to Node when package.json does not hold the version as npm writes it', () => {
    const copy = join(work, 'reformatted');
    mkdirSync(join(copy, 'bin'), { recursive: true });
    copyFileSync(BIN, join(copy, 'bin', 'perfhound.cjs'));
    writeFileSync(join(copy, 'package.json'), JSON.stringify({ name: 'perfhound', version: '9.8.7' }));
    expect(run(join(copy, 'bin', 'perfhound.cjs'), ['--version'], withFakeNode).stdout).toBe(`node ran\n${join(copy, 'bin', 'perfhound.cjs')}\n--version\n`);
    // The real Node answers from the same package.json (bin/perfhound.cjs's own fast path, no bundle needed).
    expect(run(join(copy, 'bin', 'perfhound.cjs'), ['--version'])).toEqual({ status: 0, stdout: '9.8.7\n', stderr: '' });
  });

  it('is the whole CLI when run by Node (tests and `node bin/perfhound.cjs` use it so)', () => {
    const viaSh = run(LINK, ['--help'], { ...process.env, PERFHOUND_CODE_CACHE: 'off' });
    expect(viaSh.status).toBe(0);
    expect(viaSh.stdout).toMatch(/^Usage: perfhound \[options\] \[command\]/);
    expect(run(process.execPath, [BIN, '--help'], { ...process.env, PERFHOUND_CODE_CACHE: 'off' })).toEqual(viaSh);
  });

  it('honours NODE_OPTIONS', () => {
    const hook = join(work, 'hook.cjs');
    writeFileSync(hook, "process.stderr.write('hook loaded\\n');");
    const result = run(LINK, ['--help'], { ...process.env, NODE_OPTIONS: `--require ${hook}` });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('hook loaded\n');
  });
});
