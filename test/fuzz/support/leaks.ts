/**
 * What no answer, message or log line may carry: a secret (a token, a database password), a stack trace,
 * or an absolute path of this machine (the temp folder, the repository, the home folder).
 *
 * @example
 * const sweep = new Sweep().secret(token).secret('pa55word');
 * sweep.assertClean(res.body, 'GET /api/v1/runs');   // throws naming what leaked
 */
import { realpathSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { resolve } from 'node:path';

/** `    at fn (file:12:3)` or `at file:12:3` — a JavaScript stack frame. */
const STACK_FRAME = /(?:^|\n)\s*at (?:\S+ \()?(?:file:\/\/|node:|\/)[^\s)]*:\d+:\d+\)?/;
/** A raw JavaScript error naming a path: `Error: ENOENT: no such file or directory, open '/x/y'`. */
const ERROR_WITH_PATH = /\b\w*Error: [^\n]*(?:\/[^\s/'"]+){2,}/;

function variants(path: string): string[] {
  const out = new Set([path]);
  try {
    out.add(realpathSync(path));
  } catch {
    // not on disk: the path itself
  }
  return [...out].filter((p) => p.length > 1);
}

export class Sweep {
  private readonly secrets = new Set<string>();
  private readonly paths = new Set<string>();

  constructor() {
    // TMPDIR is one folder per test run (test/support/temp-root.ts); the machine's temp root above it too.
    for (const p of [tmpdir(), resolve(tmpdir(), '..'), resolve('.'), homedir()]) {
      for (const v of variants(p)) if (v !== '/' && v !== '/tmp') this.paths.add(v);
    }
  }

  secret(value: string): this {
    if (value.length < 6) throw new Error(`a swept secret must be at least 6 characters (got "${value}")`);
    this.secrets.add(value);
    return this;
  }

  path(value: string): this {
    for (const v of variants(value)) this.paths.add(v);
    return this;
  }

  /** What leaked in `text`, or undefined. `allowed` are strings the caller gave itself (its own file argument). */
  leak(text: string, allowed: readonly string[] = []): string | undefined {
    let t = text;
    for (const a of allowed) if (a) t = t.split(a).join('<given>');
    for (const s of this.secrets) if (t.includes(s)) return `a secret (${s.slice(0, 3)}…)`;
    const frame = STACK_FRAME.exec(t);
    if (frame) return `a stack frame (${frame[0].trim()})`;
    const raw = ERROR_WITH_PATH.exec(t);
    if (raw) return `a raw error with a path (${raw[0]})`;
    // Longest first, so the repo inside home is named as the repo.
    for (const p of [...this.paths].sort((a, b) => b.length - a.length)) if (t.includes(p)) return `an absolute path of this machine (${p})`;
    return undefined;
  }

  assertClean(text: string, where: string, allowed: readonly string[] = []): void {
    const what = this.leak(text, allowed);
    if (what) throw new Error(`${where} shows ${what}: ${excerpt(text)}`);
  }
}

export function excerpt(text: string, max = 400): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max) + '…' : one;
}
